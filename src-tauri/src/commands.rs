//! The Tauri IPC surface: thin functions that call the core and map errors to
//! [`Problem`]s. No logic lives here, and no token ever crosses this boundary: the UI gets
//! account details, file metadata and messages only.

use std::sync::Arc;

use tauri::ipc::Channel;
use tauri::State;

use crate::app::{Core, Info, Launch};
use crate::browser::{Opened, Progress};
use crate::listing::{ViewSpec, Window};
use crate::messages::Problem;
use crate::session::{ConnectResult, Disconnected, Status, Waiting};

type Result<T> = std::result::Result<T, Problem>;

async fn core(launch: &Launch) -> Result<&Core> {
    launch.app().await.core.as_ref().map_err(Clone::clone)
}

#[tauri::command]
pub async fn app_info(app: State<'_, Launch>) -> std::result::Result<Info, ()> {
    Ok(app.app().await.info.clone())
}

/// The UI is interactive (the ready mark benchmarks time).
#[tauri::command]
pub fn ui_ready() {
    crate::app::milestone("ui ready");
}

#[tauri::command]
pub async fn restore(app: State<'_, Launch>) -> Result<Status> {
    Ok(core(&app).await?.session.restore().await)
}

#[tauri::command]
pub async fn start_connect(app: State<'_, Launch>) -> Result<Waiting> {
    Ok(core(&app).await?.session.start_connect().await?)
}

#[tauri::command]
pub async fn finish_connect(app: State<'_, Launch>) -> Result<ConnectResult> {
    Ok(core(&app).await?.session.finish_connect().await?)
}

#[tauri::command]
pub async fn cancel_connect(app: State<'_, Launch>) -> Result<()> {
    core(&app).await?.session.cancel_connect();
    Ok(())
}

#[tauri::command]
pub async fn reopen_browser(app: State<'_, Launch>) -> Result<bool> {
    Ok(core(&app).await?.session.reopen().await?)
}

#[tauri::command]
pub async fn disconnect(app: State<'_, Launch>) -> Result<Disconnected> {
    Ok(core(&app).await?.browser.disconnect().await?)
}

#[tauri::command]
pub async fn open_folder(
    app: State<'_, Launch>,
    path: String,
    spec: ViewSpec,
    rows: usize,
    on_progress: Channel<Progress>,
) -> Result<Opened> {
    let report = Arc::new(move |p: Progress| {
        let _ = on_progress.send(p);
    });
    Ok(core(&app)
        .await?
        .browser
        .open(&path, &spec, rows, report)
        .await?)
}

#[tauri::command]
pub async fn folder_window(
    app: State<'_, Launch>,
    path_lower: String,
    spec: ViewSpec,
    start: usize,
    count: usize,
) -> Result<Option<Window>> {
    Ok(core(&app)
        .await?
        .browser
        .window(&path_lower, &spec, start, count))
}

#[tauri::command]
pub async fn folder_seek(
    app: State<'_, Launch>,
    path_lower: String,
    spec: ViewSpec,
    prefix: String,
    from: usize,
) -> Result<Option<usize>> {
    Ok(core(&app)
        .await?
        .browser
        .seek(&path_lower, &spec, &prefix, from))
}
