//! The write routes that put files in: `files/upload` and the upload sessions
//! (`upload_session/start`, `append_v2`, `finish` on the content host, `finish_batch_v2`
//! on the API host), and `create_folder_v2` for the folders that hold none, with Dropbox's
//! commit rules (`files.stone`'s `CommitInfo` and
//! `WriteMode`) and errors. Every commit is a change the long-poll and
//! `list_folder/continue` see.
//!
//! Commit rules, as Dropbox's documentation states them: names match without regard to
//! case; an identical file (same content hash) is left as it is and returned; `add` over a
//! different file and anything over a folder is a `conflict`, `overwrite` replaces,
//! `update` replaces only the revision named; `autorename` instead writes beside it
//! ("name (1).ext", or "name (conflicted copy).ext" for a stale `update`); parents are made
//! as needed, and a file in their way is a `file_ancestor` conflict. The bytes of a failed
//! `upload` stay in a closed session whose id the error carries, and those of a failed
//! `finish` stay in theirs, so the commit can be tried again.
//!
//! Choices where the reference is silent: sessions live in memory (their bytes too), a
//! session unused for [`SESSION_LIFE`] is `not_found`; the largest file is
//! `Config::max_file_size` (Dropbox's 2^41 − 2^22 bytes by default), the space is the
//! account's allocation (`Config::allocated`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::api::{bearer, struct_arg, Args, Handled};
use crate::content::content_arg;
use crate::files::{check_path, content_hash, Content, NewEntry, Tree, TreeError};
use crate::state::{random_token, App, State as Fakestate};
use crate::wire;

/// Most bytes one request may carry (Dropbox's limit, `upload` included).
pub const MAX_REQUEST: usize = 150 * 1024 * 1024;
/// A session is forgotten this long after it was last used (Dropbox: 7 days).
pub const SESSION_LIFE: Duration = Duration::from_secs(7 * 24 * 3600);
/// Dropbox's largest file: 2^41 − 2^22 bytes.
pub const MAX_FILE_SIZE: u64 = (1 << 41) - (1 << 22);
/// Most entries in one `finish_batch_v2`.
const MAX_BATCH: usize = 1000;
pub(crate) const WRITE_SCOPE: &str = "files.content.write";

/// An upload session's bytes so far.
#[derive(Debug)]
pub struct Session {
    account: usize,
    bytes: Vec<u8>,
    closed: bool,
    used: Instant,
}

/// The upload sessions of every account, by id.
#[derive(Debug, Default)]
pub struct Sessions(HashMap<String, Session>);

impl Sessions {
    fn open(&mut self, account: usize, bytes: Vec<u8>, closed: bool) -> String {
        let now = Instant::now();
        self.0
            .retain(|_, s| now.duration_since(s.used) < SESSION_LIFE);
        let id = format!("pid_upload_session:{}", random_token(40));
        self.0.insert(
            id.clone(),
            Session {
                account,
                bytes,
                closed,
                used: now,
            },
        );
        id
    }

    fn get(&mut self, id: &str, account: usize) -> Option<&mut Session> {
        let s = self.0.get_mut(id)?;
        if s.account != account || s.used.elapsed() >= SESSION_LIFE {
            return None;
        }
        s.used = Instant::now();
        Some(s)
    }
}

/// Why a commit did not write: a WriteError member (`conflict` with what is in the way,
/// `insufficient_space`, `malformed_path`, `disallowed_name`).
#[derive(Debug)]
pub(crate) enum WriteFailure {
    Conflict(&'static str),
    InsufficientSpace,
    Malformed,
}

impl WriteFailure {
    /// The WriteError union as JSON, and its tags for `error_summary`.
    pub(crate) fn error(&self) -> (Value, Vec<&'static str>) {
        match self {
            WriteFailure::Conflict(what) => (
                json!({".tag": "conflict", "conflict": {".tag": what}}),
                vec!["conflict", what],
            ),
            WriteFailure::InsufficientSpace => (
                json!({".tag": "insufficient_space"}),
                vec!["insufficient_space"],
            ),
            WriteFailure::Malformed => (json!({".tag": "malformed_path"}), vec!["malformed_path"]),
        }
    }
}

/// A commit's `mode`.
#[derive(Debug, PartialEq, Eq)]
enum Mode {
    Add,
    Overwrite,
    Update(String),
}

/// A parsed `CommitInfo`.
#[derive(Debug)]
struct Commit {
    path: String,
    mode: Mode,
    autorename: bool,
    client_modified: Option<i64>,
    strict_conflict: bool,
}

/// `%Y-%m-%dT%H:%M:%SZ` to Unix seconds.
fn parse_timestamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

fn bad(route: &str, field: &str, reason: &str) -> Response {
    wire::bad_input(route, &format!("request body: {field}: {reason}"))
}

pub(crate) fn opt_bool(route: &str, args: &Args, field: &str) -> Result<bool, Response> {
    match args.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad(route, field, "expected boolean")),
    }
}

