//! What the figures were measured on: date, CPU, cores, load, browser and node versions.

use std::process::Command;

use serde_json::{json, Value};

use crate::proc;

/// `model name` of the first CPU in a `/proc/cpuinfo` text.
pub fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
}

/// The first three fields of `/proc/loadavg` (1, 5, 15 minutes).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Date, machine and tool versions, as JSON.
pub fn describe(chromium: &std::path::Path) -> Value {
    let out = |program: &std::ffi::OsStr, args: &[&str]| {
        proc::output(Command::new(program).args(args)).unwrap_or_else(|| "?".into())
    };
    json!({
        "date_utc": out("date".as_ref(), &["-u", "+%Y-%m-%d %H:%M UTC"]),
        "cpu": std::fs::read_to_string("/proc/cpuinfo").ok().as_deref().and_then(cpu_model),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "load_average_at_start": load_average(),
        "kernel": out("uname".as_ref(), &["-sr"]),
        "chromium": out(chromium.as_os_str(), &["--version"]),
        "node": out("node".as_ref(), &["--version"]),
    })
}

/// One line for the Markdown header.
pub fn line(m: &Value) -> String {
    let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("?").to_owned();
    format!(
        "{}; {} × {}; {}; {}; node {}; load average at start {}, at end {}",
        s("date_utc"),
        m.get("cores").and_then(Value::as_u64).unwrap_or(0),
        s("cpu"),
        s("kernel"),
        s("chromium"),
        s("node"),
        s("load_average_at_start"),
        s("load_average_at_end"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_model_is_read_from_cpuinfo() {
        let info =
            "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nflags\t: x\n";
        assert_eq!(cpu_model(info).as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(cpu_model("processor: 0\n"), None);
    }

    #[test]
    fn line_names_every_field_even_when_missing() {
        let m = json!({"date_utc": "2026-11-29 04:00 UTC", "cores": 2, "cpu": "X"});
        let l = line(&m);
        assert!(l.starts_with("2026-11-29 04:00 UTC; 2 × X; ?"), "{l}");
    }
}
