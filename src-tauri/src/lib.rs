//! Dropdesk: a small, secure desktop client for the Dropbox app folder. This file builds
//! and runs the Tauri app; only it, `commands`, `dialogs` and `webview` know Tauri, everything else is plain
//! Rust tested without a window against fakebox. `ARCHITECTURE.md` beside `src/` says
//! what each module owns.

pub mod app;
pub mod applog;
pub mod auth;
pub mod browser;
/// The IPC command names, listed once (`build.rs` includes the file too).
pub mod command_names;
mod commands;
pub mod config;
pub mod demo;
mod dialogs;
pub mod dropbox;
pub mod error;
pub mod files;
pub mod last_seen;
pub mod listing;
pub mod messages;
pub mod process;
pub mod secret;
pub mod session;
pub mod store;
pub mod vault;
pub mod view;
mod webview;

/// Start Dropdesk. `--demo` forces the demo against the built-in emulator.
pub fn run() {
    app::mark_start();
    let software = webview::choose_renderer();
    process::harden();
    applog::init();
    if software {
        log::info!("no GPU render node: WebKit's DMA-BUF renderer is off");
    }
    let force_demo = std::env::args().any(|a| a == "--demo");
    tauri::Builder::default()
        // One Dropdesk at a time: a second launch hands over to this one (which comes to
        // the front) and exits, instead of fighting over the ports and the keychain.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            use tauri::Manager;
            log::info!("another launch asked for this window");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .on_page_load(move |webview, payload| {
            use tauri::Manager;
            if matches!(payload.event(), tauri::webview::PageLoadEvent::Finished) {
                app::milestone("page loaded");
                if software {
                    webview::painted_in_software(webview);
                }
                // The page shows what was shown last by itself: the core (settings, the
                // demo's emulator, the keychain) starts now, not on the way to the first
                // paint; commands wait for it.
                let handle = webview.app_handle().clone();
                tauri::async_runtime::spawn(async move {
                    handle.state::<app::Launch>().app().await;
                });
            }
        })
        .manage(app::Launch::new(force_demo))
        .setup(|tauri_app| {
            use tauri::Manager;
            if let Some(window) = tauri_app.get_webview_window("main") {
                webview::tune(&window);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::ui_ready,
            commands::last_seen,
            commands::restore,
            commands::account_status,
            commands::start_connect,
            commands::finish_connect,
            commands::cancel_connect,
            commands::submit_code,
            commands::reopen_browser,
            commands::accounts,
            commands::switch_account,
            commands::disconnect,
            commands::open_folder,
            commands::folder_window,
            commands::folder_seek,
            commands::open_file,
            commands::save_as,
            commands::download_to_folder,
            commands::resolve_conflicts,
            commands::watch_transfers,
            commands::cancel_transfer,
            commands::retry_transfer,
            commands::open_transferred,
            commands::preview,
            commands::search,
        ])
        .run(tauri::generate_context!())
        .expect("Dropdesk could not start its window");
}
