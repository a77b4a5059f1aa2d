//! The command line: `--help`, `--version` and `--demo` (anything else is left alone, as
//! a desktop's launcher may pass more), and what a start that cannot go on says in one
//! line on the terminal: no display to show a window on (which would otherwise end in a
//! GTK panic), or `--demo` asked of a build without the emulator.

use std::ffi::OsString;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Run { demo: bool },
}

/// Read the arguments after the program's name (`args_os`: one that is not UTF-8, legal
/// on Linux, is no reason to abort).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Command {
    let mut demo = false;
    for arg in args {
        match arg.to_str() {
            Some("--help" | "-h") => return Command::Help,
            Some("--version" | "-V") => return Command::Version,
            Some("--demo") => demo = true,
            _ => {}
        }
    }
    Command::Run { demo }
}

pub fn version() -> String {
    format!("dropdesk {}", env!("CARGO_PKG_VERSION"))
}

pub fn help() -> String {
    format!(
        "{}: a small desktop client for your Dropbox app folder.

Usage: dropdesk [--demo]

  --demo      {demo}
  --version   print the version and exit
  --help      print this help and exit

Settings, the environment over the file, both over an app key built into the package:
  DROPBOX_APP_KEY          your Dropbox app's key
  DROPDESK_REDIRECT_PORTS  the loopback ports registered with the app, comma-separated
  DROPDESK_DROPBOX_URL     another Dropbox to use (an emulator on this machine)
  DROPDESK_CONFIG          the settings file (default: ~/.config/dropdesk/config.toml),
                           with app_key, redirect_ports, auth_timeout_secs and
                           [dropbox] web_url, api_url, notify_url, content_url
  DROPDESK_LOG             how much to log: error, warn, info (the default) or debug
",
        version(),
        demo = if cfg!(feature = "demo") {
            "run against a built-in emulated Dropbox (what this build does with no app key)"
        } else {
            "not in this build: it carries no emulated Dropbox"
        }
    )
}

/// Whether there is a display to open a window on (X11 or Wayland).
pub fn has_display(var: impl Fn(&str) -> Option<OsString>) -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|k| var(k).is_some_and(|v| !v.is_empty()))
}

pub const NO_DISPLAY: &str = "dropdesk: no display to open a window on (neither DISPLAY nor \
WAYLAND_DISPLAY is set); start it from a desktop session.";

/// `--demo` asked of a build without the `demo` feature (as packages are built).
pub const NO_DEMO: &str = "dropdesk: this build has no demo (it carries no emulated Dropbox); \
start it without --demo, with your Dropbox app key configured (dropdesk --help says where).";

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn help_version_and_demo_are_read_and_the_rest_left_alone() {
        assert_eq!(parse(args(&[])), Command::Run { demo: false });
        assert_eq!(parse(args(&["--demo", "x"])), Command::Run { demo: true });
        assert_eq!(parse(args(&["--demo", "--help"])), Command::Help);
        assert_eq!(parse(args(&["-V"])), Command::Version);
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let odd = OsString::from_vec(vec![0xff, 0xfe]);
            assert_eq!(parse([odd]), Command::Run { demo: false });
        }
        assert!(help().contains("DROPBOX_APP_KEY") && help().starts_with(&version()));
    }

    #[test]
    fn a_display_is_x11_or_wayland_and_not_empty() {
        let only = |k: &'static str, v: &'static str| {
            move |name: &str| (name == k).then(|| OsString::from(v))
        };
        assert!(has_display(only("DISPLAY", ":0")));
        assert!(has_display(only("WAYLAND_DISPLAY", "wayland-0")));
        assert!(!has_display(only("DISPLAY", "")));
        assert!(!has_display(|_| None));
    }
}
