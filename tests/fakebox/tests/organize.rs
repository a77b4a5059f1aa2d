//! fakebox's routes that keep the folder in order (`files/move_v2`, `copy_v2`,
//! `delete_v2`) against Dropbox's documented shapes and errors, over real HTTP: one test
//! per rule or error.

use fakebox::{Config, Fakebox};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// A fakebox whose app may write, with a grant that may, holding a few files.
async fn start() -> (Fakebox, String) {
    let mut config = Config::default();
    config.app_scopes.push("files.content.write".into());
    let fb = fakebox_control::start(config)
        .await
        .expect("fakebox starts");
    let (token, _) = fb.mint_grant();
    Client::new()
        .post(format!("{}/__fakebox/files", fb.base_url()))
        .json(&json!({"ops": [
            {"op": "add_file", "path": "/Docs/a.txt", "content": "a"},
            {"op": "add_file", "path": "/Docs/Sub/b.txt", "content": "bb"},
            {"op": "add_file", "path": "/c.txt", "content": "ccc"},
        ]}))
        .send()
        .await
        .unwrap();
    (fb, token)
}

async fn rpc(fb: &Fakebox, token: &str, route: &str, arg: Value) -> (StatusCode, Value) {
    let r = Client::new()
        .post(format!("{}/2/{route}", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .header(CONTENT_TYPE, "application/json")
        .body(arg.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn metadata(fb: &Fakebox, token: &str, path: &str) -> (StatusCode, Value) {
    rpc(fb, token, "files/get_metadata", json!({ "path": path })).await
}

fn summary(v: &Value) -> &str {
    v["error_summary"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_moved_folder_keeps_its_id_and_contents_and_answers_tagged_metadata() {
    let (fb, token) = start().await;
    let (_, before) = metadata(&fb, &token, "/Docs/Sub/b.txt").await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/move_v2",
        json!({"from_path": "/Docs", "to_path": "/Archive/Old Docs"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["metadata"][".tag"], "folder");
    assert_eq!(v["metadata"]["path_display"], "/Archive/Old Docs");
    let (_, after) = metadata(&fb, &token, "/archive/old docs/sub/b.txt").await;
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["rev"], before["rev"]);
    assert_eq!(
        metadata(&fb, &token, "/Docs").await.0,
        409,
        "gone from where it was"
    );
}

#[tokio::test]
async fn a_move_onto_a_taken_name_is_a_to_conflict_unless_autorename() {
    let (fb, token) = start().await;
    let arg = json!({"from_path": "/c.txt", "to_path": "/Docs/A.TXT"});
    let (status, v) = rpc(&fb, &token, "files/move_v2", arg.clone()).await;
    assert_eq!(status, 409);
    assert!(summary(&v).starts_with("to/conflict/file/"), "{v}");
    assert_eq!(v["error"]["to"]["conflict"][".tag"], "file");
    let mut renamed = arg;
    renamed["autorename"] = json!(true);
    let (status, v) = rpc(&fb, &token, "files/move_v2", renamed).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["metadata"]["name"], "A (1).TXT");
}

#[tokio::test]
async fn a_folder_moved_into_itself_is_refused() {
    let (fb, token) = start().await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/move_v2",
        json!({"from_path": "/Docs", "to_path": "/docs/Sub/Docs"}),
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        summary(&v).starts_with("cant_move_folder_into_itself/"),
        "{v}"
    );
}

#[tokio::test]
async fn a_move_of_nothing_is_a_from_lookup_not_found() {
    let (fb, token) = start().await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/move_v2",
        json!({"from_path": "/nothing.txt", "to_path": "/else.txt"}),
    )
    .await;
    assert_eq!(status, 409);
    assert!(summary(&v).starts_with("from_lookup/not_found/"), "{v}");
}

#[tokio::test]
async fn a_move_may_change_only_the_case_of_a_name() {
    let (fb, token) = start().await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/move_v2",
        json!({"from_path": "/c.txt", "to_path": "/C.txt"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["metadata"]["name"], "C.txt");
}

#[tokio::test]
async fn a_copy_gets_a_new_id_and_leaves_the_original() {
    let (fb, token) = start().await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/copy_v2",
        json!({"from_path": "/c.txt", "to_path": "/Docs/c copy.txt"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (_, original) = metadata(&fb, &token, "/c.txt").await;
    assert_ne!(v["metadata"]["id"], original["id"]);
    assert_eq!(v["metadata"]["content_hash"], original["content_hash"]);
    let (status, _) = rpc(
        &fb,
        &token,
        "files/copy_v2",
        json!({"from_path": "/c.txt", "to_path": "/c.txt"}),
    )
    .await;
    assert_eq!(status, 409, "a copy onto itself is a conflict");
}

#[tokio::test]
async fn delete_removes_a_folder_with_its_contents_and_answers_what_was_there() {
    let (fb, token) = start().await;
    let (status, v) = rpc(&fb, &token, "files/delete_v2", json!({"path": "/Docs"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["metadata"][".tag"], "folder");
    assert_eq!(v["metadata"]["path_display"], "/Docs");
    assert_eq!(metadata(&fb, &token, "/Docs/Sub/b.txt").await.0, 409);
    let (status, v) = rpc(&fb, &token, "files/delete_v2", json!({"path": "/Docs"})).await;
    assert_eq!(status, 409);
    assert!(summary(&v).starts_with("path_lookup/not_found/"), "{v}");
}

#[tokio::test]
async fn a_cursor_sees_a_move_as_the_old_path_deleted_and_the_new_one_added() {
    let (fb, token) = start().await;
    let (_, listed) = rpc(
        &fb,
        &token,
        "files/list_folder",
        json!({"path": "", "recursive": true}),
    )
    .await;
    let cursor = listed["cursor"].as_str().unwrap().to_string();
    rpc(
        &fb,
        &token,
        "files/move_v2",
        json!({"from_path": "/c.txt", "to_path": "/Docs/c.txt"}),
    )
    .await;
    let (_, changes) = rpc(
        &fb,
        &token,
        "files/list_folder/continue",
        json!({ "cursor": cursor }),
    )
    .await;
    let seen: Vec<(String, String)> = changes["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e[".tag"].as_str().unwrap().to_string(),
                e["path_lower"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        seen.contains(&("deleted".into(), "/c.txt".into())),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("file".into(), "/docs/c.txt".into())),
        "{seen:?}"
    );
}