/// Parse a `CommitInfo` (both `mode` forms, explicit defaults, fields the SDKs send):
/// `within` names where it is in the argument (`""` for the argument itself).
fn commit_arg(route: &str, within: &str, v: Option<&Value>) -> Result<Commit, Response> {
    let Some(Value::Object(args)) = v else {
        return Err(bad(route, within, "missing required field"));
    };
    let field = |name: &str| {
        if within.is_empty() {
            name.to_string()
        } else {
            format!("{within}.{name}")
        }
    };
    let path = match args.get("path") {
        Some(Value::String(p)) => p.clone(),
        _ => return Err(bad(route, &field("path"), "missing required field")),
    };
    if !path.starts_with('/') {
        return Err(bad(
            route,
            &field("path"),
            &format!("'{path}' did not match pattern '(/(.|[\\r\\n])*)|(ns:[0-9]+(/.*)?)|(id:.*)'"),
        ));
    }
    let mode = match args.get("mode") {
        None | Some(Value::Null) => Mode::Add,
        Some(Value::String(t)) if t == "add" => Mode::Add,
        Some(Value::String(t)) if t == "overwrite" => Mode::Overwrite,
        Some(Value::Object(m)) => match (m.get(".tag").and_then(Value::as_str), m.get("update")) {
            (Some("add"), _) => Mode::Add,
            (Some("overwrite"), _) => Mode::Overwrite,
            (Some("update"), Some(Value::String(rev))) => Mode::Update(rev.clone()),
            _ => return Err(bad(route, &field("mode"), "unknown tag")),
        },
        Some(_) => return Err(bad(route, &field("mode"), "unknown tag")),
    };
    let client_modified = match args.get("client_modified") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) => Some(parse_timestamp(t).ok_or_else(|| {
            bad(
                route,
                &field("client_modified"),
                &format!("time data '{t}' does not match format '%Y-%m-%dT%H:%M:%SZ'"),
            )
        })?),
        Some(_) => return Err(bad(route, &field("client_modified"), "expected string")),
    };
    Ok(Commit {
        path,
        mode,
        autorename: opt_bool(route, args, "autorename")?,
        client_modified,
        strict_conflict: opt_bool(route, args, "strict_conflict")?,
    })
}

/// "name (n).ext" beside `path`, or "name (conflicted copy).ext" for a stale update: the
/// first such name not taken.
pub(crate) fn beside(tree: &Tree, path: &str, conflicted: bool) -> String {
    let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (1..)
        .map(|n| match (conflicted, n) {
            (true, 1) => format!("{parent}/{stem} (conflicted copy){ext}"),
            (true, n) => format!("{parent}/{stem} (conflicted copy {n}){ext}"),
            (false, n) => format!("{parent}/{stem} ({n}){ext}"),
        })
        .find(|p| tree.get(&p.to_lowercase()).is_none())
        .expect("some name is free")
}

