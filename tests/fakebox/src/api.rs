//! The API v2 routes Dropdesk uses, with Dropbox's request checks in Dropbox's order:
//! authentication (400 for a missing or malformed header, 401 for a bad token), then the
//! argument (400 plain text), then the route (409 route errors). Long
//! because it holds every route's handler, each short, in the order of the router.

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::cursor::Cursor;
use crate::files::{check_path, TreeError};
use crate::state::App;
use crate::wire;

pub(crate) type Handled = Result<Response, Response>;
pub(crate) type Args = Map<String, Value>;

const PATH_PATTERN: &str = r"(/(.|[\r\n])*)?|id:.*|(ns:[0-9]+(/(.|[\r\n])*)?)";
const DEFAULT_LIMIT: usize = 2000;

/// Check `Authorization: Bearer <token>` and the token's scope; returns the grant id.
pub(crate) fn bearer(
    app: &App,
    headers: &HeaderMap,
    route: &str,
    scope: Option<&str>,
) -> Result<u64, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(wire::bad_input(
            route,
            "Must provide HTTP header \"Authorization\" or URL parameter \"authorization\".",
        ));
    };
    let value = value.to_str().unwrap_or("");
    let Some(token) = value.strip_prefix("Bearer ") else {
        return Err(wire::bad_input(
            route,
            "Invalid authorization value in HTTP header \"Authorization\". Expecting \"Bearer <oauth2-access-token>\".",
        ));
    };
    if token.is_empty() || !token.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(wire::bad_input(
            route,
            "Invalid authorization value in HTTP header \"Authorization\": OAuth 2 access token is malformed.",
        ));
    }
    let s = app.lock();
    let Some(t) = s.access.get(token) else {
        return Err(wire::auth_error("invalid_access_token"));
    };
    if s.grant(t.grant).is_none_or(|g| g.revoked) {
        return Err(wire::auth_error("invalid_access_token"));
    }
    if t.expires_at.is_some_and(|e| Instant::now() >= e) {
        return Err(wire::auth_error("expired_access_token"));
    }
    if let Some(scope) = scope {
        if !t.scopes.iter().any(|s| s == scope) {
            return Err(wire::missing_scope(scope));
        }
    }
    Ok(t.grant)
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

fn json_content_type(route: &str, headers: &HeaderMap) -> Result<(), Response> {
    match content_type(headers) {
        Some("application/json" | "application/json; charset=utf-8" | "text/plain; charset=dropbox-cors-hack") => Ok(()),
        other => Err(wire::bad_input(
            route,
            &format!(
                "Bad HTTP \"Content-Type\" header: \"{}\".  Expecting one of \"application/json\", \"application/json; charset=utf-8\", \"text/plain; charset=dropbox-cors-hack\".",
                other.unwrap_or("")
            ),
        )),
    }
}

/// A Void argument: no body, or `null` with a JSON content type. `{}` is refused.
fn void_arg(route: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    json_content_type(route, headers)?;
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Null) => Ok(()),
        Ok(_) => Err(wire::bad_input(
            route,
            "request body: expected null, got value",
        )),
        Err(_) => Err(wire::bad_input(
            route,
            "request body: could not decode input as JSON",
        )),
    }
}

/// A struct argument as a JSON object.
pub(crate) fn struct_arg(route: &str, headers: &HeaderMap, body: &[u8]) -> Result<Args, Response> {
    json_content_type(route, headers)?;
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(wire::bad_input(
            route,
            &format!("request body: expected object, got {}", kind(&other)),
        )),
        Err(_) => Err(wire::bad_input(
            route,
            "request body: could not decode input as JSON",
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

pub(crate) fn req_str<'a>(route: &str, args: &'a Args, field: &str) -> Result<&'a str, Response> {
    match args.get(field) {
        Some(Value::String(s)) => Ok(s),
        None => Err(wire::bad_input(
            route,
            &format!("request body: missing required field '{field}'"),
        )),
        Some(other) => Err(wire::bad_input(
            route,
            &format!(
                "request body: {field}: expected string, got {}",
                kind(other)
            ),
        )),
    }
}

fn opt_bool(route: &str, args: &Args, field: &str) -> Result<bool, Response> {
    match args.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(wire::bad_input(
            route,
            &format!(
                "request body: {field}: expected boolean, got {}",
                kind(other)
            ),
        )),
    }
}

pub(crate) fn opt_range(
    route: &str,
    args: &Args,
    field: &str,
    lo: u64,
    hi: u64,
) -> Result<Option<u64>, Response> {
    match args.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if (lo..=hi).contains(&v) => Ok(Some(v)),
            _ => Err(wire::bad_input(
                route,
                &format!("request body: {field}: {n} is not within range [{lo}, {hi}]"),
            )),
        },
        Some(other) => Err(wire::bad_input(
            route,
            &format!(
                "request body: {field}: expected integer, got {}",
                kind(other)
            ),
        )),
    }
}

