//! No way of building the app links the control surface: fakebox has no feature that
//! could switch it on (in a workspace build Cargo unifies features, so a test crate's
//! feature used to reach the app), and nothing the app depends on, directly or not,
//! for building or running, is this crate. Read from Cargo's own resolution of the
//! whole workspace, as a plain `cargo build` at the root resolves it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value;

fn metadata() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata's JSON")
}

fn name_of(id: &str, meta: &Value) -> String {
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .map(|p| p["name"].as_str().unwrap().to_string())
        .unwrap()
}

#[test]
fn a_plain_root_build_cannot_link_the_control_surface_into_the_app() {
    let meta = metadata();
    let fakebox = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "fakebox")
        .expect("fakebox is in the workspace");
    assert_eq!(
        fakebox["features"],
        serde_json::json!({}),
        "fakebox has no features a build could turn on"
    );
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let app = nodes
        .keys()
        .find(|id| name_of(id, &meta) == "dropdesk")
        .expect("the app is in the workspace");
    // Everything the app is built from: normal and build dependencies, never dev ones.
    let mut seen = HashSet::from([*app]);
    let mut todo = vec![*app];
    while let Some(id) = todo.pop() {
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let for_the_build = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"] != "dev");
            let dep_id = dep["pkg"].as_str().unwrap();
            if for_the_build && seen.insert(dep_id) {
                todo.push(dep_id);
            }
        }
    }
    let names: Vec<String> = seen.iter().map(|id| name_of(id, &meta)).collect();
    assert!(names.iter().any(|n| n == "fakebox"), "the demo's emulator");
    assert!(
        !names.iter().any(|n| n == "fakebox-control"),
        "the app is built with the control surface"
    );
}
