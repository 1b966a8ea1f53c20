//! Test counts read from the output of the runners xtask drives.

use std::ops::AddAssign;

/// Passed, failed and ignored tests of one step (or of the whole run).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }
}

/// Which runner printed the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// libtest (`cargo test`) and wasm-bindgen-test-runner: one or more lines
    /// `test result: ok. 3 passed; 0 failed; 1 ignored; ...`, summed.
    Libtest,
    /// `node --test` with the spec (`ℹ pass 3`) or TAP (`# pass 3`) reporter; the last
    /// summary wins.
    Node,
}

/// Counts in `output` for the given runner; `None` if it printed no summary at all.
pub fn parse(format: Format, output: &str) -> Option<Counts> {
    match format {
        Format::Libtest => parse_libtest(output),
        Format::Node => parse_node(output),
    }
}

fn parse_libtest(output: &str) -> Option<Counts> {
    let mut total: Option<Counts> = None;
    for line in output.lines() {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            continue;
        };
        // `ok. 3 passed; 0 failed; ...` or `FAILED. 2 passed; 1 failed; ...`
        let Some((_, fields)) = rest.split_once(". ") else {
            continue;
        };
        let mut counts = Counts::default();
        for field in fields.split(';') {
            let mut words = field.split_whitespace();
            let (Some(n), Some(label)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match label {
                "passed" => counts.passed = n,
                "failed" => counts.failed = n,
                "ignored" => counts.ignored = n,
                _ => {}
            }
        }
        *total.get_or_insert_with(Counts::default) += counts;
    }
    total
}

fn parse_node(output: &str) -> Option<Counts> {
    let mut passed = None;
    let mut failed = None;
    let (mut skipped, mut todo) = (0, 0);
    for line in output.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("ℹ ").or_else(|| line.strip_prefix("# ")) else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(label), Some(n), None) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        match label {
            "pass" => passed = Some(n),
            "fail" => failed = Some(n),
            "skipped" => skipped = n,
            "todo" => todo = n,
            _ => {}
        }
    }
    match (passed, failed) {
        (None, None) => None,
        (p, f) => Some(Counts {
            passed: p.unwrap_or(0),
            failed: f.unwrap_or(0),
            ignored: skipped + todo,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, Counts, Format};

    fn counts(passed: u64, failed: u64, ignored: u64) -> Counts {
        Counts {
            passed,
            failed,
            ignored,
        }
    }

    #[test]
    fn cargo_test_results_of_every_target_are_summed() {
        let out = "running 3 tests\ntest a ... ok\n\n\
            test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
            running 2 tests\n\
            test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.20s\n\
               Doc-tests operator_chat\n\
            test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        assert_eq!(parse(Format::Libtest, out), Some(counts(4, 1, 1)));
    }

    #[test]
    fn wasm_bindgen_test_runner_summary_is_read_like_libtest() {
        let out = "Running headless tests in Chrome on `http://127.0.0.1:4500/`\n\
            Try find `webdriver.json` for configure browser's capabilities:\nNot found\n\
            running 5 tests\ntest web::streams_a_reply ... ok\n\n\
            test result: ok. 5 passed; 0 failed; 0 ignored; 0 filtered out; finished in 1.52s\n";
        assert_eq!(parse(Format::Libtest, out), Some(counts(5, 0, 0)));
    }

    #[test]
    fn output_without_a_summary_has_no_counts() {
        assert_eq!(
            parse(Format::Libtest, "error[E0425]: cannot find value `x`\n"),
            None
        );
        assert_eq!(
            parse(
                Format::Node,
                "Error: Cannot find module 'playwright-core'\n"
            ),
            None
        );
    }

    #[test]
    fn node_spec_reporter_summary_is_read() {
        let out = "▶ conversation\n  ✔ streams a reply (812ms)\n  ✖ restores on reload (30ms)\n\
            ℹ tests 3\nℹ suites 1\nℹ pass 2\nℹ fail 1\nℹ cancelled 0\nℹ skipped 0\nℹ todo 0\n\
            ℹ duration_ms 1320.5\n";
        assert_eq!(parse(Format::Node, out), Some(counts(2, 1, 0)));
    }

    #[test]
    fn node_tap_reporter_summary_is_read() {
        let out = "TAP version 13\nok 1 - a\nnot ok 2 - b\n1..2\n# tests 4\n# suites 0\n\
            # pass 2\n# fail 1\n# cancelled 0\n# skipped 1\n# todo 0\n# duration_ms 88\n";
        assert_eq!(parse(Format::Node, out), Some(counts(2, 1, 1)));
    }

    #[test]
    fn node_diagnostic_lines_that_merely_start_like_a_summary_are_ignored() {
        let out = "# pass the token along to the widget\nℹ pass 7\nℹ fail 0\n";
        assert_eq!(parse(Format::Node, out), Some(counts(7, 0, 0)));
    }
}