pub(crate) fn lookup_error(e: TreeError) -> Response {
    wire::path_error(match e {
        TreeError::NotFound => "not_found",
        TreeError::NotFolder => "not_folder",
        TreeError::NotFile => "not_file",
        TreeError::Malformed => "malformed_path",
        TreeError::Conflict => "not_found",
    })
}

/// Check a PathROrId (`list_folder`) against the spec's pattern, and the root rule.
pub(crate) fn check_list_path(route: &str, path: &str) -> Result<(), Response> {
    if path == "/" {
        return Err(wire::bad_input(
            route,
            "request body: path: Specify the root folder as an empty string rather than as \"/\".",
        ));
    }
    if !(path.is_empty()
        || path.starts_with('/')
        || path.starts_with("id:")
        || path.starts_with("ns:"))
    {
        return Err(wire::bad_input(
            route,
            &format!("request body: path: '{path}' did not match pattern '{PATH_PATTERN}'"),
        ));
    }
    if path.starts_with('/') {
        check_path(path).map_err(lookup_error)?;
    }
    Ok(())
}

pub async fn get_current_account(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    const ROUTE: &str = "users/get_current_account";
    let grant = bearer(&app, &headers, ROUTE, Some("account_info.read"))?;
    void_arg(ROUTE, &headers, &body)?;
    let a = {
        let s = app.lock();
        s.accounts[s.account_of(grant)].clone()
    };
    let initials: String = [&a.given_name, &a.surname]
        .iter()
        .filter_map(|n| n.chars().next())
        .collect();
    Ok(wire::ok(&json!({
        "account_id": a.account_id,
        "name": {
            "given_name": a.given_name,
            "surname": a.surname,
            "familiar_name": a.given_name,
            "display_name": format!("{} {}", a.given_name, a.surname).trim(),
            "abbreviated_name": initials,
        },
        "email": a.email,
        "email_verified": true,
        "disabled": false,
        "country": "GB",
        "locale": "en",
        "referral_link": "https://www.dropbox.com/referrals/AAfakebox?src=app9-0",
        "is_paired": false,
        "account_type": {".tag": "basic"},
        "root_info": {".tag": "user", "root_namespace_id": "3235641", "home_namespace_id": "3235641"},
    })))
}

pub async fn get_space_usage(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "users/get_space_usage";
    let grant = bearer(&app, &headers, ROUTE, Some("account_info.read"))?;
    void_arg(ROUTE, &headers, &body)?;
    let s = app.lock();
    let account = s.account_of(grant);
    Ok(wire::ok(&json!({
        "used": s.trees[account].total_size(),
        "allocation": {".tag": "individual", "allocated": s.accounts[account].allocated},
    })))
}

pub async fn revoke(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "auth/token/revoke";
    let grant = bearer(&app, &headers, ROUTE, None)?;
    void_arg(ROUTE, &headers, &body)?;
    app.lock().revoke_grant(grant);
    Ok(wire::ok(&Value::Null))
}

/// One page for a cursor: the listing's next page, or the changes since it finished.
fn page_for(app: &App, cursor: Cursor) -> Handled {
    let s = app.lock();
    let Some(tree) = s.trees.get(cursor.account) else {
        return Err(wire::route_error("reset"));
    };
    if cursor.epoch != tree.epoch {
        return Err(wire::route_error("reset"));
    }
    match tree.get(&cursor.folder) {
        None => return Err(wire::path_error("not_found")),
        Some(n) if !n.is_folder() => return Err(wire::path_error("not_folder")),
        Some(_) => {}
    }
    let (entries, next, has_more) = match &cursor.after {
        Some(after) => {
            // An empty key marks a listing that has not handed out anything yet.
            let after = (!after.is_empty()).then_some(after.as_str());
            let (mut entries, resume) =
                tree.list_page(&cursor.folder, cursor.recursive, after, cursor.limit);
            // What was deleted comes with the last page (Dropbox's limit is approximate).
            if resume.is_none() && cursor.deleted {
                entries.extend(tree.deleted_in(&cursor.folder, cursor.recursive));
            }
            let more = resume.is_some();
            (
                entries,
                Cursor {
                    after: resume,
                    ..cursor.clone()
                },
                more,
            )
        }
        None => {
            let (entries, upto, more) =
                tree.changes_since(&cursor.folder, cursor.recursive, cursor.since, cursor.limit);
            (
                entries,
                Cursor {
                    since: upto,
                    ..cursor
                },
                more,
            )
        }
    };
    Ok(wire::ok(&json!({
        "entries": entries,
        "cursor": next.encode(&app.cursor_key),
        "has_more": has_more,
    })))
}

