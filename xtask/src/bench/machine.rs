//! The machine's description for the report, read from `/proc` and from the tools' own
//! version output.

use std::process::Command;

/// The machine as the report describes it, read at one moment.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cpus: usize,
    /// `model name` of the first processor in `/proc/cpuinfo`.
    pub cpu_model: String,
    /// `MemTotal` of `/proc/meminfo`, in GiB.
    pub memory_gib: f64,
    pub kernel: String,
    /// The 1, 5 and 15-minute load averages of `/proc/loadavg`.
    pub load_average: String,
    pub rustc: String,
    pub wrk: String,
    /// UTC date and time, `YYYY-MM-DD HH:MM`.
    pub date: String,
}

/// Reads the machine's description; a value that cannot be read is `unknown`.
pub fn describe() -> Machine {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu_model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or_else(
            || "unknown".to_owned(),
            |(_, model)| model.trim().to_owned(),
        );
    let memory_kib: f64 = read("/proc/meminfo")
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    let load_average = read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");

    Machine {
        cpus: std::thread::available_parallelism().map_or(0, usize::from),
        cpu_model,
        memory_gib: memory_kib / (1024.0 * 1024.0),
        kernel: or_unknown(read("/proc/sys/kernel/osrelease").trim().to_owned()),
        load_average: or_unknown(load_average),
        rustc: first_line(Command::new("rustc").arg("--version")),
        // wrk prints its version with its usage and exits with 1.
        wrk: first_line(Command::new("wrk").arg("--version")),
        date: first_line(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
    }
}

fn first_line(command: &mut Command) -> String {
    let text = command
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default();
    or_unknown(text.lines().next().unwrap_or_default().trim().to_owned())
}

fn or_unknown(text: String) -> String {
    if text.is_empty() {
        "unknown".to_owned()
    } else {
        text
    }
}
