//! The release build as packaged, on a terminal: `--version` and `--help` answer there and
//! exit; a start with no display, or `--demo` (it has no emulator), says so in one line; a
//! start with no Secret Service says how to get one there too. And the binary itself
//! carries nothing of the emulator, where the demo's build does.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use e2e::app::{app_binary, demo_binary};
use e2e::desktop::Desktop;

fn run(args: &[&str], display: bool) -> std::process::Output {
    let mut command = std::process::Command::new(app_binary());
    command.args(args).env_remove("WAYLAND_DISPLAY");
    if !display {
        command.env_remove("DISPLAY");
    }
    command.output().expect("the release app runs")
}

#[test]
fn version_and_help_answer_on_the_terminal_with_no_window() {
    let version = run(&["--version"], false);
    assert!(version.status.success());
    let printed = String::from_utf8_lossy(&version.stdout);
    let number = printed.trim().strip_prefix("dropdesk ").unwrap_or_default();
    assert!(
        !number.is_empty() && number.split('.').all(|n| n.parse::<u32>().is_ok()),
        "{printed}"
    );
    let help = run(&["--help"], false);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for part in [
        "--demo      not in this build",
        "DROPBOX_APP_KEY",
        "DROPDESK_CONFIG",
        "config.toml",
    ] {
        assert!(text.contains(part), "{part} in:\n{text}");
    }
}

#[test]
fn a_start_with_no_display_says_so_in_one_line() {
    let out = run(&[], false);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no display") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn demo_on_a_build_without_the_emulator_says_so_in_one_line() {
    let out = run(&["--demo"], false);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no demo"), "{err}");
}

/// What only the emulator's code holds: the demo's app key, and Dropbox's own wording for
/// a request without a token, which fakebox answers with and the app never sends.
const EMULATOR_MARKS: [&str; 3] = [
    "dropdeskdemo",
    "Must provide HTTP header",
    "fakebox only listens on loopback",
];

fn marks_in(binary: &std::path::Path) -> Vec<&'static str> {
    let bytes = std::fs::read(binary).unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    EMULATOR_MARKS
        .into_iter()
        .filter(|m| bytes.windows(m.len()).any(|w| w == m.as_bytes()))
        .collect()
}

#[test]
fn the_package_build_carries_no_emulator_where_the_demo_build_does() {
    assert_eq!(marks_in(&app_binary()), Vec::<&str>::new());
    // The same marks are found where the emulator is: the check can see it.
    assert_eq!(marks_in(&demo_binary()), EMULATOR_MARKS.to_vec());
}

#[test]
fn a_start_with_no_secret_service_says_how_to_get_one_on_the_terminal() {
    let desktop = Desktop::start().expect("desktop session");
    let mut app = desktop.command(app_binary());
    // A session bus where nothing listens: no Secret Service can answer.
    app.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("DROPBOX_APP_KEY", "dropdesktestkey")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut app = e2e::procs::Proc::spawn("dropdesk", app).expect("the app starts");
    let stderr = app.take_stderr().expect("piped stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let said = loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line.contains("gnome-keyring-daemon --start") => break Some(line),
            Ok(line) => seen.push(line),
            Err(_) => break None,
        }
    };
    let said = said.unwrap_or_else(|| panic!("no keychain line on stderr:\n{}", seen.join("\n")));
    assert!(said.contains("system keychain"), "{said}");
}
