//! The release build on a terminal: `--version` and `--help` answer there and exit, and a
//! start with no display says so in one line instead of a GTK panic.

use e2e::app::app_binary;

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
        "--demo",
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
