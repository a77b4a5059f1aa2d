//! The real keyboard and pointer on the app's window (xdotool in the desktop session), and
//! where an element of the page is on the screen.

use std::time::Duration;

use crate::app::App;
use crate::desktop::Desktop;
use crate::drag::{geometry, window_titled};

/// Keys pressed on the focused window, as from the keyboard (`xdotool key` syntax), or
/// text typed.
pub struct Keyboard<'d> {
    desktop: &'d Desktop,
}

impl Keyboard<'_> {
    /// The keyboard on the app's window, which takes the focus.
    pub fn new(desktop: &Desktop) -> Keyboard<'_> {
        let window = window_titled(desktop, "Dropdesk").expect("the app's window");
        desktop
            .xdotool(&["windowactivate", "--sync", &window])
            .or_else(|_| desktop.xdotool(&["windowfocus", "--sync", &window]))
            .expect("the window takes the focus");
        Keyboard { desktop }
    }

    pub fn press(&self, keys: &str) {
        self.desktop
            .xdotool(&["key", "--clearmodifiers", keys])
            .unwrap();
    }

    pub fn type_text(&self, text: &str) {
        self.desktop
            .xdotool(&["type", "--delay", "20", text])
            .unwrap();
    }
}

/// Where the element `script` returns is on the screen: its middle, once there is one.
pub async fn on_screen(app: &App, desktop: &Desktop, script: &str) -> (i64, i64) {
    let at = app
        .wait_for(
            &format!(
                "const el = (() => {{ {script} }})(); if (!el) return null; \
                 const r = el.getBoundingClientRect(); \
                 return [r.x + r.width / 2, r.y + r.height / 2, window.devicePixelRatio];"
            ),
            Duration::from_secs(30),
        )
        .await
        .unwrap_or_else(|e| panic!("an element on the screen ({script}): {e}"));
    let (x, y, ratio) = (
        at[0].as_f64().unwrap(),
        at[1].as_f64().unwrap(),
        at[2].as_f64().unwrap(),
    );
    let window = window_titled(desktop, "Dropdesk").expect("the app's window");
    let (wx, wy, _, _) = geometry(desktop, &window).unwrap();
    (wx + (x * ratio) as i64, wy + (y * ratio) as i64)
}
