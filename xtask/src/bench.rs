//! `cargo xtask bench`: not measured yet.

use std::process::ExitCode;

/// Says plainly that there are no benchmarks yet; exits 2 so no script mistakes it for a run.
pub fn run() -> ExitCode {
    eprintln!(
        "xtask bench: no benchmarks yet; they arrive with issue 7 (size, streaming, long \
         transcripts, load time, capacity). Nothing was measured."
    );
    ExitCode::from(2)
}
