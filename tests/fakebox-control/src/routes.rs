//! The control routes and their handlers, over fakebox's own state.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use fakebox::files::{Content, NewEntry};
use fakebox::seed;
use fakebox::state::{App, Fault};
use fakebox::wire;

/// The control routes, to serve beside fakebox's own.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/__fakebox/expire-access-tokens",
            post(expire_access_tokens),
        )
        .route("/__fakebox/unlink", post(unlink))
        .route("/__fakebox/reset-cursors", post(reset_cursors))
        .route("/__fakebox/faults", post(add_faults).delete(clear_faults))
        .route("/__fakebox/files", post(files))
        .route("/__fakebox/state", get(state))
        .route("/__fakebox/log", delete(clear_log))
}

/// The most files one `generate` makes, and the largest file `add_file` takes: enough
/// for any test, small enough that no request can exhaust memory or hold the state's lock
/// for long.
pub const MAX_GENERATE: usize = 1_000_000;
pub const MAX_FILE_SIZE: u64 = 16 << 30;

fn bad(message: String) -> Response {
    wire::json(StatusCode::BAD_REQUEST, &json!({"error": message}))
}

/// `POST /__fakebox/expire-access-tokens`: every live access token now answers
/// 401 `expired_access_token`.
async fn expire_access_tokens(State(app): State<App>) -> Response {
    let mut s = app.lock();
    let now = Instant::now();
    let mut n = 0;
    for t in s.access.values_mut().filter(|t| t.expires_at.is_some()) {
        t.expires_at = Some(now);
        n += 1;
    }
    wire::ok(&json!({"expired": n}))
}

/// `POST /__fakebox/unlink`: as if the user removed the app on dropbox.com; with
/// `{"account": n}`, only that user did.
async fn unlink(State(app): State<App>, body: Bytes) -> Response {
    let only = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["account"].as_u64())
        .map(|a| a as usize);
    let mut s = app.lock();
    let live: Vec<u64> = s
        .grants
        .iter()
        .filter(|g| !g.revoked && only.is_none_or(|a| a == g.account))
        .map(|g| g.id)
        .collect();
    for g in &live {
        s.revoke_grant(*g);
    }
    wire::ok(&json!({"revoked_grants": live.len()}))
}

/// `POST /__fakebox/reset-cursors`: every cursor handed out so far gets `reset`.
async fn reset_cursors(State(app): State<App>) -> Response {
    let epoch = {
        let mut s = app.lock();
        for tree in &mut s.trees {
            tree.epoch += 1;
        }
        s.trees[0].epoch
    };
    app.notify_changed(u64::MAX - epoch);
    wire::ok(&json!({"epoch": epoch}))
}

/// `POST /__fakebox/faults`: one fault or a list of them.
async fn add_faults(State(app): State<App>, body: Bytes) -> Response {
    let faults: Vec<Fault> = match serde_json::from_slice::<Value>(&body) {
        Ok(v @ Value::Array(_)) => match serde_json::from_value(v) {
            Ok(f) => f,
            Err(e) => return bad(e.to_string()),
        },
        Ok(v) => match serde_json::from_value(v) {
            Ok(f) => vec![f],
            Err(e) => return bad(e.to_string()),
        },
        Err(e) => return bad(e.to_string()),
    };
    if let Some(f) = faults.iter().find(|f| !f.within_limits()) {
        return bad(format!(
            "fault for {} is out of bounds (count ≤ 10000, delay_ms ≤ 60000)",
            f.route
        ));
    }
    let mut s = app.lock();
    s.faults.extend(faults.into_iter().map(Fault::normalized));
    wire::ok(&json!({"faults": s.faults.len()}))
}

/// `DELETE /__fakebox/faults`.
async fn clear_faults(State(app): State<App>) -> Response {
    app.lock().faults.clear();
    wire::ok(&json!({"faults": 0}))
}

#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum FileOp {
    /// Add or replace a file: `content` (text) or `size` (zero bytes).
    AddFile {
        path: String,
        #[serde(default)]
        content: Option<String>,
        #[serde(default)]
        size: Option<u64>,
        /// Report this content hash instead of the true one (a damaged download).
        #[serde(default)]
        content_hash: Option<String>,
        /// Made by this account (its index), as in a folder shared with it: the file's
        /// metadata then names it in `sharing_info.modified_by`.
        #[serde(default)]
        modified_by: Option<usize>,
    },
    /// Add a picture (a PNG colour gradient) of this size.
    AddImage {
        path: String,
        width: u32,
        height: u32,
    },
    AddFolder {
        path: String,
    },
    Delete {
        path: String,
    },
    Generate {
        path: String,
        count: usize,
    },
}

