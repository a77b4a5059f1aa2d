//! The write routes that keep the folder in order: `files/move_v2`, `copy_v2`,
//! `delete_v2`, and their batches `move_batch_v2`, `copy_batch_v2` and `delete_batch`
//! (async jobs, polled with `…/check_v2` and `delete_batch/check`), with
//! Dropbox's `RelocationError`s (`from_lookup/not_found`, `to/conflict/…`,
//! `to/malformed_path`, `cant_move_folder_into_itself`, `insufficient_quota`) and
//! `DeleteError`s (`path_lookup/not_found`). A move may change only the case of a name.
//! Each is a change the long-poll and `list_folder/continue` see: a moved entry's old
//! paths as deleted, its new ones as added.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use crate::api::{bearer, req_str, struct_arg, Handled};
use crate::files::{check_path, Tree, TreeError};
use crate::state::{random_token, App, Job, MAX_KEPT};
use crate::upload::{
    beside, changed, conflict, file_in_the_way, opt_bool, Refusal, WriteFailure, WRITE_SCOPE,
};
use crate::wire;

/// `files/move_v2`: `{"metadata": Metadata}` of the entry where it now is.
pub async fn move_v2(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    relocate(&app, &headers, &body, "files/move_v2", false)
}

/// `files/copy_v2`: `{"metadata": Metadata}` of the copy.
pub async fn copy_v2(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    relocate(&app, &headers, &body, "files/copy_v2", true)
}

/// A `LookupError` under `field` (`from_lookup`, `path_lookup`).
fn lookup_refused(field: &'static str, tag: &'static str) -> Response {
    conflict(&[field, tag], json!({".tag": field, field: {".tag": tag}}))
}

/// A `RelocationError`: a `LookupError` under `from_lookup`.
fn from_refused(tag: &'static str) -> Refusal {
    Refusal::new(
        &["from_lookup", tag],
        json!({".tag": "from_lookup", "from_lookup": {".tag": tag}}),
    )
}

/// A `RelocationError`: a `WriteError` under `to`.
fn to_refused(failure: &WriteFailure) -> Refusal {
    let (reason, tags) = failure.error();
    let mut summary = vec!["to"];
    summary.extend(tags);
    Refusal::new(&summary, json!({".tag": "to", "to": reason}))
}

fn refused(tag: &'static str) -> Refusal {
    Refusal::new(&[tag], json!({".tag": tag}))
}

fn relocate(app: &App, headers: &HeaderMap, body: &[u8], route: &str, copy: bool) -> Handled {
    let grant = bearer(app, headers, route, Some(WRITE_SCOPE))?;
    let args = struct_arg(route, headers, body)?;
    let from_path = req_str(route, &args, "from_path")?.to_string();
    let to = req_str(route, &args, "to_path")?.to_string();
    let autorename = opt_bool(route, &args, "autorename")?;
    let mut s = app.lock();
    let account = s.account_of(grant);
    let allocated = s.accounts[account].allocated;
    let meta = relocate_in(
        &mut s.trees[account],
        allocated,
        &from_path,
        &to,
        autorename,
        copy,
    )
    .map_err(Response::from)?;
    drop(s);
    changed(app, account);
    Ok(wire::ok(&json!({ "metadata": meta })))
}