/// Write `bytes` as the commit says, or say why not. Returns the file's metadata (no
/// `.tag`) and whether anything changed.
fn commit(
    s: &mut Fakestate,
    account: usize,
    commit: &Commit,
    bytes: &[u8],
) -> Result<(Value, bool), WriteFailure> {
    check_path(&commit.path).map_err(|_| WriteFailure::Malformed)?;
    let hash = content_hash(bytes);
    let tree = &s.trees[account];
    file_in_the_way(tree, &commit.path)?;
    let key = commit.path.to_lowercase();
    let mut path = commit.path.clone();
    if let Some(node) = tree.get(&key) {
        let conflict = match &node.file {
            None => Some("folder"),
            Some(f) if f.content_hash == hash => {
                // An identical file is left as it is (a strict commit calls it a conflict).
                if commit.strict_conflict {
                    Some("file")
                } else {
                    return Ok((tree.metadata(&key, false).expect("exists"), false));
                }
            }
            Some(f) => match &commit.mode {
                Mode::Add => Some("file"),
                Mode::Overwrite => None,
                Mode::Update(rev) if *rev == f.rev => None,
                Mode::Update(_) => Some("file"),
            },
        };
        if let Some(what) = conflict {
            if !commit.autorename {
                return Err(WriteFailure::Conflict(what));
            }
            path = beside(tree, &commit.path, matches!(commit.mode, Mode::Update(_)));
        }
    } else if let Mode::Update(_) = commit.mode {
        // Updating a revision of a file that is not there: written as new (Dropbox keeps
        // the bytes rather than lose them), unless the commit is strict.
        if commit.strict_conflict {
            return Err(WriteFailure::Conflict("file"));
        }
    }
    let replaced = tree
        .get(&path.to_lowercase())
        .and_then(|n| n.file.as_ref())
        .map_or(0, |f| f.content.len());
    let used = tree.total_size() - replaced;
    if used + bytes.len() as u64 > s.accounts[account].allocated {
        return Err(WriteFailure::InsufficientSpace);
    }
    let now = crate::wire::now_unix();
    let tree = &mut s.trees[account];
    let key = tree
        .add(NewEntry {
            path,
            folder: false,
            content: Content::Bytes(bytes.into()),
            content_hash: Some(hash),
            modified: now,
        })
        .map_err(|e| match e {
            TreeError::Conflict => WriteFailure::Conflict("file_ancestor"),
            _ => WriteFailure::Malformed,
        })?;
    if let Some(when) = commit.client_modified {
        tree.set_client_modified(&key, when);
    }
    Ok((tree.metadata(&key, false).expect("written"), true))
}

/// A file where a parent folder of `path` would be is a `file_ancestor` conflict.
pub(crate) fn file_in_the_way(tree: &Tree, path: &str) -> Result<(), WriteFailure> {
    let mut ancestor = String::new();
    for part in path.split('/').skip(1) {
        if !ancestor.is_empty() || !part.is_empty() {
            if let Some(node) = tree.get(&ancestor.to_lowercase()) {
                if !node.is_folder() {
                    return Err(WriteFailure::Conflict("file_ancestor"));
                }
            }
        }
        ancestor = format!("{ancestor}/{part}");
    }
    Ok(())
}

/// `files/create_folder_v2`: a folder, and any parents missing. A name taken by a file or
/// a folder is a `conflict` (`path/conflict/folder` for a folder) unless `autorename`,
/// which makes "name (1)" instead. The answer is `{"metadata": FolderMetadata}`.
pub async fn create_folder_v2(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/create_folder_v2";
    let grant = bearer(&app, &headers, ROUTE, Some(WRITE_SCOPE))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let path = crate::api::req_str(ROUTE, &args, "path")?.to_string();
    let autorename = opt_bool(ROUTE, &args, "autorename")?;
    let mut s = app.lock();
    let account = s.account_of(grant);
    match make_folder(&mut s.trees[account], &path, autorename) {
        Ok(meta) => {
            drop(s);
            changed(&app, account);
            Ok(wire::ok(&json!({ "metadata": meta })))
        }
        Err(failure) => {
            let (reason, tags) = failure.error();
            let mut summary = vec!["path"];
            summary.extend(tags);
            Err(conflict(&summary, json!({".tag": "path", "path": reason})))
        }
    }
}

fn make_folder(tree: &mut Tree, path: &str, autorename: bool) -> Result<Value, WriteFailure> {
    check_path(path).map_err(|_| WriteFailure::Malformed)?;
    file_in_the_way(tree, path)?;
    let mut path = path.to_string();
    if let Some(node) = tree.get(&path.to_lowercase()) {
        if !autorename {
            return Err(WriteFailure::Conflict(if node.is_folder() {
                "folder"
            } else {
                "file"
            }));
        }
        path = beside(tree, &path, false);
    }
    let key = tree
        .add(NewEntry {
            path,
            folder: true,
            content: Content::Zeros(0),
            content_hash: None,
            modified: crate::wire::now_unix(),
        })
        .map_err(|e| match e {
            TreeError::Conflict => WriteFailure::Conflict("file_ancestor"),
            _ => WriteFailure::Malformed,
        })?;
    Ok(tree.metadata(&key, false).expect("made"))
}

