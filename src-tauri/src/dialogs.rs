//! The native dialogs that ask where copies go and which files to upload (rfd: GTK's file
//! chooser on Linux, which itself asks before replacing a file in "Save as…"). Called from Rust only: the window
//! never gets a path-choosing permission, and a path it sends is never used as a target.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use rfd::{AsyncFileDialog, FileHandle};
use tauri::{AppHandle, Runtime, WebviewWindow};

use crate::messages::{dialog_title, FileDialog};

type Chosen = Pin<Box<dyn Future<Output = Option<FileHandle>> + Send>>;

/// Where the dialogs open: the Downloads folder, else home (never GTK's "Recent", where a
/// folder cannot be chosen).
fn start_dir() -> Option<PathBuf> {
    dirs::download_dir()
        .filter(|d| d.is_dir())
        .or_else(dirs::home_dir)
}

/// Shows the dialog `open` makes, over `window`, and waits for the answer. The dialog is
/// made on the main thread, where the window's handle is read.
async fn ask<R: Runtime>(
    app: &AppHandle<R>,
    window: &WebviewWindow<R>,
    title: FileDialog,
    open: impl FnOnce(AsyncFileDialog) -> Chosen + Send + 'static,
) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let window = window.clone();
    app.run_on_main_thread(move || {
        let mut dialog = AsyncFileDialog::new()
            .set_parent(&window)
            .set_title(dialog_title(title))
            .set_can_create_directories(true);
        if let Some(dir) = start_dir() {
            dialog = dialog.set_directory(dir);
        }
        let _ = tx.send(open(dialog));
    })
    .ok()?;
    let chosen = rx.await.ok()?.await?;
    Some(chosen.path().to_path_buf())
}

/// Where "Save as…" puts a copy named `name` by default; `None` when cancelled.
pub async fn save_target<R: Runtime>(
    app: &AppHandle<R>,
    window: &WebviewWindow<R>,
    name: &str,
) -> Option<PathBuf> {
    let name = name.to_owned();
    ask(app, window, FileDialog::SaveCopy, move |d| {
        Box::pin(d.set_file_name(name).save_file())
    })
    .await
}

/// What "Upload…" puts into the app folder (files, or with `folders` folders); none when
/// cancelled.
pub async fn to_upload<R: Runtime>(
    app: &AppHandle<R>,
    window: &WebviewWindow<R>,
    folders: bool,
) -> Vec<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let window = window.clone();
    let asked = app.run_on_main_thread(move || {
        let mut dialog = AsyncFileDialog::new()
            .set_parent(&window)
            .set_title(dialog_title(if folders {
                FileDialog::UploadFolders
            } else {
                FileDialog::Upload
            }));
        if let Some(dir) = dirs::home_dir() {
            dialog = dialog.set_directory(dir);
        }
        let picking: Pin<Box<dyn Future<Output = Option<Vec<FileHandle>>> + Send>> = if folders {
            Box::pin(dialog.pick_folders())
        } else {
            Box::pin(dialog.pick_files())
        };
        let _ = tx.send(picking);
    });
    if asked.is_err() {
        return Vec::new();
    }
    let Ok(picking) = rx.await else {
        return Vec::new();
    };
    picking
        .await
        .unwrap_or_default()
        .iter()
        .map(|f| f.path().to_path_buf())
        .collect()
}

/// The folder "Download to folder…" puts copies in; `None` when cancelled.
pub async fn folder<R: Runtime>(app: &AppHandle<R>, window: &WebviewWindow<R>) -> Option<PathBuf> {
    ask(app, window, FileDialog::DownloadTo, |d| {
        Box::pin(d.pick_folder())
    })
    .await
}
