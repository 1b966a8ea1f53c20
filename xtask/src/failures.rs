//! What a failed suite said about its failures, repeated just above the summary: a CI log is
//! often read from its end, and a suite's own report can be thousands of lines further up.

use crate::counts::Format;

/// At most this many lines of one suite's failure report are repeated.
const MAX_LINES: usize = 80;

/// The failure report in `output` of a runner in `format`, at most [`MAX_LINES`] lines; `None`
/// when the output has none (e.g. the suite did not compile).
///
/// - `node --test` (spec reporter): everything after its last `✖ failing tests:` line.
/// - libtest and wasm-bindgen-test-runner: from the first `failures:` line (each failed test's
///   output, then the list of their names) up to the `test result:` line after it.
pub fn excerpt(format: Format, output: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().collect();
    let body = match format {
        Format::Node => {
            let at = lines.iter().rposition(|l| l.trim() == "✖ failing tests:")?;
            &lines[at + 1..]
        }
        Format::Libtest => {
            let start = lines.iter().position(|l| l.trim() == "failures:")?;
            let end = lines[start..]
                .iter()
                .position(|l| l.trim_start().starts_with("test result:"))
                .map_or(lines.len(), |n| start + n);
            &lines[start..end]
        }
    };
    let body = trim_blank(body);
    if body.is_empty() {
        return None;
    }
    let mut text = body[..body.len().min(MAX_LINES)].join("\n");
    if body.len() > MAX_LINES {
        text.push_str(&format!(
            "\n… {} more lines in the suite's output above",
            body.len() - MAX_LINES
        ));
    }
    Some(text)
}

/// `lines` without blank lines at either end.
fn trim_blank<'a, 'b>(lines: &'a [&'b str]) -> &'a [&'b str] {
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    match (first, last) {
        (Some(a), Some(b)) => &lines[a..=b],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_report_is_what_follows_failing_tests() {
        let output =
            "faults: seed 1\n✖ a test (90000ms)\n  AssertionError: early copy\nℹ tests 1\n\
                      ℹ fail 1\n\n✖ failing tests:\n\ntest at faults.test.mjs:151:1\n\
                      ✖ a test (90000ms)\n  AssertionError: row 3 (agent): lost characters\n";
        let report = excerpt(Format::Node, output).unwrap();
        assert!(
            report.starts_with("test at faults.test.mjs:151:1"),
            "{report}"
        );
        assert!(report.ends_with("lost characters"), "{report}");
        assert!(!report.contains("early copy"), "{report}");
    }

    #[test]
    fn libtest_report_is_the_failures_section() {
        let output = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n\
                      ---- b stdout ----\nassertion failed: x == y\n\nfailures:\n    b\n\n\
                      test result: FAILED. 1 passed; 1 failed; 0 ignored\n\nrunning 0 tests\n";
        let report = excerpt(Format::Libtest, output).unwrap();
        assert!(report.starts_with("failures:"), "{report}");
        assert!(report.contains("assertion failed: x == y"), "{report}");
        assert!(report.ends_with("    b"), "{report}");
        assert!(!report.contains("test result"), "{report}");
    }

    #[test]
    fn a_long_report_is_cut_and_says_how_much_is_left_out() {
        let mut output = String::from("✖ failing tests:\n");
        for i in 0..MAX_LINES + 5 {
            output.push_str(&format!("line {i}\n"));
        }
        let report = excerpt(Format::Node, &output).unwrap();
        assert_eq!(report.lines().count(), MAX_LINES + 1);
        assert!(report.ends_with("… 5 more lines in the suite's output above"));
    }

    #[test]
    fn output_without_a_report_has_none() {
        assert_eq!(excerpt(Format::Node, "ℹ fail 0\n"), None);
        assert_eq!(
            excerpt(Format::Libtest, "error[E0425]: cannot find value\n"),
            None
        );
        assert_eq!(excerpt(Format::Node, "✖ failing tests:\n\n  \n"), None);
    }
}