/// The upload-style request: the argument (`Dropbox-API-Arg` or `arg`) and the body's
/// content type checked.
fn upload_arg(route: &str, query: Option<&str>, headers: &HeaderMap) -> Result<Args, Response> {
    match headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some("application/octet-stream" | "text/plain; charset=dropbox-cors-hack") => {}
        other => {
            return Err(wire::bad_input(
                route,
                &format!(
                    "Bad HTTP \"Content-Type\" header: \"{}\".  Expecting one of \"application/octet-stream\", \"text/plain; charset=dropbox-cors-hack\".",
                    other.unwrap_or("")
                ),
            ))
        }
    }
    content_arg(route, query, headers)
}

/// A request's bytes: at most [`MAX_REQUEST`], and matching its `content_hash` if it
/// gives one (the hash of this request's bytes only).
fn check_body(route: &str, args: &Args, bytes: &[u8]) -> Result<(), Response> {
    if bytes.len() > MAX_REQUEST {
        return Err(conflict(
            &["payload_too_large"],
            json!({".tag": "payload_too_large"}),
        ));
    }
    let matches = match args.get("content_hash") {
        None | Some(Value::Null) => true,
        Some(Value::String(h)) if h.len() == 64 => *h == content_hash(bytes),
        Some(_) => {
            return Err(bad(
                route,
                "content_hash",
                "expected a 64-character hex string",
            ))
        }
    };
    if matches {
        Ok(())
    } else {
        Err(conflict(
            &["content_hash_mismatch"],
            json!({".tag": "content_hash_mismatch"}),
        ))
    }
}

/// A 409 route error: its union tags (for `error_summary`) and its JSON.
/// A route's 409: its `error_summary` tags and its `error`.
pub(crate) struct Refusal {
    pub(crate) tags: Vec<&'static str>,
    pub(crate) error: Value,
}

impl Refusal {
    pub(crate) fn new(tags: &[&'static str], error: Value) -> Self {
        Refusal {
            tags: tags.to_vec(),
            error,
        }
    }
}

impl From<Refusal> for Response {
    fn from(r: Refusal) -> Response {
        wire::json(
            StatusCode::CONFLICT,
            &json!({"error_summary": wire::error_summary(&r.tags), "error": r.error}),
        )
    }
}

pub(crate) fn conflict(tags: &[&'static str], error: Value) -> Response {
    Refusal::new(tags, error).into()
}

/// Tell long-polls that an account's folder changed.
pub(crate) fn changed(app: &App, account: usize) {
    let seq = app.lock().trees[account].seq();
    app.notify_changed(seq);
}

/// `files/upload`: one request, at most 150 MiB.
pub async fn upload(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    const ROUTE: &str = "files/upload";
    let grant = bearer(&app, &headers, ROUTE, Some(WRITE_SCOPE))?;
    let args = upload_arg(ROUTE, query.as_deref(), &headers)?;
    let info = commit_arg(ROUTE, "", Some(&Value::Object(args.clone())))?;
    check_body(ROUTE, &args, &body)?;
    let mut s = app.lock();
    let account = s.account_of(grant);
    match commit(&mut s, account, &info, &body) {
        Ok((meta, wrote)) => {
            drop(s);
            if wrote {
                changed(&app, account);
            }
            Ok(wire::ok(&meta))
        }
        Err(failure) => {
            // The bytes stay in a closed session, so the commit can be tried again.
            let id = s.sessions.open(account, body.to_vec(), true);
            let (reason, tags) = failure.error();
            let mut summary = vec!["path"];
            summary.extend(tags);
            Err(conflict(
                &summary,
                json!({".tag": "path", "reason": reason, "upload_session_id": id}),
            ))
        }
    }
}

/// The lookup errors of a session cursor, flat (`append_v2`) or under `lookup_failed`
/// (`finish`).
fn lookup_failed(nested: bool, tag: &'static str, correct_offset: Option<u64>) -> Refusal {
    let mut inner = json!({".tag": tag});
    if let Some(at) = correct_offset {
        inner["correct_offset"] = json!(at);
    }
    if nested {
        Refusal::new(
            &["lookup_failed", tag],
            json!({".tag": "lookup_failed", "lookup_failed": inner}),
        )
    } else {
        Refusal::new(&[tag], inner)
    }
}

/// A cursor `{session_id, offset}` from an argument.
fn cursor_arg(route: &str, v: Option<&Value>) -> Result<(String, u64), Response> {
    let Some(Value::Object(c)) = v else {
        return Err(bad(route, "cursor", "missing required field"));
    };
    let id = c
        .get("session_id")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(route, "cursor.session_id", "missing required field"))?;
    let offset = c
        .get("offset")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad(route, "cursor.offset", "missing required field"))?;
    Ok((id.to_string(), offset))
}

