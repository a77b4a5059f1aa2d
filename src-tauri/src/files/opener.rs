//! The desktop's default program for a file (xdg-open and the launchers the `open` crate
//! knows), started as the person would start it: without the variables Dropdesk set for its
//! own web view and with the core-dump limit they had (`process::as_the_persons`), in a
//! session of its own, so that it outlives Dropdesk.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A launcher that fails this soon (no program for the type) is reported, and the next one
/// is tried; one still running then has taken the file.
const FAILS_WITHIN: Duration = Duration::from_millis(250);

/// Open `path` with the desktop's default program.
pub fn open_detached(path: &Path) -> Result<(), String> {
    let mut last = String::from("no launcher for this platform");
    for mut command in open::commands(path) {
        crate::process::as_the_persons(&mut command);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: setsid is async-signal-safe and touches no memory of ours.
            unsafe {
                command.pre_exec(|| {
                    libc::setsid();
                    Ok(())
                });
            }
        }
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                last = format!("{:?}: {e}", command.get_program());
                continue;
            }
        };
        let started = Instant::now();
        let exited = loop {
            match child.try_wait() {
                Ok(None) if started.elapsed() < FAILS_WITHIN => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                Ok(status) => break status,
                Err(e) => return Err(e.to_string()),
            }
        };
        match exited {
            Some(status) if status.success() => return Ok(()),
            Some(status) => last = format!("{:?} {status}", command.get_program()),
            None => {
                // Still running: it has the file. Reap it when it ends.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
        }
    }
    Err(last)
}