/// Parse a ListFolderArg into a fresh cursor (before the first page) in `account`'s folder.
fn start_cursor(app: &App, route: &str, args: &Args, account: usize) -> Result<Cursor, Response> {
    let path = req_str(route, args, "path")?;
    check_list_path(route, path)?;
    let recursive = opt_bool(route, args, "recursive")?;
    let deleted = opt_bool(route, args, "include_deleted")?;
    let limit = opt_range(route, args, "limit", 1, 2000)?.map_or(DEFAULT_LIMIT, |l| l as usize);
    let s = app.lock();
    let tree = &s.trees[account];
    let folder = tree.resolve(path).map_err(lookup_error)?;
    if tree.get(&folder).is_some_and(|n| !n.is_folder()) {
        return Err(wire::path_error("not_folder"));
    }
    Ok(Cursor {
        folder,
        recursive,
        limit,
        after: Some(String::new()),
        since: tree.seq(),
        epoch: tree.epoch,
        account,
        deleted,
    })
}

pub async fn list_folder(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/list_folder";
    let grant = bearer(&app, &headers, ROUTE, Some("files.metadata.read"))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let account = app.lock().account_of(grant);
    let cursor = start_cursor(&app, ROUTE, &args, account)?;
    page_for(&app, cursor)
}

fn cursor_arg(app: &App, route: &str, args: &Args) -> Result<Cursor, Response> {
    let text = req_str(route, args, "cursor")?;
    Cursor::decode(text, &app.cursor_key)
        .ok_or_else(|| wire::bad_input(route, &format!("Invalid \"cursor\" parameter: '{text}'")))
}

pub async fn list_folder_continue(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    const ROUTE: &str = "files/list_folder/continue";
    let grant = bearer(&app, &headers, ROUTE, Some("files.metadata.read"))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let cursor = cursor_arg(&app, ROUTE, &args)?;
    if cursor.account != app.lock().account_of(grant) {
        // Another user's cursor is no cursor of this one.
        return Err(wire::bad_input(ROUTE, "Invalid \"cursor\" parameter"));
    }
    page_for(&app, cursor)
}

pub async fn get_latest_cursor(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/list_folder/get_latest_cursor";
    let grant = bearer(&app, &headers, ROUTE, Some("files.metadata.read"))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let account = app.lock().account_of(grant);
    let cursor = Cursor {
        after: None,
        ..start_cursor(&app, ROUTE, &args, account)?
    };
    Ok(wire::ok(&json!({"cursor": cursor.encode(&app.cursor_key)})))
}

pub async fn longpoll(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/list_folder/longpoll";
    if headers.contains_key(header::AUTHORIZATION) {
        return Err(wire::bad_input(
            ROUTE,
            "Your request includes an Authorization header, but this function does not use it.",
        ));
    }
    let args = struct_arg(ROUTE, &headers, &body)?;
    let cursor = cursor_arg(&app, ROUTE, &args)?;
    let timeout = opt_range(ROUTE, &args, "timeout", 30, 480)?.unwrap_or(30);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    let mut rx = app.changed.subscribe();
    loop {
        {
            let s = app.lock();
            let Some(tree) = s.trees.get(cursor.account) else {
                return Err(wire::route_error("reset"));
            };
            if cursor.epoch != tree.epoch {
                return Err(wire::route_error("reset"));
            }
            if tree.changed_since(&cursor.folder, cursor.recursive, cursor.since) {
                let mut answer = json!({"changes": true});
                if let Some(secs) = app.config.longpoll_backoff {
                    answer["backoff"] = json!(secs);
                }
                return Ok(wire::ok(&answer));
            }
        }
        tokio::select! {
            changed = rx.changed() => if changed.is_err() { break },
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    Ok(wire::ok(&json!({"changes": false})))
}

pub async fn get_metadata(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/get_metadata";
    let grant = bearer(&app, &headers, ROUTE, Some("files.metadata.read"))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let path = req_str(ROUTE, &args, "path")?;
    if path.is_empty() {
        return Err(wire::bad_input(
            ROUTE,
            "request body: path: The root folder is unsupported.",
        ));
    }
    check_list_path(ROUTE, path)?;
    let s = app.lock();
    let tree = &s.trees[s.account_of(grant)];
    let key = tree.resolve(path).map_err(lookup_error)?;
    Ok(wire::ok(&tree.metadata(&key, true).expect("resolved")))
}