/// Add `bytes` to a session at `offset`, as `append_v2` and `finish` do; the error is the
/// lookup tag and, for a wrong offset, the offset Dropbox has.
fn append(
    s: &mut Fakestate,
    max_file: u64,
    account: usize,
    id: &str,
    offset: u64,
    bytes: &[u8],
    close: bool,
) -> Result<(), (&'static str, Option<u64>)> {
    let session = s.sessions.get(id, account).ok_or(("not_found", None))?;
    let have = session.bytes.len() as u64;
    if offset != have {
        return Err(("incorrect_offset", Some(have)));
    }
    if session.closed && !bytes.is_empty() {
        return Err(("closed", None));
    }
    if have + bytes.len() as u64 > max_file {
        return Err(("too_large", None));
    }
    session.bytes.extend_from_slice(bytes);
    session.closed |= close;
    Ok(())
}

/// `upload_session/start`: a new session with the first bytes (maybe none).
pub async fn start(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    const ROUTE: &str = "files/upload_session/start";
    let grant = bearer(&app, &headers, ROUTE, Some(WRITE_SCOPE))?;
    let args = upload_arg(ROUTE, query.as_deref(), &headers)?;
    let close = opt_bool(ROUTE, &args, "close")?;
    if let Some(Value::Object(t)) = args.get("session_type") {
        if t.get(".tag").and_then(Value::as_str) == Some("concurrent") {
            return Err(wire::bad_input(
                ROUTE,
                "fakebox takes sequential upload sessions only",
            ));
        }
    }
    check_body(ROUTE, &args, &body)?;
    let mut s = app.lock();
    let account = s.account_of(grant);
    let id = s.sessions.open(account, body.to_vec(), close);
    Ok(wire::ok(&json!({"session_id": id})))
}

/// `upload_session/append_v2`: more bytes at the offset the session has.
pub async fn append_v2(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    const ROUTE: &str = "files/upload_session/append_v2";
    let grant = bearer(&app, &headers, ROUTE, Some(WRITE_SCOPE))?;
    let args = upload_arg(ROUTE, query.as_deref(), &headers)?;
    let (id, offset) = cursor_arg(ROUTE, args.get("cursor"))?;
    let close = opt_bool(ROUTE, &args, "close")?;
    check_body(ROUTE, &args, &body)?;
    let max_file = app.config.max_file_size;
    let mut s = app.lock();
    let account = s.account_of(grant);
    let answer = match append(&mut s, max_file, account, &id, offset, &body, close) {
        Ok(()) => wire::ok(&Value::Null),
        Err((tag, at)) => Response::from(lookup_failed(false, tag, at)),
    };
    Ok(with_cursor_logged(answer, offset, body.len()))
}

/// The log says where in its session a request's bytes went, so a test can tell a
/// resumed upload from one started over.
fn with_cursor_logged(mut answer: Response, offset: u64, len: usize) -> Response {
    answer
        .extensions_mut()
        .insert(crate::LogDetail(format!("offset={offset} bytes={len}")));
    answer
}

/// A session to commit: its cursor, the last bytes, the commit, and whether it must have
/// been closed before (a batch's sessions must).
struct Finish<'a> {
    id: &'a str,
    offset: u64,
    last: &'a [u8],
    info: &'a Commit,
    must_be_closed: bool,
}

