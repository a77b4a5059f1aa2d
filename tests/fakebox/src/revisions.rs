//! A file's revisions: `files/list_revisions` (newest first, whether the file is deleted
//! now and since when) and `files/restore` (a revision made current again, as a new
//! revision; a deleted file comes back). Errors as Dropbox answers them: `path/not_found`,
//! `path/not_file`, `invalid_revision`, `path_write/conflict/folder`. A restore is a change
//! the long-poll and cursors see.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{json, Value};

use crate::api::{bearer, opt_range, req_str, struct_arg, Handled};
use crate::files::{check_path, file_metadata, NewEntry, TreeError};
use crate::state::App;
use crate::upload::{changed, conflict, WRITE_SCOPE};
use crate::wire::{self, timestamp};

/// `files/list_revisions` (path mode): `{is_deleted, server_deleted?, entries, has_more}`,
/// at most `limit` (1..100, 10 unless asked) revisions, newest first.
pub async fn list_revisions(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/list_revisions";
    let grant = bearer(&app, &headers, ROUTE, Some("files.metadata.read"))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let path = req_str(ROUTE, &args, "path")?;
    let limit = opt_range(ROUTE, &args, "limit", 1, 100)?.unwrap_or(10) as usize;
    if check_path(path).is_err() {
        return Err(wire::path_error("malformed_path"));
    }
    let s = app.lock();
    let tree = &s.trees[s.account_of(grant)];
    let key = path.to_lowercase();
    if tree.get(&key).is_some_and(|n| n.is_folder()) {
        return Err(wire::path_error("not_file"));
    }
    let (revisions, deleted_at) = tree.revisions(&key);
    if revisions.is_empty() {
        return Err(wire::path_error("not_found"));
    }
    let entries: Vec<Value> = revisions
        .iter()
        .take(limit)
        .map(|r| untagged(file_metadata(&r.path_display, &r.file)))
        .collect();
    let mut answer = json!({
        "is_deleted": deleted_at.is_some(),
        "entries": entries,
        "has_more": revisions.len() > limit,
    });
    if let Some(at) = deleted_at {
        answer["server_deleted"] = json!(timestamp(at));
    }
    Ok(wire::ok(&answer))
}

fn untagged(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove(".tag");
    }
    v
}

/// `files/restore` `{path, rev}`: the file at `path` becomes that revision's content again
/// (a new revision); FileMetadata, untagged. A revision the path never had is
/// `invalid_revision`; a folder there is `path_write/conflict/folder`.
pub async fn restore(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/restore";
    let grant = bearer(&app, &headers, ROUTE, Some(WRITE_SCOPE))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let path = req_str(ROUTE, &args, "path")?.to_string();
    let rev = req_str(ROUTE, &args, "rev")?.to_string();
    if rev.len() < 9 || !rev.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(wire::bad_input(
            ROUTE,
            &format!("request body: rev: '{rev}' did not match pattern '[0-9a-f]+'"),
        ));
    }
    if check_path(&path).is_err() {
        return Err(conflict(
            &["path_lookup", "malformed_path"],
            json!({".tag": "path_lookup", "path_lookup": {".tag": "malformed_path"}}),
        ));
    }
    let mut s = app.lock();
    let account = s.account_of(grant);
    let tree = &mut s.trees[account];
    let key = path.to_lowercase();
    let (revisions, _) = tree.revisions(&key);
    let Some(wanted) = revisions.into_iter().find(|r| r.file.rev == rev) else {
        return Err(wire::route_error("invalid_revision"));
    };
    if let Some(node) = tree.get(&key) {
        if node.is_folder() {
            return Err(conflict(
                &["path_write", "conflict", "folder"],
                json!({".tag": "path_write", "path_write":
                    {".tag": "conflict", "conflict": {".tag": "folder"}}}),
            ));
        }
        if node.file.as_ref().is_some_and(|f| f.rev == rev) {
            let meta = tree.metadata(&key, false).expect("there");
            return Ok(wire::ok(&meta));
        }
    }
    let file = wanted.file;
    let made = tree.add(NewEntry {
        path,
        folder: false,
        content: file.content,
        content_hash: Some(file.content_hash),
        modified: file.client_modified,
    });
    let key = match made {
        Ok(key) => key,
        Err(TreeError::Conflict) => {
            return Err(conflict(
                &["path_write", "conflict", "file_ancestor"],
                json!({".tag": "path_write", "path_write":
                    {".tag": "conflict", "conflict": {".tag": "file_ancestor"}}}),
            ))
        }
        Err(_) => return Err(wire::route_error("invalid_revision")),
    };
    let meta = tree.metadata(&key, false).expect("restored");
    drop(s);
    changed(&app, account);
    Ok(wire::ok(&meta))
}
