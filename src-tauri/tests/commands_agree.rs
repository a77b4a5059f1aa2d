//! The IPC commands are listed once (`src/command_names.rs`, which `build.rs` turns into
//! permissions); this checks that every other place naming them agrees: the
//! `generate_handler!` list in `lib.rs`, the capability the window gets, and the UI's
//! `api.js`. A command added in one place and forgotten in another fails here, not at run
//! time in the window.

use std::collections::BTreeSet;
use std::path::Path;

use dropdesk::command_names::COMMANDS;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn listed() -> BTreeSet<String> {
    let set: BTreeSet<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
    assert_eq!(set.len(), COMMANDS.len(), "a command is listed twice");
    set
}

/// Every `prefix<name>suffix` in `text`.
fn between(text: &str, prefix: &str, suffix: char) -> BTreeSet<String> {
    text.split(prefix)
        .skip(1)
        .filter_map(|rest| rest.split(suffix).next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_handler_list_registers_exactly_the_listed_commands() {
    let lib = read("src/lib.rs");
    let handler = lib
        .split("generate_handler![")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("lib.rs has a generate_handler! list");
    let names: BTreeSet<String> = handler
        .split(',')
        .map(|s| s.trim().trim_start_matches("commands::").to_string())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(names, listed());
}

#[test]
fn the_window_capability_allows_exactly_the_listed_commands() {
    let capability: serde_json::Value =
        serde_json::from_str(&read("capabilities/main.json")).unwrap();
    let names: BTreeSet<String> = capability["permissions"]
        .as_array()
        .expect("a permissions list")
        .iter()
        .map(|p| {
            let p = p.as_str().expect("plain permission names only");
            p.strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{p}: only the app's own allow- permissions"))
                .replace('-', "_")
        })
        .collect();
    assert_eq!(names, listed());
}

#[test]
fn the_ui_invokes_exactly_the_listed_commands() {
    let api = read("../ui/js/api.js");
    assert_eq!(between(&api, "invoke('", '\''), listed());
    // Only api.js talks to Rust.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/js");
    for file in std::fs::read_dir(dir).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".js") && name != "api.js" {
            let js = read(&format!("../ui/js/{name}"));
            assert!(!js.contains("invoke("), "{name} calls invoke directly");
        }
    }
}
