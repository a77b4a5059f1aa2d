//! Dropdesk: a small, secure desktop client for the Dropbox app folder. This file builds
//! and runs the Tauri app; only it, `commands`, `dialogs`, `webview` and `window_place`
//! know Tauri, everything else is plain Rust tested without a window against fakebox.
//! `ARCHITECTURE.md` beside `src/` says what each module owns.

pub mod app;
pub mod applog;
pub mod auth;
pub mod browser;
pub mod cli;
/// The IPC command names, listed once (`build.rs` includes the file too).
pub mod command_names;
mod commands;
pub mod config;
#[cfg(feature = "demo")]
pub mod demo;
mod dialogs;
pub mod dropbox;
pub mod error;
pub mod files;
pub mod languages;
pub mod last_seen;
pub mod listing;
pub mod messages;
pub mod phrasebook;
pub mod process;
pub mod secret;
pub mod session;
#[cfg(target_os = "linux")]
mod single_instance;
pub mod store;
pub mod vault;
pub mod view;
mod webview;
mod window_place;

/// Start Dropdesk. `--demo` forces the demo against the built-in emulator; `--help` and
/// `--version` answer on the terminal.
pub fn run() {
    let force_demo = match cli::parse(std::env::args_os().skip(1)) {
        cli::Command::Help => return print!("{}", cli::help()),
        cli::Command::Version => return println!("{}", cli::version()),
        cli::Command::Run { demo } => demo,
    };
    #[cfg(not(feature = "demo"))]
    if force_demo {
        eprintln!("{}", cli::NO_DEMO);
        std::process::exit(2);
    }
    #[cfg(target_os = "linux")]
    if !cli::has_display(|k| std::env::var_os(k)) {
        eprintln!("{}", cli::NO_DISPLAY);
        std::process::exit(1);
    }
    app::mark_start();
    let software = webview::choose_renderer();
    applog::init();
    process::harden();
    if software {
        log::info!("no GPU render node: WebKit's DMA-BUF renderer is off");
    }
    let context = tauri::generate_context!();
    #[cfg(target_os = "linux")]
    let running = first_launch_or_exit(&context.config().identifier);
    let builder = tauri::Builder::default();
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
        bring_forward(app)
    }));
    builder
        .on_page_load(move |webview, payload| {
            use tauri::Manager;
            if matches!(payload.event(), tauri::webview::PageLoadEvent::Finished) {
                app::milestone("page loaded");
                if software {
                    webview::painted_in_software(webview);
                }
                webview::show_contrast(webview);
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
        .manage(commands::Drops::default())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(drag) = event {
                use tauri::Manager;
                window.state::<commands::Drops>().on_event(drag);
            }
        })
        .setup(move |tauri_app| {
            use tauri::Manager;
            if let Some(window) = tauri_app.get_webview_window("main") {
                webview::tune(&window);
                webview::follow_contrast(&window);
                window_place::keep(&window);
            }
            #[cfg(target_os = "linux")]
            let _ = running.set(tauri_app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::ui_ready,
            commands::last_seen,
            commands::catalogues,
            commands::restore,
            commands::account_status,
            commands::start_connect,
            commands::finish_connect,
            commands::cancel_connect,
            commands::submit_code,
            commands::reopen_browser,
            commands::confirm_connect,
            commands::start_link,
            commands::accounts,
            commands::switch_account,
            commands::disconnect,
            commands::forget_unreadable,
            commands::open_folder,
            commands::folder_window,
            commands::folder_seek,
            commands::open_file,
            commands::save_as,
            commands::download_to_folder,
            commands::resolve_conflicts,
            commands::upload_files,
            commands::watch_drops,
            commands::upload_dropped,
            commands::new_folder,
            commands::rename,
            commands::delete_entries,
            commands::undo_delete,
            commands::relocate,
            commands::subfolders,
            commands::deleted_files,
            commands::restore_deleted,
            commands::versions,
            commands::preview_version,
            commands::save_version,
            commands::restore_version,
            commands::resolve_upload_conflicts,
            commands::watch_transfers,
            commands::cancel_transfer,
            commands::retry_transfer,
            commands::open_transferred,
            commands::preview,
            commands::search,
        ])
        .run(context)
        .expect("Dropdesk could not start its window");
}

/// One Dropdesk at a time: a second launch hands over to the running one (which comes to
/// the front) and exits, instead of fighting over the ports and the keychain. The first
/// launch gets back the slot its app handle goes in, so later launches find its window.
#[cfg(target_os = "linux")]
fn first_launch_or_exit(identifier: &str) -> std::sync::Arc<std::sync::OnceLock<tauri::AppHandle>> {
    use single_instance::Claim;
    let running = std::sync::Arc::new(std::sync::OnceLock::<tauri::AppHandle>::new());
    let window_of = running.clone();
    let claim = single_instance::claim(&format!("{identifier}.SingleInstance"), move || {
        // A launch before the window exists needs nothing: the window is on its way.
        if let Some(app) = window_of.get() {
            bring_forward(app);
        }
    });
    let code = match claim {
        Claim::First => return running,
        Claim::Alone(why) => {
            log::warn!("no session bus to find another Dropdesk ({why}): starting anyway");
            return running;
        }
        Claim::HandedOver => {
            log::info!("Dropdesk is already running: its window was brought forward");
            0
        }
        Claim::Unanswered(why) => {
            let message = format!(
                "Dropdesk is already running but does not answer ({why}). Quit it (or end its \
                 process) and start Dropdesk again."
            );
            log::error!("{message}");
            eprintln!("{message}");
            1
        }
    };
    log::logger().flush();
    std::process::exit(code)
}

/// Another launch asked for this window: bring it to the front.
fn bring_forward(app: &tauri::AppHandle) {
    use tauri::Manager;
    log::info!("another launch asked for this window");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
