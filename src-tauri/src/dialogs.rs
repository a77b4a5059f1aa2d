//! The native dialogs that ask where copies go (tauri-plugin-dialog: GTK's file chooser on
//! Linux, which itself asks before replacing a file in "Save as…"). Called from Rust only:
//! the window never gets a path-choosing permission, and a path it sends is never used as
//! a target.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime, WebviewWindow};
use tauri_plugin_dialog::{DialogExt, FilePath};

fn path(chosen: Option<FilePath>) -> Option<PathBuf> {
    chosen.and_then(|p| p.into_path().ok())
}

/// Where the dialogs open: the Downloads folder, else home (never GTK's "Recent", where a
/// folder cannot be chosen).
fn start_dir() -> Option<PathBuf> {
    dirs::download_dir()
        .filter(|d| d.is_dir())
        .or_else(dirs::home_dir)
}

/// Where "Save as…" puts a copy named `name` by default; `None` when cancelled.
pub async fn save_target<R: Runtime>(
    app: &AppHandle<R>,
    window: &WebviewWindow<R>,
    name: &str,
) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_parent(window)
        .set_title("Save a copy")
        .set_file_name(name);
    if let Some(dir) = start_dir() {
        dialog = dialog.set_directory(dir);
    }
    dialog.save_file(move |p| {
        let _ = tx.send(path(p));
    });
    rx.await.ok().flatten()
}

/// The folder "Download to folder…" puts copies in; `None` when cancelled.
pub async fn folder<R: Runtime>(app: &AppHandle<R>, window: &WebviewWindow<R>) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_parent(window)
        .set_title("Download to folder");
    if let Some(dir) = start_dir() {
        dialog = dialog.set_directory(dir);
    }
    dialog.pick_folder(move |p| {
        let _ = tx.send(path(p));
    });
    rx.await.ok().flatten()
}
