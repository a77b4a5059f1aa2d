//! fakebox's write routes that put files in (`files/upload`, the upload sessions,
//! `finish_batch_v2`) against Dropbox's documented shapes and rules, over real HTTP: one
//! test per rule or error.

use fakebox::{Config, Fakebox};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const WRITE: &str = "files.content.write";

/// A fakebox whose app may write, with a grant that may; `tweak` changes the rest.
async fn start(tweak: impl FnOnce(&mut Config)) -> (Fakebox, String) {
    let mut config = Config::default();
    config.app_scopes.push(WRITE.into());
    tweak(&mut config);
    let fb = fakebox_control::start(config)
        .await
        .expect("fakebox starts");
    let (token, _) = fb.mint_grant();
    (fb, token)
}

/// An upload-style request: the argument in `Dropbox-API-Arg`, the bytes as the body.
async fn send(
    fb: &Fakebox,
    token: &str,
    route: &str,
    arg: Value,
    body: &[u8],
) -> (StatusCode, Value) {
    let r = Client::new()
        .post(format!("{}/2/{route}", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .header(CONTENT_TYPE, "application/octet-stream")
        .header("Dropbox-API-Arg", arg.to_string())
        .body(body.to_vec())
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

/// An RPC request with a JSON argument.
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

async fn upload(fb: &Fakebox, token: &str, arg: Value, body: &[u8]) -> (StatusCode, Value) {
    send(fb, token, "files/upload", arg, body).await
}

async fn start_session(fb: &Fakebox, token: &str, first: &[u8], close: bool) -> String {
    let (status, v) = send(
        fb,
        token,
        "files/upload_session/start",
        json!({"close": close}),
        first,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v["session_id"].as_str().unwrap().to_string()
}

async fn download(fb: &Fakebox, token: &str, path: &str) -> Vec<u8> {
    let r = Client::new()
        .post(format!("{}/2/files/download", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .header("Dropbox-API-Arg", json!({"path": path}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap().to_vec()
}

fn content_hash(bytes: &[u8]) -> String {
    fakebox::files::content_hash(bytes)
}

#[tokio::test]
async fn an_upload_returns_file_metadata_without_a_tag_and_the_bytes_are_there() {
    let (fb, token) = start(|_| {}).await;
    let (status, meta) = upload(
        &fb,
        &token,
        json!({"path": "/Notes/Hello.txt", "client_modified": "2026-12-01T10:20:30Z"}),
        b"hello",
    )
    .await;
    assert_eq!(status, 200, "{meta}");
    assert!(meta.get(".tag").is_none(), "{meta}");
    assert_eq!(meta["name"], "Hello.txt");
    assert_eq!(meta["path_lower"], "/notes/hello.txt");
    assert_eq!(meta["size"], 5);
    assert_eq!(meta["content_hash"], content_hash(b"hello"));
    assert_eq!(meta["client_modified"], "2026-12-01T10:20:30Z");
    assert_eq!(download(&fb, &token, "/notes/hello.txt").await, b"hello");
}

#[tokio::test]
async fn a_token_without_the_write_scope_gets_missing_scope() {
    let mut config = Config::default();
    config.app_scopes.retain(|s| s != WRITE);
    let fb = fakebox_control::start(config).await.unwrap();
    let (token, _) = fb.mint_grant();
    let (status, v) = upload(&fb, &token, json!({"path": "/a.txt"}), b"a").await;
    assert_eq!(status, 401);
    assert_eq!(v["error"][".tag"], "missing_scope");
    assert_eq!(v["error"]["required_scope"], WRITE);
}

#[tokio::test]
async fn an_upload_with_a_json_content_type_is_refused_as_dropbox_does() {
    let (fb, token) = start(|_| {}).await;
    let r = Client::new()
        .post(format!("{}/2/files/upload", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .header(CONTENT_TYPE, "application/json")
        .header("Dropbox-API-Arg", json!({"path": "/a.txt"}).to_string())
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Expecting one of \"application/octet-stream\""));
}

#[tokio::test]
async fn add_over_a_different_file_conflicts_keeps_the_bytes_and_autorename_writes_beside_it() {
    let (fb, token) = start(|_| {}).await;
    upload(&fb, &token, json!({"path": "/Report.pdf"}), b"one").await;
    let (status, v) = upload(&fb, &token, json!({"path": "/report.PDF"}), b"two").await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["error"][".tag"], "path");
    assert_eq!(v["error"]["reason"][".tag"], "conflict");
    assert_eq!(v["error"]["reason"]["conflict"][".tag"], "file");
    assert!(v["error_summary"]
        .as_str()
        .unwrap()
        .starts_with("path/conflict/file/"));
    // The refused bytes wait in a closed session: commit them elsewhere.
    let id = v["error"]["upload_session_id"].as_str().unwrap();
    let (status, meta) = send(
        &fb,
        &token,
        "files/upload_session/finish",
        json!({"cursor": {"session_id": id, "offset": 3}, "commit": {"path": "/Report two.pdf"}}),
        b"",
    )
    .await;
    assert_eq!(status, 200, "{meta}");
    assert_eq!(download(&fb, &token, "/report two.pdf").await, b"two");
    let (_, renamed) = upload(
        &fb,
        &token,
        json!({"path": "/Report.pdf", "autorename": true}),
        b"three",
    )
    .await;
    assert_eq!(renamed["name"], "Report (1).pdf");
    assert_eq!(download(&fb, &token, "/report.pdf").await, b"one");
}

#[tokio::test]
async fn an_identical_upload_changes_nothing_and_overwrite_replaces() {
    let (fb, token) = start(|_| {}).await;
    let (_, first) = upload(&fb, &token, json!({"path": "/a.txt"}), b"same").await;
    let (status, again) = upload(&fb, &token, json!({"path": "/a.txt"}), b"same").await;
    assert_eq!(status, 200);
    assert_eq!(again["rev"], first["rev"], "no new revision");
    let (status, v) = upload(
        &fb,
        &token,
        json!({"path": "/a.txt", "strict_conflict": true}),
        b"same",
    )
    .await;
    assert_eq!(status, 409, "a strict commit calls it a conflict: {v}");
    let (status, replaced) = upload(
        &fb,
        &token,
        json!({"path": "/a.txt", "mode": "overwrite"}),
        b"other",
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(replaced["rev"], first["rev"]);
    assert_eq!(replaced["id"], first["id"], "the same file, a new revision");
    assert_eq!(download(&fb, &token, "/a.txt").await, b"other");
}

#[tokio::test]
async fn update_replaces_only_the_revision_it_names() {
    let (fb, token) = start(|_| {}).await;
    let (_, first) = upload(&fb, &token, json!({"path": "/doc.txt"}), b"v1").await;
    let rev1 = first["rev"].as_str().unwrap();
    let update = |rev: &str| json!({"path": "/doc.txt", "mode": {".tag": "update", "update": rev}});
    let (status, second) = upload(&fb, &token, update(rev1), b"v2").await;
    assert_eq!(status, 200, "{second}");
    // Someone else's change came in between: the stale revision is a conflict.
    let (status, v) = upload(&fb, &token, update(rev1), b"v3").await;
    assert_eq!(status, 409);
    assert_eq!(v["error"]["reason"]["conflict"][".tag"], "file");
    assert_eq!(download(&fb, &token, "/doc.txt").await, b"v2");
    let mut renamed = update(rev1);
    renamed["autorename"] = json!(true);
    let (_, copy) = upload(&fb, &token, renamed, b"v3").await;
    assert_eq!(copy["name"], "doc (conflicted copy).txt");
}

#[tokio::test]
async fn a_file_in_the_way_of_a_parent_is_a_file_ancestor_conflict() {
    let (fb, token) = start(|_| {}).await;
    upload(&fb, &token, json!({"path": "/a"}), b"a file").await;
    let (status, v) = upload(&fb, &token, json!({"path": "/a/b.txt"}), b"b").await;
    assert_eq!(status, 409);
    assert_eq!(v["error"]["reason"]["conflict"][".tag"], "file_ancestor");
    let (status, v) = upload(&fb, &token, json!({"path": "/"}), b"b").await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["error"]["reason"][".tag"], "malformed_path");
}

#[tokio::test]
async fn bytes_that_do_not_match_their_content_hash_are_refused() {
    let (fb, token) = start(|_| {}).await;
    let (status, v) = upload(
        &fb,
        &token,
        json!({"path": "/a.txt", "content_hash": content_hash(b"expected")}),
        b"received",
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(v["error"][".tag"], "content_hash_mismatch");
    let (status, _) = upload(
        &fb,
        &token,
        json!({"path": "/a.txt", "content_hash": content_hash(b"received")}),
        b"received",
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_full_dropbox_is_insufficient_space() {
    let (fb, token) = start(|c| c.allocated = 10).await;
    upload(&fb, &token, json!({"path": "/a.txt"}), b"123456").await;
    let (status, v) = upload(&fb, &token, json!({"path": "/b.txt"}), b"12345").await;
    assert_eq!(status, 409);
    assert_eq!(v["error"]["reason"][".tag"], "insufficient_space");
    // Replacing a file counts its old size out.
    let (status, _) = upload(
        &fb,
        &token,
        json!({"path": "/a.txt", "mode": "overwrite"}),
        b"1234567890",
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_session_takes_bytes_only_at_the_offset_it_has_and_says_which() {
    let (fb, token) = start(|_| {}).await;
    let id = start_session(&fb, &token, b"0123", false).await;
    let append = |offset: u64| json!({"cursor": {"session_id": id, "offset": offset}});
    let (status, v) = send(
        &fb,
        &token,
        "files/upload_session/append_v2",
        append(0),
        b"4567",
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(v["error"][".tag"], "incorrect_offset");
    assert_eq!(v["error"]["correct_offset"], 4);
    let (status, v) = send(
        &fb,
        &token,
        "files/upload_session/append_v2",
        append(4),
        b"4567",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v, Value::Null);
    // finish nests the same error under lookup_failed.
    let finish = |offset: u64| json!({"cursor": {"session_id": id, "offset": offset}, "commit": {"path": "/digits.txt"}});
    let (status, v) = send(&fb, &token, "files/upload_session/finish", finish(4), b"89").await;
    assert_eq!(status, 409);
    assert_eq!(v["error"][".tag"], "lookup_failed");
    assert_eq!(v["error"]["lookup_failed"][".tag"], "incorrect_offset");
    assert_eq!(v["error"]["lookup_failed"]["correct_offset"], 8);
    let (status, meta) = send(&fb, &token, "files/upload_session/finish", finish(8), b"89").await;
    assert_eq!(status, 200, "{meta}");
    assert_eq!(meta["size"], 10);
    assert_eq!(download(&fb, &token, "/digits.txt").await, b"0123456789");
    // A finished session is gone.
    let (status, v) = send(&fb, &token, "files/upload_session/finish", finish(10), b"").await;
    assert_eq!(status, 409);
    assert_eq!(v["error"]["lookup_failed"][".tag"], "not_found");
}

#[tokio::test]
async fn a_closed_session_takes_no_more_bytes() {
    let (fb, token) = start(|_| {}).await;
    let id = start_session(&fb, &token, b"all", true).await;
    let (status, v) = send(
        &fb,
        &token,
        "files/upload_session/append_v2",
        json!({"cursor": {"session_id": id, "offset": 3}}),
        b"more",
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(v["error"][".tag"], "closed");
}

#[tokio::test]
async fn an_unknown_session_is_not_found() {
    let (fb, token) = start(|_| {}).await;
    let (status, v) = send(
        &fb,
        &token,
        "files/upload_session/append_v2",
        json!({"cursor": {"session_id": "pid_upload_session:nothing", "offset": 0}}),
        b"x",
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(v["error"][".tag"], "not_found");
}

#[tokio::test]
async fn a_file_larger_than_dropbox_takes_is_too_large() {
    let (fb, token) = start(|c| c.max_file_size = 8).await;
    let id = start_session(&fb, &token, b"12345", false).await;
    let (status, v) = send(
        &fb,
        &token,
        "files/upload_session/append_v2",
        json!({"cursor": {"session_id": id, "offset": 5}}),
        b"6789",
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(v["error"][".tag"], "too_large");
}

#[tokio::test]
async fn a_batch_commits_closed_sessions_in_order_each_on_its_own() {
    let (fb, token) = start(|_| {}).await;
    let mut entries = Vec::new();
    for (name, close) in [("a.txt", true), ("open.txt", false), ("b.txt", true)] {
        let id = start_session(&fb, &token, name.as_bytes(), close).await;
        entries.push(json!({
            "cursor": {"session_id": id, "offset": name.len()},
            "commit": {"path": format!("/Batch/{name}")},
        }));
    }
    let (status, v) = rpc(
        &fb,
        &token,
        "files/upload_session/finish_batch_v2",
        json!({ "entries": entries }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let results = v["entries"].as_array().unwrap();
    assert_eq!(results[0][".tag"], "success");
    assert_eq!(results[0]["name"], "a.txt");
    assert_eq!(results[1][".tag"], "failure");
    assert_eq!(results[1]["failure"][".tag"], "lookup_failed");
    assert_eq!(results[1]["failure"]["lookup_failed"][".tag"], "not_closed");
    assert_eq!(results[2]["name"], "b.txt");
    assert_eq!(download(&fb, &token, "/batch/b.txt").await, b"b.txt");
}

#[tokio::test]
async fn a_write_is_seen_by_the_long_poll_and_list_folder_continue() {
    let (fb, token) = start(|_| {}).await;
    let (_, first) = rpc(&fb, &token, "files/list_folder", json!({"path": ""})).await;
    let cursor = first["cursor"].as_str().unwrap().to_string();
    let poll = {
        let url = format!("{}/2/files/list_folder/longpoll", fb.base_url());
        let cursor = cursor.clone();
        tokio::spawn(async move {
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
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    upload(&fb, &token, json!({"path": "/new.txt"}), b"new").await;
    let woke = tokio::time::timeout(std::time::Duration::from_secs(10), poll)
        .await
        .expect("the long-poll wakes")
        .unwrap();
    assert_eq!(woke["changes"], true);
    let (_, next) = rpc(
        &fb,
        &token,
        "files/list_folder/continue",
        json!({ "cursor": cursor }),
    )
    .await;
    let names: Vec<&str> = next["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["new.txt"]);
}

#[tokio::test]
async fn too_many_write_operations_is_a_429_that_says_when_to_retry() {
    let (fb, token) = start(|_| {}).await;
    let r = Client::new()
        .post(format!("{}/__fakebox/faults", fb.base_url()))
        .json(
            &json!({"route": "files/upload", "status": 429, "retry_after": 2,
                      "rate_limit_reason": "too_many_write_operations"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = Client::new()
        .post(format!("{}/2/files/upload", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .header(CONTENT_TYPE, "application/octet-stream")
        .header("Dropbox-API-Arg", json!({"path": "/a.txt"}).to_string())
        .body("a")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["reason"][".tag"], "too_many_write_operations");
    let (status, _) = upload(&fb, &token, json!({"path": "/a.txt"}), b"a").await;
    assert_eq!(status, 200, "one fault, then writes go through");
}

#[tokio::test]
async fn a_fault_after_n_appends_lets_those_through_and_the_log_says_where_each_went() {
    let (fb, token) = start(|_| {}).await;
    let id = start_session(&fb, &token, b"0123", false).await;
    Client::new()
        .post(format!("{}/__fakebox/faults", fb.base_url()))
        .json(&json!({"route": "files/upload_session/append_v2", "status": 503, "after": 1}))
        .send()
        .await
        .unwrap();
    let append = |offset: u64, bytes: &'static [u8]| {
        let arg = json!({"cursor": {"session_id": id, "offset": offset}});
        send(&fb, &token, "files/upload_session/append_v2", arg, bytes)
    };
    assert_eq!(append(4, b"4567").await.0, 200, "the first goes through");
    assert_eq!(append(8, b"89").await.0, 503, "the second gets the fault");
    assert_eq!(append(8, b"89").await.0, 200, "the fault was for one");
    let state: Value = Client::new()
        .get(format!("{}/__fakebox/state", fb.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let appends: Vec<_> = state["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/2/files/upload_session/append_v2" && r["status"] == 200)
        .map(|r| r["detail"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(appends, ["offset=4 bytes=4", "offset=8 bytes=2"]);
}

#[tokio::test]
async fn create_folder_makes_the_folder_and_its_parents_and_answers_its_metadata() {
    let (fb, token) = start(|_| {}).await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/create_folder_v2",
        json!({"path": "/Trip/Empty Day"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["metadata"]["path_display"], "/Trip/Empty Day");
    assert!(v["metadata"]["id"].as_str().unwrap().starts_with("id:"));
    assert!(
        v["metadata"].get(".tag").is_none(),
        "FolderMetadata, untagged"
    );
    let (_, listed) = rpc(&fb, &token, "files/list_folder", json!({"path": "/Trip"})).await;
    assert_eq!(listed["entries"][0][".tag"], "folder");
    assert_eq!(listed["entries"][0]["name"], "Empty Day");
}

#[tokio::test]
async fn create_folder_over_a_taken_name_conflicts_unless_autorename() {
    let (fb, token) = start(|_| {}).await;
    rpc(&fb, &token, "files/create_folder_v2", json!({"path": "/A"})).await;
    let (status, v) = rpc(&fb, &token, "files/create_folder_v2", json!({"path": "/a"})).await;
    assert_eq!(status, 409);
    assert!(
        v["error_summary"]
            .as_str()
            .unwrap()
            .starts_with("path/conflict/folder/"),
        "{v}"
    );
    let (status, v) = rpc(
        &fb,
        &token,
        "files/create_folder_v2",
        json!({"path": "/A", "autorename": true}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["metadata"]["name"], "A (1)");
}

#[tokio::test]
async fn create_folder_below_a_file_is_a_file_ancestor_conflict() {
    let (fb, token) = start(|_| {}).await;
    upload(&fb, &token, json!({"path": "/notes"}), b"text").await;
    let (status, v) = rpc(
        &fb,
        &token,
        "files/create_folder_v2",
        json!({"path": "/notes/inside"}),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(
        v["error"]["path"]["conflict"][".tag"], "file_ancestor",
        "{v}"
    );
}
