//! Dropdesk: a small, secure desktop client for the Dropbox app folder. This file builds
//! and runs the Tauri app; everything below `commands` is plain Rust that knows nothing of
//! Tauri and is tested against fakebox.

pub mod app;
pub mod applog;
pub mod auth;
pub mod browser;
mod commands;
pub mod config;
pub mod demo;
pub mod dropbox;
pub mod listing;
pub mod messages;
pub mod secret;
pub mod session;
pub mod vault;

/// Start Dropdesk. `--demo` forces the demo against the built-in emulator.
pub fn run() {
    app::mark_start();
    applog::init();
    let force_demo = std::env::args().any(|a| a == "--demo");
    tauri::Builder::default()
        .setup(move |tauri_app| {
            use tauri::Manager;
            let app = tauri::async_runtime::block_on(app::App::start(force_demo));
            tauri_app.manage(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::ui_ready,
            commands::restore,
            commands::start_connect,
            commands::finish_connect,
            commands::cancel_connect,
            commands::reopen_browser,
            commands::disconnect,
            commands::open_folder,
            commands::folder_window,
            commands::folder_seek,
        ])
        .run(tauri::generate_context!())
        .expect("Dropdesk could not start its window");
}