#[derive(Deserialize)]
struct FileOps {
    ops: Vec<FileOp>,
    /// Whose app folder (the first user's unless said).
    #[serde(default)]
    account: usize,
}

/// `POST /__fakebox/files`: `{"ops": [{"op": "add_file" | "add_image" | "add_folder" | "delete" |
/// "generate", ...}]}`, applied in order; each change is seen by cursors and long-polls.
async fn files(State(app): State<App>, body: Bytes) -> Response {
    let ops: FileOps = match serde_json::from_slice(&body) {
        Ok(o) => o,
        Err(e) => return bad(e.to_string()),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let seq = {
        let mut s = app.lock();
        let account_ids: Vec<String> = s.accounts.iter().map(|a| a.account_id.clone()).collect();
        let Some(tree) = s.trees.get_mut(ops.account) else {
            return bad(format!("there is no account {}", ops.account));
        };
        for (i, op) in ops.ops.into_iter().enumerate() {
            let result = match op {
                FileOp::AddFile { size: Some(n), .. } if n > MAX_FILE_SIZE => {
                    return bad(format!("op {i}: size {n} is over {MAX_FILE_SIZE}"));
                }
                FileOp::Generate { count, .. } if count > MAX_GENERATE => {
                    return bad(format!("op {i}: count {count} is over {MAX_GENERATE}"));
                }
                FileOp::AddFile {
                    modified_by: Some(n),
                    ..
                } if n >= account_ids.len() => {
                    return bad(format!("op {i}: there is no account {n}"));
                }
                FileOp::AddFile {
                    path,
                    content,
                    size,
                    content_hash,
                    modified_by,
                } => tree
                    .add(NewEntry {
                        path,
                        folder: false,
                        content: match content {
                            Some(text) => Content::Bytes(text.into_bytes().into()),
                            None => Content::Zeros(size.unwrap_or(0)),
                        },
                        content_hash,
                        modified: now,
                    })
                    .map(|key| {
                        if let Some(n) = modified_by {
                            tree.set_modified_by(&key, &account_ids[n]);
                        }
                    }),
                FileOp::AddImage { width, height, .. } if width.max(height) > 4096 => {
                    return bad(format!("op {i}: a picture is at most 4096 pixels a side"));
                }
                FileOp::AddImage {
                    path,
                    width,
                    height,
                } => tree
                    .add(NewEntry {
                        path,
                        folder: false,
                        content: Content::Bytes(
                            fakebox::content::gradient_png(width, height).into(),
                        ),
                        content_hash: None,
                        modified: now,
                    })
                    .map(drop),
                FileOp::AddFolder { path } => tree
                    .add(NewEntry {
                        path,
                        folder: true,
                        content: Content::Zeros(0),
                        content_hash: None,
                        modified: now,
                    })
                    .map(drop),
                FileOp::Delete { path } => tree.delete(&path),
                FileOp::Generate { path, count } => seed::generate(tree, &path, count, i as u64),
            };
            if let Err(e) = result {
                return bad(format!("op {i}: {e:?}"));
            }
        }
        tree.seq()
    };
    app.notify_changed(seq);
    wire::ok(&json!({"seq": seq}))
}

/// `GET /__fakebox/state`: grants (never their tokens), live token count, request log.
async fn state(State(app): State<App>) -> Response {
    let s = app.lock();
    let now = Instant::now();
    let live = s
        .access
        .values()
        .filter(|t| t.expires_at.is_none_or(|e| e > now))
        .count();
    wire::ok(&json!({
        "grants": s.grants,
        "live_access_tokens": live,
        "codes_issued": s.codes.len(),
        "codes_used": s.codes.values().filter(|c| c.used).count(),
        "entries": s.trees[0].len(),
        "faults_pending": s.faults,
        "requests": s.log,
    }))
}

/// `DELETE /__fakebox/log`.
async fn clear_log(State(app): State<App>) -> Response {
    app.lock().log.clear();
    wire::ok(&json!({"requests": 0}))
}
