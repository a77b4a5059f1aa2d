//! Tauri's build step, with an app manifest so that capabilities can grant exactly the
//! app's own commands (listed once, in `src/command_names.rs`) and nothing else.

include!("src/command_names.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/command_names.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
