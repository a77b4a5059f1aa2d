//! The Dropdesk binary: only starts the app; everything lives in the library.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    dropdesk::run()
}
