//! The Tauri IPC surface: thin functions that call the core and map errors to
//! [`Problem`]s. No logic lives here, and no token ever crosses this boundary: the UI gets
//! account details, file metadata and messages only.

use tauri::State;

use crate::app::{App, Info};
use crate::messages::{self, Problem};
use crate::session::{ConnectResult, Disconnected, Page, Session, Status, Waiting};

type Result<T> = std::result::Result<T, Problem>;

fn session(app: &App) -> Result<&std::sync::Arc<Session>> {
    app.session.as_ref().map_err(Clone::clone)
}

#[tauri::command]
pub fn app_info(app: State<'_, App>) -> Info {
    app.info.clone()
}

#[tauri::command]
pub async fn restore(app: State<'_, App>) -> Result<Status> {
    Ok(session(&app)?.restore().await)
}

#[tauri::command]
pub async fn start_connect(app: State<'_, App>) -> Result<Waiting> {
    session(&app)?
        .start_connect()
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub async fn finish_connect(app: State<'_, App>) -> Result<ConnectResult> {
    session(&app)?
        .finish_connect()
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub fn cancel_connect(app: State<'_, App>) -> Result<()> {
    session(&app)?.cancel_connect();
    Ok(())
}

#[tauri::command]
pub async fn reopen_browser(app: State<'_, App>) -> Result<bool> {
    session(&app)?
        .reopen()
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub async fn disconnect(app: State<'_, App>) -> Result<Disconnected> {
    session(&app)?
        .disconnect()
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub async fn list_folder(app: State<'_, App>, path: String) -> Result<Page> {
    session(&app)?
        .list_folder(&path)
        .await
        .map_err(|e| messages::session(&e))
}

#[tauri::command]
pub async fn list_folder_continue(app: State<'_, App>, cursor: String) -> Result<Page> {
    session(&app)?
        .list_folder_continue(&cursor)
        .await
        .map_err(|e| messages::session(&e))
}