/// Move (or copy) `from_path` to `to` in `tree`: the metadata of what is at `to` now, or
/// the `RelocationError`.
fn relocate_in(
    tree: &mut Tree,
    allocated: u64,
    from_path: &str,
    to: &str,
    autorename: bool,
    copy: bool,
) -> Result<Value, Refusal> {
    let mut to = to.to_string();
    let from = match tree.resolve(from_path) {
        Ok(key) if !key.is_empty() => key,
        Ok(_) | Err(TreeError::Malformed) => return Err(from_refused("malformed_path")),
        Err(_) => return Err(from_refused("not_found")),
    };
    if check_path(&to).is_err() {
        return Err(to_refused(&WriteFailure::Malformed));
    }
    let to_key = to.to_lowercase();
    if to_key.starts_with(&format!("{from}/")) {
        return Err(refused("cant_move_folder_into_itself"));
    }
    file_in_the_way(tree, &to).map_err(|f| to_refused(&f))?;
    // Taken, unless a move changes only the case of its own name.
    if let Some(there) = tree.get(&to_key) {
        if copy || to_key != from {
            if !autorename {
                let what = if there.is_folder() { "folder" } else { "file" };
                return Err(to_refused(&WriteFailure::Conflict(what)));
            }
            to = beside(tree, &to, false);
        }
    }
    if copy {
        let size: u64 = std::iter::once(tree.get(&from).expect("resolved"))
            .chain(tree.below(&from).map(|(_, n)| n))
            .filter_map(|n| n.file.as_ref())
            .map(|f| f.content.len())
            .sum();
        if tree.total_size() + size > allocated {
            return Err(refused("insufficient_quota"));
        }
    }
    let key = tree
        .relocate(&from, &to, copy)
        .map_err(|_| to_refused(&WriteFailure::Conflict("file_ancestor")))?;
    Ok(tree.metadata(&key, true).expect("relocated"))
}

/// `files/move_batch_v2` and `copy_batch_v2`: `{"entries": [{"from_path", "to_path"}],
/// "autorename"}`, at most 1,000, done in order; answers with an `async_job_id` for
/// `…/check_v2`, whose `complete` has each entry's `success` (its metadata) or `failure`
/// (`relocation_error`).
fn relocate_batch(app: &App, headers: &HeaderMap, body: &[u8], route: &str, copy: bool) -> Handled {
    let grant = bearer(app, headers, route, Some(WRITE_SCOPE))?;
    let args = struct_arg(route, headers, body)?;
    let autorename = opt_bool(route, &args, "autorename")?;
    let pairs: Vec<(String, String)> = batch_entries(route, &args)?
        .iter()
        .enumerate()
        .map(|(i, e)| match (e.get("from_path"), e.get("to_path")) {
            (Some(Value::String(f)), Some(Value::String(t))) => Ok((f.clone(), t.clone())),
            _ => Err(wire::bad_input(
                route,
                &format!("request body: entries: [{i}]: missing required field"),
            )),
        })
        .collect::<Result<_, _>>()?;
    let mut s = app.lock();
    let account = s.account_of(grant);
    let allocated = s.accounts[account].allocated;
    let tree = &mut s.trees[account];
    let results: Vec<Value> = pairs
        .iter()
        .map(
            |(from, to)| match relocate_in(tree, allocated, from, to, autorename, copy) {
                Ok(meta) => json!({".tag": "success", "success": meta}),
                Err(r) => json!({".tag": "failure", "failure":
                {".tag": "relocation_error", "relocation_error": r.error}}),
            },
        )
        .collect();
    let id = start_job(&mut s, account, results);
    drop(s);
    changed(app, account);
    Ok(wire::ok(
        &json!({".tag": "async_job_id", "async_job_id": id}),
    ))
}

pub async fn move_batch_v2(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    relocate_batch(&app, &headers, &body, "files/move_batch_v2", false)
}

pub async fn copy_batch_v2(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    relocate_batch(&app, &headers, &body, "files/copy_batch_v2", true)
}

/// A batch's `entries`: a list of at most 1,000.
fn batch_entries<'a>(route: &str, args: &'a crate::api::Args) -> Result<&'a Vec<Value>, Response> {
    let Some(Value::Array(entries)) = args.get("entries") else {
        return Err(wire::bad_input(
            route,
            "request body: entries: expected list, got missing",
        ));
    };
    if entries.len() > MAX_BATCH {
        return Err(wire::bad_input(
            route,
            &format!("request body: entries: list has more than {MAX_BATCH} items"),
        ));
    }
    Ok(entries)
}

/// Keep a finished batch's entries as a job to be checked; its `async_job_id`.
fn start_job(s: &mut crate::state::State, account: usize, results: Vec<Value>) -> String {
    let id = format!("dbjid:{}", random_token(40));
    if s.jobs.len() >= MAX_KEPT {
        s.jobs.clear();
    }
    s.jobs.insert(
        id.clone(),
        Job {
            account,
            checked: false,
            result: json!({".tag": "complete", "entries": results}),
        },
    );
    id
}

