//! Answers the app's real native file dialogs (GTK's file chooser, in the app's own
//! process) as a person at the keyboard would, with `xdotool` on the test display: find
//! the dialog's window by its title, focus it, type the path, press Enter.

use std::time::{Duration, Instant};

use crate::desktop::Desktop;

/// The dialog titled `title`, once it is on screen.
fn find(desktop: &Desktop, title: &str, timeout: Duration) -> Result<String, String> {
    let until = Instant::now() + timeout;
    loop {
        match desktop.xdotool(&["search", "--onlyvisible", "--name", &format!("^{title}$")]) {
            Ok(ids) if !ids.is_empty() => {
                return Ok(ids.lines().last().unwrap_or_default().to_string())
            }
            _ if Instant::now() > until => return Err(format!("no dialog titled {title:?}")),
            _ => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// Type `path` into the dialog titled `title` and accept it (pressing Enter until the
/// dialog closes). `location` first opens the location field (a folder chooser); a save
/// dialog's name field takes a path as it is.
pub fn answer(desktop: &Desktop, title: &str, path: &str, location: bool) -> Result<(), String> {
    let window = find(desktop, title, Duration::from_secs(20))?;
    // Let the dialog finish mapping and take the keyboard.
    std::thread::sleep(Duration::from_millis(700));
    desktop.xdotool(&["windowfocus", "--sync", &window])?;
    if location {
        desktop.xdotool(&["key", "--window", &window, "ctrl+l"])?;
    } else {
        desktop.xdotool(&["key", "--window", &window, "ctrl+a"])?;
    }
    std::thread::sleep(Duration::from_millis(300));
    desktop.xdotool(&["type", "--window", &window, "--delay", "20", path])?;
    // Enter accepts a file name at once; in a folder chooser the first Enter may only
    // complete or enter the folder typed, and the next one chooses it. Each Enter goes to
    // the dialog's window only, and the next waits until the dialog has had time to close:
    // a stray Enter in the app's window would open whatever row has the focus there.
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..4 {
        let pressed = desktop.xdotool(&["key", "--window", &window, "Return"]);
        if gone(desktop, title, Duration::from_millis(1500)) {
            return Ok(());
        }
        pressed?;
    }
    Err(format!("the dialog {title:?} stayed open"))
}

/// Whether the dialog titled `title` is off screen within `timeout`.
fn gone(desktop: &Desktop, title: &str, timeout: Duration) -> bool {
    let until = Instant::now() + timeout;
    loop {
        if find(desktop, title, Duration::ZERO).is_err() {
            return true;
        }
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Choose the folder `path` in the folder chooser titled `title`: typed into its location
/// field and taken with the accept button's shortcut (Alt+O or Alt+S), not Enter, which
/// would enter the folder and choose what is highlighted inside it.
pub fn choose_folder(desktop: &Desktop, title: &str, path: &str) -> Result<(), String> {
    let window = find(desktop, title, Duration::from_secs(20))?;
    std::thread::sleep(Duration::from_millis(700));
    desktop.xdotool(&["windowfocus", "--sync", &window])?;
    desktop.xdotool(&["key", "--window", &window, "ctrl+l"])?;
    std::thread::sleep(Duration::from_millis(300));
    desktop.xdotool(&["type", "--window", &window, "--delay", "20", path])?;
    std::thread::sleep(Duration::from_millis(500));
    // GTK labels the button "_Open" or "_Select", depending on its version.
    for key in ["alt+o", "alt+s"] {
        if find(desktop, title, Duration::ZERO).is_err() {
            break;
        }
        desktop.xdotool(&["key", "--window", &window, key])?;
        std::thread::sleep(Duration::from_millis(800));
    }
    let until = Instant::now() + Duration::from_secs(5);
    while find(desktop, title, Duration::ZERO).is_ok() {
        if Instant::now() > until {
            return Err(format!("the dialog {title:?} stayed open"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}
