//! The Tauri IPC surface: thin functions that call the core and map errors to
//! [`Problem`]s. No logic lives here, and no token ever crosses this boundary: the UI gets
//! account details, file metadata and messages only.

use std::sync::Arc;

use tauri::ipc::Channel;
use tauri::State;

use crate::app::{App, Core, Info};
use crate::browser::{Opened, Progress};
use crate::listing::{ViewSpec, Window};
use crate::messages::{self, Problem};
use crate::session::{ConnectResult, Disconnected, Status, Waiting};

type Result<T> = std::result::Result<T, Problem>;

fn core(app: &App) -> Result<&Core> {
    app.core.as_ref().map_err(Clone::clone)
}

#[tauri::command]
pub fn app_info(app: State<'_, App>) -> Info {
    app.info.clone()
}

/// The UI is interactive (the ready mark benchmarks time).
#[tauri::command]
pub fn ui_ready() {
    crate::app::ui_ready();
}

#[tauri::command]
pub async fn restore(app: State<'_, App>) -> Result<Status> {
    Ok(core(&app)?.session.restore().await)
}

#[tauri::command]
pub async fn start_connect(app: State<'_, App>) -> Result<Waiting> {
    core(&app)?
        .session
        .start_connect()
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub async fn finish_connect(app: State<'_, App>) -> Result<ConnectResult> {
    core(&app)?
        .session
        .finish_connect()
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub fn cancel_connect(app: State<'_, App>) -> Result<()> {
    core(&app)?.session.cancel_connect();
    Ok(())
}

#[tauri::command]
pub async fn reopen_browser(app: State<'_, App>) -> Result<bool> {
    core(&app)?
        .session
        .reopen()
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub async fn disconnect(app: State<'_, App>) -> Result<Disconnected> {
    core(&app)?
        .browser
        .disconnect()
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub async fn open_folder(
    app: State<'_, App>,
    path: String,
    on_progress: Channel<Progress>,
) -> Result<Opened> {
    let report = Arc::new(move |p: Progress| {
        let _ = on_progress.send(p);
    });
    core(&app)?
        .browser
        .open(&path, report)
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub fn folder_window(
    app: State<'_, App>,
    path_lower: String,
    spec: ViewSpec,
    start: usize,
    count: usize,
) -> Result<Option<Window>> {
    Ok(core(&app)?.browser.window(&path_lower, &spec, start, count))
}

#[tauri::command]
pub fn folder_seek(
    app: State<'_, App>,
    path_lower: String,
    spec: ViewSpec,
    prefix: String,
    from: usize,
) -> Result<Option<usize>> {
    Ok(core(&app)?.browser.seek(&path_lower, &spec, &prefix, from))
}