/// A batch's check (`delete_batch/check`, `move_batch/check_v2`, `copy_batch/check_v2`):
/// `in_progress` the first time, then the job's result; an id this account was not given
/// is `invalid_async_job_id`.
fn check_job(app: &App, headers: &HeaderMap, body: &[u8], route: &str) -> Handled {
    let grant = bearer(app, headers, route, Some(WRITE_SCOPE))?;
    let args = struct_arg(route, headers, body)?;
    let id = req_str(route, &args, "async_job_id")?.to_string();
    let mut s = app.lock();
    let account = s.account_of(grant);
    match s.jobs.get_mut(&id) {
        Some(job) if job.account == account => {
            if !job.checked {
                job.checked = true;
                return Ok(wire::ok(&json!({".tag": "in_progress"})));
            }
            Ok(wire::ok(&job.result))
        }
        _ => Err(wire::route_error("invalid_async_job_id")),
    }
}

pub async fn move_batch_check_v2(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    check_job(&app, &headers, &body, "files/move_batch/check_v2")
}

pub async fn copy_batch_check_v2(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    check_job(&app, &headers, &body, "files/copy_batch/check_v2")
}

/// Delete the entry at `path` in `tree`: the metadata it had, or the `DeleteError`.
fn delete_in(tree: &mut Tree, path: &str) -> Result<Value, (&'static str, &'static str)> {
    let key = match tree.resolve(path) {
        Ok(key) if !key.is_empty() => key,
        Ok(_) | Err(TreeError::Malformed) => return Err(("path_lookup", "malformed_path")),
        Err(_) => return Err(("path_lookup", "not_found")),
    };
    let meta: Value = tree.metadata(&key, true).expect("resolved");
    tree.delete(&key)
        .map_err(|_| ("path_lookup", "not_found"))?;
    Ok(meta)
}

/// `files/delete_v2`: a file, or a folder with everything in it; `{"metadata": Metadata}`
/// of what was there.
pub async fn delete_v2(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/delete_v2";
    let grant = bearer(&app, &headers, ROUTE, Some(WRITE_SCOPE))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let path = req_str(ROUTE, &args, "path")?.to_string();
    let mut s = app.lock();
    let account = s.account_of(grant);
    let meta = delete_in(&mut s.trees[account], &path)
        .map_err(|(field, tag)| lookup_refused(field, tag))?;
    drop(s);
    changed(&app, account);
    Ok(wire::ok(&json!({ "metadata": meta })))
}

/// The most entries one batch takes.
const MAX_BATCH: usize = 1000;

/// `files/delete_batch`: `{"entries": [{"path"}]}`, at most 1,000, deleted in order;
/// answers with an `async_job_id` for `delete_batch/check`.
pub async fn delete_batch(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/delete_batch";
    let grant = bearer(&app, &headers, ROUTE, Some(WRITE_SCOPE))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let mut paths = Vec::new();
    for (i, entry) in batch_entries(ROUTE, &args)?.iter().enumerate() {
        match entry.get("path") {
            Some(Value::String(p)) => paths.push(p.clone()),
            _ => {
                return Err(wire::bad_input(
                    ROUTE,
                    &format!("request body: entries: [{i}].path: missing required field"),
                ))
            }
        }
    }
    let mut s = app.lock();
    let account = s.account_of(grant);
    let tree = &mut s.trees[account];
    let results: Vec<Value> = paths
        .iter()
        .map(|path| match delete_in(tree, path) {
            Ok(meta) => json!({".tag": "success", "metadata": meta}),
            Err((field, tag)) => json!({
                ".tag": "failure",
                "failure": {".tag": field, field: {".tag": tag}},
            }),
        })
        .collect();
    let id = start_job(&mut s, account, results);
    drop(s);
    changed(&app, account);
    Ok(wire::ok(
        &json!({".tag": "async_job_id", "async_job_id": id}),
    ))
}

/// `files/delete_batch/check`.
pub async fn delete_batch_check(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    check_job(&app, &headers, &body, "files/delete_batch/check")
}