/// Commit a session's bytes; the error is an `UploadSessionFinishError`.
fn finish_one(
    s: &mut Fakestate,
    max_file: u64,
    account: usize,
    f: Finish,
) -> Result<(Value, bool), Refusal> {
    let Finish {
        id,
        offset,
        last,
        info,
        must_be_closed,
    } = f;
    append(s, max_file, account, id, offset, last, false)
        .map_err(|(tag, at)| lookup_failed(true, tag, at))?;
    let session = s.sessions.get(id, account).expect("appended");
    if must_be_closed && !session.closed {
        return Err(lookup_failed(true, "not_closed", None));
    }
    let bytes = std::mem::take(&mut session.bytes);
    match commit(s, account, info, &bytes) {
        Ok(done) => {
            s.sessions.0.remove(id);
            Ok(done)
        }
        Err(failure) => {
            // The bytes stay in the session: the commit can be tried again.
            if let Some(session) = s.sessions.get(id, account) {
                session.bytes = bytes;
            }
            let (reason, tags) = failure.error();
            let mut summary = vec!["path"];
            summary.extend(tags);
            Err(Refusal::new(
                &summary,
                json!({".tag": "path", "path": reason}),
            ))
        }
    }
}

/// `upload_session/finish`: the last bytes (maybe none), then the commit.
pub async fn finish(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    const ROUTE: &str = "files/upload_session/finish";
    let grant = bearer(&app, &headers, ROUTE, Some(WRITE_SCOPE))?;
    let args = upload_arg(ROUTE, query.as_deref(), &headers)?;
    let (id, offset) = cursor_arg(ROUTE, args.get("cursor"))?;
    let info = commit_arg(ROUTE, "commit", args.get("commit"))?;
    check_body(ROUTE, &args, &body)?;
    let max_file = app.config.max_file_size;
    let mut s = app.lock();
    let account = s.account_of(grant);
    let finish = Finish {
        id: &id,
        offset,
        last: &body,
        info: &info,
        must_be_closed: false,
    };
    let answer = match finish_one(&mut s, max_file, account, finish) {
        Ok((meta, wrote)) => {
            drop(s);
            if wrote {
                changed(&app, account);
            }
            wire::ok(&meta)
        }
        Err(refusal) => Response::from(refusal),
    };
    Ok(with_cursor_logged(answer, offset, body.len()))
}

/// `upload_session/finish_batch_v2`: up to 1,000 closed sessions committed at once, each
/// entry succeeding or failing on its own, in the order given.
pub async fn finish_batch_v2(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/upload_session/finish_batch_v2";
    let grant = bearer(&app, &headers, ROUTE, Some(WRITE_SCOPE))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let Some(Value::Array(entries)) = args.get("entries") else {
        return Err(bad(ROUTE, "entries", "missing required field"));
    };
    if entries.len() > MAX_BATCH {
        return Err(bad(
            ROUTE,
            "entries",
            &format!("list has more than {MAX_BATCH} items"),
        ));
    }
    let mut parsed = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let cursor = cursor_arg(ROUTE, entry.get("cursor")).map_err(|_| {
            bad(
                ROUTE,
                &format!("entries[{i}].cursor"),
                "missing required field",
            )
        })?;
        let info = commit_arg(ROUTE, &format!("entries[{i}].commit"), entry.get("commit"))?;
        parsed.push((cursor, info));
    }
    let max_file = app.config.max_file_size;
    let mut s = app.lock();
    let account = s.account_of(grant);
    let mut wrote_any = false;
    let mut results = Vec::with_capacity(parsed.len());
    for ((id, offset), info) in &parsed {
        let finish = Finish {
            id,
            offset: *offset,
            last: &[],
            info,
            must_be_closed: true,
        };
        match finish_one(&mut s, max_file, account, finish) {
            Ok((mut meta, wrote)) => {
                wrote_any |= wrote;
                meta[".tag"] = json!("success");
                results.push(meta);
            }
            Err(refusal) => results.push(json!({".tag": "failure", "failure": refusal.error})),
        }
    }
    drop(s);
    if wrote_any {
        changed(&app, account);
    }
    Ok(wire::ok(&json!({"entries": results})))
}
