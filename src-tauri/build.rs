//! Tauri's build step, with an app manifest so that capabilities can grant exactly the
//! app's own commands (listed once, in `src/command_names.rs`) and nothing else; and the
//! list of the window's catalogues (`ui/locales/<language>/*.ftl`, built into the app), so
//! that a language is added by adding its folder.

include!("src/command_names.rs");

/// `$OUT_DIR/catalogues.rs`: `CATALOGUES`, every catalogue as (language, file, text).
fn list_catalogues() {
    let locales = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/locales");
    println!("cargo:rerun-if-changed={}", locales.display());
    let mut found = Vec::new();
    for language in std::fs::read_dir(&locales).expect("ui/locales") {
        let language = language.expect("a language folder").path();
        for file in std::fs::read_dir(&language).expect("a language folder") {
            let file = file.expect("a catalogue").path();
            if file.extension().is_some_and(|e| e == "ftl") {
                found.push((language.clone(), file));
            }
        }
    }
    found.sort();
    let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
    let entries: String = found
        .iter()
        .map(|(language, file)| {
            let path = file.canonicalize().expect("a catalogue's path");
            format!(
                "    ({:?}, {:?}, include_str!({:?})),\n",
                name(language),
                name(file),
                path.display().to_string()
            )
        })
        .collect();
    let out =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalogues.rs");
    std::fs::write(
        out,
        format!("pub const CATALOGUES: &[(&str, &str, &str)] = &[\n{entries}];\n"),
    )
    .expect("catalogues.rs");
}

fn main() {
    println!("cargo:rerun-if-changed=src/command_names.rs");
    list_catalogues();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
