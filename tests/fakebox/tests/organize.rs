//! fakebox's routes that keep the folder in order (`files/move_v2`, `copy_v2`,
//! `delete_v2`, their batches and checks, `list_revisions`, `restore`) against
//! Dropbox's documented shapes and errors, over real HTTP: one test per rule or error.

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

async fn download(fb: &Fakebox, token: &str, path: &str) -> Vec<u8> {
    let r = Client::new()
        .post(format!("{}/2/files/download", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .header("Dropbox-API-Arg", json!({ "path": path }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap().to_vec()
}

/// Launch a `delete_batch` of `paths` and poll its check until it is done: every check's
/// `.tag` in turn, and the result.
async fn delete_batch(fb: &Fakebox, token: &str, paths: &[&str]) -> (Vec<String>, Value) {
    let entries: Vec<Value> = paths.iter().map(|p| json!({ "path": p })).collect();
    let (status, launch) = rpc(
        fb,
        token,
        "files/delete_batch",
        json!({ "entries": entries }),
    )
    .await;
    assert_eq!(status, 200, "{launch}");
    assert_eq!(launch[".tag"], "async_job_id", "{launch}");
    let id = launch["async_job_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("dbjid:"), "{id}");
    let mut tags = Vec::new();
    loop {
        let (status, v) = rpc(
            fb,
            token,
            "files/delete_batch/check",
            json!({ "async_job_id": id }),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        tags.push(v[".tag"].as_str().unwrap().to_string());
        if v[".tag"] != "in_progress" || tags.len() > 5 {
            return (tags, v);
        }
    }
}

#[tokio::test]
async fn a_delete_batch_is_polled_until_complete_with_each_entrys_outcome_in_order() {
    let (fb, token) = start().await;
    let (tags, done) = delete_batch(&fb, &token, &["/c.txt", "/Nothing.txt", "/Docs"]).await;
    assert_eq!(tags, ["in_progress", "complete"]);
    let entries = done["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{done}");
    assert_eq!(entries[0][".tag"], "success");
    assert_eq!(entries[0]["metadata"][".tag"], "file");
    assert_eq!(entries[0]["metadata"]["path_display"], "/c.txt");
    assert_eq!(entries[1][".tag"], "failure");
    assert_eq!(entries[1]["failure"][".tag"], "path_lookup");
    assert_eq!(entries[1]["failure"]["path_lookup"][".tag"], "not_found");
    assert_eq!(entries[2]["metadata"][".tag"], "folder");
    assert_eq!(metadata(&fb, &token, "/Docs/Sub/b.txt").await.0, 409);
    assert_eq!(metadata(&fb, &token, "/c.txt").await.0, 409);
}

#[tokio::test]
async fn a_batch_check_of_an_unknown_job_is_invalid_async_job_id() {
    let (fb, token) = start().await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/delete_batch/check",
        json!({"async_job_id": "dbjid:made-up"}),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(
        summary(&v).trim_end_matches('.'),
        "invalid_async_job_id/",
        "{v}"
    );
}

#[tokio::test]
async fn a_batch_of_more_than_a_thousand_entries_is_refused() {
    let (fb, token) = start().await;
    let entries: Vec<Value> = (0..1001)
        .map(|i| json!({"path": format!("/f{i}")}))
        .collect();
    let (status, v) = rpc(
        &fb,
        &token,
        "files/delete_batch",
        json!({ "entries": entries }),
    )
    .await;
    assert_eq!(status, 400, "{v}");
}

/// Replace `/c.txt` twice (three revisions in all), then delete it.
async fn three_revisions_then_deleted(fb: &Fakebox, token: &str) -> Vec<String> {
    let mut revs = vec![metadata(fb, token, "/c.txt").await.1["rev"]
        .as_str()
        .unwrap()
        .to_string()];
    for body in ["second", "third"] {
        Client::new()
            .post(format!("{}/__fakebox/files", fb.base_url()))
            .json(&json!({"ops": [{"op": "add_file", "path": "/c.txt", "content": body}]}))
            .send()
            .await
            .unwrap();
        revs.push(
            metadata(fb, token, "/c.txt").await.1["rev"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let (status, _) = rpc(fb, token, "files/delete_v2", json!({"path": "/c.txt"})).await;
    assert_eq!(status, 200);
    revs
}

#[tokio::test]
async fn list_revisions_gives_a_deleted_files_revisions_newest_first_and_when_it_went() {
    let (fb, token) = start().await;
    let revs = three_revisions_then_deleted(&fb, &token).await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/list_revisions",
        json!({"path": "/C.txt", "limit": 2}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["is_deleted"], true);
    assert!(v["server_deleted"].as_str().unwrap().ends_with('Z'), "{v}");
    assert_eq!(v["has_more"], true);
    let listed: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rev"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [revs[2].as_str(), revs[1].as_str()]);
    assert!(
        v["entries"][0].get(".tag").is_none(),
        "FileMetadata untagged"
    );
    assert_eq!(v["entries"][0]["size"], 5);
}

#[tokio::test]
async fn list_revisions_of_a_folder_is_not_file_and_of_nothing_not_found() {
    let (fb, token) = start().await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/list_revisions",
        json!({"path": "/Docs"}),
    )
    .await;
    assert_eq!(
        (status.as_u16(), summary(&v).trim_end_matches('.')),
        (409, "path/not_file/")
    );
    let (status, v) = rpc(&fb, &token, "files/list_revisions", json!({"path": "/no"})).await;
    assert_eq!(
        (status.as_u16(), summary(&v).trim_end_matches('.')),
        (409, "path/not_found/")
    );
}

#[tokio::test]
async fn restore_brings_a_deleted_files_old_bytes_back_as_a_new_revision() {
    let (fb, token) = start().await;
    let revs = three_revisions_then_deleted(&fb, &token).await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/restore",
        json!({"path": "/c.txt", "rev": revs[0]}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v.get(".tag").is_none(), "FileMetadata untagged: {v}");
    assert!(!revs.contains(&v["rev"].as_str().unwrap().to_string()));
    assert_eq!(download(&fb, &token, "/c.txt").await, b"ccc");
    let (_, listed) = rpc(
        &fb,
        &token,
        "files/list_revisions",
        json!({"path": "/c.txt"}),
    )
    .await;
    assert_eq!(listed["is_deleted"], false);
    assert_eq!(listed["entries"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn restore_of_a_revision_the_path_never_had_is_invalid_revision() {
    let (fb, token) = start().await;
    let other = metadata(&fb, &token, "/Docs/a.txt").await.1["rev"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, v) = rpc(
        &fb,
        &token,
        "files/restore",
        json!({"path": "/c.txt", "rev": other}),
    )
    .await;
    assert_eq!(
        (status.as_u16(), summary(&v).trim_end_matches('.')),
        (409, "invalid_revision/")
    );
}

#[tokio::test]
async fn restore_onto_a_folder_is_a_path_write_conflict() {
    let (fb, token) = start().await;
    let revs = three_revisions_then_deleted(&fb, &token).await;
    rpc(
        &fb,
        &token,
        "files/create_folder_v2",
        json!({"path": "/c.txt"}),
    )
    .await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/restore",
        json!({"path": "/c.txt", "rev": revs[1]}),
    )
    .await;
    assert_eq!(
        (status.as_u16(), summary(&v).trim_end_matches('.')),
        (409, "path_write/conflict/folder/")
    );
}

#[tokio::test]
async fn a_long_poll_wakes_for_a_batch_delete_and_a_restore() {
    let (fb, token) = start().await;
    let (_, listed) = rpc(&fb, &token, "files/list_folder", json!({"path": ""})).await;
    let cursor = listed["cursor"].as_str().unwrap().to_string();
    let poll = |cursor: String| {
        let url = format!("{}/2/files/list_folder/longpoll", fb.base_url());
        async move {
            Client::new()
                .post(url)
                .header(CONTENT_TYPE, "application/json")
                .body(json!({"cursor": cursor, "timeout": 30}).to_string())
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let waiting = tokio::spawn(poll(cursor.clone()));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let rev = metadata(&fb, &token, "/c.txt").await.1["rev"]
        .as_str()
        .unwrap()
        .to_string();
    delete_batch(&fb, &token, &["/c.txt"]).await;
    assert_eq!(waiting.await.unwrap()["changes"], true);
    let (_, after_delete) = rpc(
        &fb,
        &token,
        "files/list_folder/continue",
        json!({ "cursor": cursor }),
    )
    .await;
    let cursor = after_delete["cursor"].as_str().unwrap().to_string();
    let waiting = tokio::spawn(poll(cursor));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    rpc(
        &fb,
        &token,
        "files/restore",
        json!({"path": "/c.txt", "rev": rev}),
    )
    .await;
    assert_eq!(waiting.await.unwrap()["changes"], true);
}

#[tokio::test]
async fn a_download_of_rev_path_gives_that_revisions_bytes_even_once_deleted() {
    let (fb, token) = start().await;
    let revs = three_revisions_then_deleted(&fb, &token).await;
    assert_eq!(
        download(&fb, &token, &format!("rev:{}", revs[1])).await,
        b"second"
    );
    assert_eq!(
        download(&fb, &token, &format!("rev:{}", revs[0])).await,
        b"ccc"
    );
}

/// Launch a move or copy batch and poll its `check_v2` until done: every check's `.tag`,
/// and the result.
async fn relocate_batch(
    fb: &Fakebox,
    token: &str,
    kind: &str,
    pairs: &[(&str, &str)],
) -> (Vec<String>, Value) {
    let entries: Vec<Value> = pairs
        .iter()
        .map(|(f, t)| json!({"from_path": f, "to_path": t}))
        .collect();
    let (status, launch) = rpc(
        fb,
        token,
        &format!("files/{kind}_batch_v2"),
        json!({ "entries": entries, "autorename": false }),
    )
    .await;
    assert_eq!(status, 200, "{launch}");
    let id = launch["async_job_id"].as_str().unwrap().to_string();
    let mut tags = Vec::new();
    loop {
        let (status, v) = rpc(
            fb,
            token,
            &format!("files/{kind}_batch/check_v2"),
            json!({ "async_job_id": id }),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        tags.push(v[".tag"].as_str().unwrap().to_string());
        if v[".tag"] != "in_progress" || tags.len() > 5 {
            return (tags, v);
        }
    }
}

#[tokio::test]
async fn a_move_batch_is_polled_until_complete_with_each_entrys_outcome_in_order() {
    let (fb, token) = start().await;
    let (tags, done) = relocate_batch(
        &fb,
        &token,
        "move",
        &[
            ("/c.txt", "/Docs/Sub/c.txt"),
            ("/Docs/a.txt", "/Docs/Sub/b.txt"),
        ],
    )
    .await;
    assert_eq!(tags, ["in_progress", "complete"]);
    let entries = done["entries"].as_array().unwrap();
    assert_eq!(entries[0][".tag"], "success", "{done}");
    assert_eq!(entries[0]["success"][".tag"], "file");
    assert_eq!(entries[0]["success"]["path_display"], "/Docs/Sub/c.txt");
    assert_eq!(entries[1][".tag"], "failure");
    assert_eq!(
        entries[1]["failure"],
        json!({".tag": "relocation_error", "relocation_error":
            {".tag": "to", "to": {".tag": "conflict", "conflict": {".tag": "file"}}}})
    );
    assert_eq!(download(&fb, &token, "/Docs/Sub/c.txt").await, b"ccc");
    assert_eq!(
        download(&fb, &token, "/Docs/a.txt").await,
        b"a",
        "left where it was"
    );
}

#[tokio::test]
async fn a_copy_batch_leaves_the_originals_and_its_check_is_check_v2() {
    let (fb, token) = start().await;
    let (tags, done) = relocate_batch(&fb, &token, "copy", &[("/Docs", "/Docs copy")]).await;
    assert_eq!(tags, ["in_progress", "complete"]);
    assert_eq!(done["entries"][0]["success"][".tag"], "folder", "{done}");
    assert_eq!(download(&fb, &token, "/Docs copy/Sub/b.txt").await, b"bb");
    assert_eq!(download(&fb, &token, "/Docs/Sub/b.txt").await, b"bb");
}

#[tokio::test]
async fn include_deleted_names_what_was_deleted_in_the_folder_with_the_last_page() {
    let (fb, token) = start().await;
    rpc(&fb, &token, "files/delete_v2", json!({"path": "/c.txt"})).await;
    rpc(
        &fb,
        &token,
        "files/delete_v2",
        json!({"path": "/Docs/a.txt"}),
    )
    .await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/list_folder",
        json!({"path": "", "include_deleted": true}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let deleted: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e[".tag"] == "deleted")
        .map(|e| e["path_display"].as_str().unwrap())
        .collect();
    assert_eq!(deleted, ["/c.txt"], "only what was deleted in this folder");
    let (_, plain) = rpc(&fb, &token, "files/list_folder", json!({"path": ""})).await;
    assert!(plain["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e[".tag"] != "deleted"));
}
