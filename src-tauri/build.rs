//! Tauri's build step, with an app manifest so that capabilities can grant exactly the
//! app's own commands and nothing else.

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "app_info",
            "ui_ready",
            "restore",
            "start_connect",
            "finish_connect",
            "cancel_connect",
            "reopen_browser",
            "disconnect",
            "open_folder",
            "folder_window",
            "folder_seek",
        ]),
    ))
    .expect("tauri build step");
}
