//! `cargo xtask soak`: the randomized fault injections of `tests/e2e/browser/faults.test.mjs`
//! at scale, on both channels, to find what the 104 of `cargo xtask test` are too few to show.
//! Every conversation of the plan runs even after a failure; the suite classifies each failure
//! (lost, duplicated, unconfirmed, stuck, other), prints the line that replays it, and writes
//! `target/soak/soak-<channel>.json`. Not part of `cargo xtask test`.

use std::process::ExitCode;

use crate::error::{Error, Result};
use crate::workspace::Workspace;
use crate::{setup, test, widget};

/// Injections per channel when none are given.
const DEFAULT_INJECTIONS: u32 = 2_000;

/// What the command line asked for.
#[derive(Debug, PartialEq)]
struct Options {
    injections: u32,
    seed: Option<u32>,
    channels: Option<String>,
    build: bool,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        injections: DEFAULT_INJECTIONS,
        seed: None,
        channels: None,
        build: true,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| Error::Other(format!("soak: {name} needs a value")))
        };
        let number = |name: &str, text: String| {
            text.parse::<u32>()
                .map_err(|_| Error::Other(format!("soak: {name} wants a number, not `{text}`")))
        };
        match arg.as_str() {
            "--injections" => options.injections = number(arg, value(arg)?)?,
            "--seed" => options.seed = Some(number(arg, value(arg)?)?),
            "--channels" => options.channels = Some(value(arg)?),
            "--no-build" => options.build = false,
            other => {
                return Err(Error::Other(format!(
                    "soak: unknown argument `{other}` (usage: cargo xtask soak [--injections N] \
                     [--seed S] [--channels chat_realtime,chat_async] [--no-build])"
                )))
            }
        }
    }
    if options.injections == 0 {
        return Err(Error::Other("soak: --injections must be at least 1".into()));
    }
    Ok(options)
}

/// Runs the soak: setup, the widget's build (unless `--no-build`), then the faults suite with
/// the soak's settings in its environment.
pub fn run(ws: &Workspace, args: &[String]) -> Result<ExitCode> {
    let options = parse(args)?;
    let report = ws.target_dir().join("soak");
    // Single-threaded here: nothing else reads the environment yet; the suite inherits it.
    std::env::set_var("OPERATOR_CHAT_SOAK", "1");
    std::env::set_var("OPERATOR_CHAT_SOAK_REPORT", &report);
    std::env::set_var(
        "OPERATOR_CHAT_FAULT_INJECTIONS",
        options.injections.to_string(),
    );
    if let Some(seed) = options.seed {
        std::env::set_var("OPERATOR_CHAT_TEST_SEED", seed.to_string());
    }
    if let Some(channels) = &options.channels {
        std::env::set_var("OPERATOR_CHAT_TEST_CHANNELS", channels);
    }
    if options.build {
        setup::run(ws)?;
        widget::build(ws)?;
    }
    println!(
        "soak: {} injections per channel; reports in {}",
        options.injections,
        report.display()
    );
    test::run_suites(ws, &["tests/e2e/browser/faults.test.mjs".to_owned()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_and_every_option_parse() {
        assert_eq!(
            parse(&[]).expect("defaults"),
            Options {
                injections: 2_000,
                seed: None,
                channels: None,
                build: true
            }
        );
        let all = args(&[
            "--injections",
            "500",
            "--seed",
            "42",
            "--channels",
            "chat_async",
            "--no-build",
        ]);
        assert_eq!(
            parse(&all).expect("all"),
            Options {
                injections: 500,
                seed: Some(42),
                channels: Some("chat_async".into()),
                build: false
            }
        );
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let message = |list: &[&str]| parse(&args(list)).expect_err("refused").to_string();
        assert!(message(&["--injections"]).contains("needs a value"));
        assert!(message(&["--injections", "many"]).contains("wants a number"));
        assert!(message(&["--injections", "0"]).contains("at least 1"));
        assert!(message(&["--fast"]).contains("unknown argument `--fast`"));
    }
}
