//! Step outcomes, timings and the closing summary line of `cargo xtask test`.

use std::time::Duration;

use crate::counts::Counts;

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed(String),
    Skipped(String),
}

/// What a step is worth in the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// A check (fmt, clippy, a build): counts as one passed or one failed.
    Check,
    /// A test suite: counts its tests; a failure with no failed test (it did not compile,
    /// the runner crashed) still counts as one failed.
    Tests,
}

/// One finished step.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub weight: Weight,
    pub status: Status,
    pub counts: Counts,
    pub took: Duration,
}

impl Outcome {
    /// This step's contribution to the run's totals.
    pub fn totals(&self) -> Counts {
        let mut c = match self.weight {
            Weight::Tests => self.counts,
            Weight::Check => Counts::default(),
        };
        match (&self.status, self.weight) {
            (Status::Passed, Weight::Check) => c.passed += 1,
            (Status::Failed(_), Weight::Check) => c.failed += 1,
            (Status::Failed(_), Weight::Tests) if c.failed == 0 => c.failed += 1,
            _ => {}
        }
        c
    }
}

/// The step table and the closing `xtask: N passed, M failed` line.
pub fn summary(outcomes: &[Outcome], total_time: Duration) -> String {
    let mut out = String::from("\n== summary\n");
    let mut totals = Counts::default();
    for o in outcomes {
        let c = o.totals();
        totals += c;
        let status = match &o.status {
            Status::Passed => "passed".to_string(),
            Status::Failed(why) => format!("FAILED: {why}"),
            Status::Skipped(why) => format!("skipped: {why}"),
        };
        let counts = match o.weight {
            Weight::Tests if !matches!(o.status, Status::Skipped(_)) => {
                format!(
                    " [{} passed, {} failed, {} ignored]",
                    c.passed, c.failed, o.counts.ignored
                )
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "{:>7.1}s  {:<40} {status}{counts}\n",
            o.took.as_secs_f64(),
            o.name
        ));
    }
    out.push_str(&format!("{:>7.1}s  total\n", total_time.as_secs_f64()));
    out.push_str(&format!(
        "xtask: {} passed, {} failed\n",
        totals.passed, totals.failed
    ));
    out
}

/// True if any step failed.
pub fn any_failed(outcomes: &[Outcome]) -> bool {
    outcomes
        .iter()
        .any(|o| matches!(o.status, Status::Failed(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(weight: Weight, status: Status, passed: u64, failed: u64) -> Outcome {
        Outcome {
            name: "step".into(),
            weight,
            status,
            counts: Counts {
                passed,
                failed,
                ignored: 0,
            },
            took: Duration::from_millis(1500),
        }
    }

    #[test]
    fn summary_ends_with_the_plain_totals_line() {
        let steps = [
            outcome(Weight::Check, Status::Passed, 0, 0),
            outcome(Weight::Tests, Status::Passed, 40, 0),
            outcome(Weight::Tests, Status::Failed("exit 101".into()), 5, 2),
        ];
        let text = summary(&steps, Duration::from_secs(9));
        assert_eq!(
            text.lines().last(),
            Some("xtask: 46 passed, 2 failed"),
            "{text}"
        );
        assert!(any_failed(&steps));
    }

    #[test]
    fn a_suite_that_failed_without_failed_tests_still_counts_one_failure() {
        let compile_error = outcome(Weight::Tests, Status::Failed("exit 101".into()), 0, 0);
        assert_eq!(
            compile_error.totals(),
            Counts {
                passed: 0,
                failed: 1,
                ignored: 0
            }
        );
    }

    #[test]
    fn skipped_steps_count_neither_way() {
        let skipped = outcome(Weight::Tests, Status::Skipped("no suites".into()), 0, 0);
        let check = outcome(Weight::Check, Status::Skipped("no suites".into()), 0, 0);
        assert_eq!(skipped.totals(), Counts::default());
        assert_eq!(check.totals(), Counts::default());
        assert!(!any_failed(&[skipped, check]));
    }

    #[test]
    fn failed_check_counts_one_failure() {
        let clippy = outcome(Weight::Check, Status::Failed("exit 101".into()), 0, 0);
        let text = summary(&[clippy], Duration::ZERO);
        assert!(text.ends_with("xtask: 0 passed, 1 failed\n"), "{text}");
    }
}
