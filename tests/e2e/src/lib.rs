//! The end-to-end harness: the real Dropdesk window under Xvfb, driven through WebDriver
//! (tauri-driver + WebKitWebDriver), in a private D-Bus session with gnome-keyring's
//! Secret Service, against fakebox. Every process it starts is stopped when its guard
//! drops, also when a test fails.
//!
//! - [`desktop::Desktop`]: HOME/XDG dirs, Xvfb, the session bus, the unlocked keyring;
//!   `keychain_items` reads the keychain back with `secret-tool`.
//! - [`app::App`]: launch the built app (with extra environment, such as `BROWSER`), read
//!   and click elements, take screenshots of the real window (into `target/screenshots/`,
//!   through [`xwd`]).
//! - [`dialog`]: the app's native file dialogs answered by keyboard through xdotool.
//! - [`drag`]: a real drag and drop of files from another window, by xdotool's pointer.
//! - [`input`]: the real keyboard on the window, and where an element is on the screen.
//! - [`webdriver::WebDriver`]: a small W3C WebDriver client with a timeout on every step.
//! - [`fixture`]: fakebox wired to the app, `e2e-browser` as `BROWSER`, keychain reads,
//!   and the user's part of a sign-in played over HTTP.
//! - [`atspi`]: what a screen reader gets from the window over AT-SPI.
//! - [`attack`]: hostile clients of the sign-in listener over raw TCP.
//! - [`chromium`]: headless Chromium through chromedriver.
//! - the `e2e-browser` binary: a stand-in for the user's browser that drives headless
//!   Chromium to press Allow or Cancel on the consent page.

pub mod app;
pub mod atspi;
pub mod attack;
pub mod chromium;
pub mod desktop;
pub mod dialog;
pub mod drag;
pub mod fixture;
pub mod input;
pub mod procs;
pub mod webdriver;
pub mod xwd;

/// One window at a time: WebDriver sessions and displays are heavy on two cores.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    SERIAL.lock().await
}
