//! The one writer of the core's sentences: every typed outcome and error of the core
//! becomes what the window shows, in the desktop's language (the words are in
//! `ui/locales/<language>/core.ftl`, see `phrasebook.rs`). A [`Problem`] has a stable
//! `code` (tests and the UI match on it), a title, a message a person can act on, and the
//! action the banner offers. Every match here is exhaustive, so a new error does not
//! compile until it is worded. Never includes a token (none of the types worded here can
//! hold one).

use fluent_bundle::{FluentArgs, FluentValue};
use oauth2::basic::BasicErrorResponseType;

use crate::auth::{PortsBusy, TokenError};
use crate::browser;
use crate::config::{self, ConfigError, Source};
use crate::dropbox::{ApiError, AuthError, PathError, RouteError};
use crate::error::{FileProblem, SessionError};
use crate::files::{self, Phase};
use crate::phrasebook::{self, args, text};
use crate::session::{ConnectOutcome, Heard, Revoke};
use crate::vault::{Store, VaultError};
use crate::view::{self, AccountView, Action, ConnectResult, Disconnected, Problem, Status};

/// How long the window waits before it tries again by itself after a transient problem
/// that gave no wait of its own. Rust's retry policy has already tried a few times.
const RETRY_IN_SECS: u64 = 10;

/// The problem `code` worded by message `id` (its value and its `title`) with `args`.
fn problem(code: &'static str, id: &str, args: FluentArgs, action: Action) -> Problem {
    let book = phrasebook::desktop();
    Problem {
        code,
        title: book.attribute(id, "title", &args),
        message: book.say(id, &args),
        action,
        retry_in: None,
        as_of: None,
    }
}

/// The text of message `id` with `args`.
fn say(id: &str, args: FluentArgs) -> String {
    phrasebook::desktop().say(id, &args)
}

fn no_args() -> FluentArgs<'static> {
    FluentArgs::new()
}

/// Any failure of a session call.
pub fn session(e: &SessionError) -> Problem {
    let mut p = match e {
        SessionError::Vault(v) => keychain(v),
        SessionError::Api(a) => api(a),
        SessionError::Token(t) => token(t),
        SessionError::Ports(p) => ports(p),
        SessionError::File(f) => file(f),
        SessionError::Revoked => revoked(),
        SessionError::AuthFailed { error, description } => problem(
            "authorize_failed",
            "authorize-failed",
            args([("error", text(error)), ("description", text(description))]),
            Action::Reconnect,
        ),
        SessionError::CodeRefused => {
            problem("code_refused", "code-refused", no_args(), Action::Dismiss)
        }
        SessionError::ListenerFailed => problem(
            "listener_failed",
            "listener-failed",
            no_args(),
            Action::Reconnect,
        ),
        SessionError::NotConnected => problem(
            "not_connected",
            "not-connected",
            no_args(),
            Action::Reconnect,
        ),
        SessionError::NotWaiting => {
            problem("not_waiting", "not-waiting", no_args(), Action::Dismiss)
        }
    };
    if e.is_transient() {
        let secs = match e {
            SessionError::Api(ApiError::RateLimited { retry_after }) => retry_after.as_secs(),
            _ => RETRY_IN_SECS,
        };
        p.retry_in = Some(secs);
        let again = say("retries-by-itself", args([("seconds", secs.into())]));
        p.message = format!("{} {again}", p.message);
    }
    p
}

impl From<SessionError> for Problem {
    fn from(e: SessionError) -> Self {
        session(&e)
    }
}

fn keychain(e: &VaultError) -> Problem {
    match e {
        VaultError::Unavailable(detail) => problem(
            "keychain_unavailable",
            "keychain-unavailable",
            args([("detail", text(detail))]),
            Action::Retry,
        ),
        VaultError::Locked(_) => problem(
            "keychain_locked",
            "keychain-locked",
            no_args(),
            Action::Retry,
        ),
        VaultError::Timeout => problem(
            "keychain_timeout",
            "keychain-timeout",
            no_args(),
            Action::Retry,
        ),
        VaultError::Corrupt => problem(
            "keychain_corrupt",
            "keychain-corrupt",
            no_args(),
            Action::Reconnect,
        ),
        VaultError::Overtaken => problem(
            "keychain_overtaken",
            "keychain-overtaken",
            no_args(),
            Action::Reconnect,
        ),
        VaultError::Other(detail) => problem(
            "keychain_error",
            "keychain-error",
            args([("detail", text(detail))]),
            Action::Retry,
        ),
    }
}

fn api(e: &ApiError) -> Problem {
    match e {
        ApiError::Network(_) => problem("offline", "offline", no_args(), Action::Retry),
        ApiError::RateLimited { retry_after } => problem(
            "rate_limited",
            "rate-limited",
            args([("seconds", retry_after.as_secs().into())]),
            Action::Retry,
        ),
        ApiError::Server { status } => problem(
            "server_error",
            "server-error",
            args([("status", status.into())]),
            Action::Retry,
        ),
        ApiError::Unauthorized(tag) => unauthorized(*tag),
        ApiError::Route {
            route: name,
            error,
            summary,
        } if name.starts_with("files/upload") => upload_route(*error, summary),
        ApiError::Route { error, summary, .. } => route(*error, summary),
        ApiError::BadRequest { route, status } => problem(
            "bad_request",
            "bad-request",
            args([("route", text(route)), ("status", status.into())]),
            Action::Retry,
        ),
        ApiError::Decode(_) => problem("bad_answer", "bad-answer", no_args(), Action::Retry),
        ApiError::Untrusted => problem("untrusted", "untrusted", no_args(), Action::Retry),
    }
}

fn unauthorized(tag: AuthError) -> Problem {
    match tag {
        AuthError::MissingScope => problem(
            "missing_scope",
            "missing-scope",
            no_args(),
            Action::Reconnect,
        ),
        AuthError::UserSuspended => problem(
            "account_suspended",
            "account-suspended",
            no_args(),
            Action::Reconnect,
        ),
        AuthError::ExpiredAccessToken | AuthError::InvalidAccessToken | AuthError::Other => {
            problem(
                "sign_in_refused",
                "sign-in-refused",
                no_args(),
                Action::Reconnect,
            )
        }
    }
}

/// A size as the window writes it: decimal units, one decimal below 100 ("1.5 GB"), with
/// the language's decimal point.
fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut n = bytes as f64;
    let mut unit = 0;
    while n >= 1000.0 && unit < UNITS.len() - 1 {
        n /= 1000.0;
        unit += 1;
    }
    let digits = if unit == 0 || n >= 100.0 { 0 } else { 1 };
    let number = format!("{n:.digits$}").replace('.', &say("decimal-point", no_args()));
    format!("{number} {}", UNITS[unit])
}

/// Why Dropbox did not take a file.
fn upload_route(error: RouteError, summary: &str) -> Problem {
    use crate::dropbox::Conflict;
    match error {
        RouteError::Path {
            path: PathError::Conflict { conflict },
        } => match conflict {
            Conflict::FileAncestor => problem(
                "file_in_the_way",
                "file-in-the-way",
                no_args(),
                Action::Retry,
            ),
            _ => problem(
                "name_taken",
                "name-taken-meanwhile",
                no_args(),
                Action::Dismiss,
            ),
        },
        RouteError::Path {
            path: PathError::InsufficientSpace,
        } => problem(
            "insufficient_space",
            "insufficient-space",
            no_args(),
            Action::Retry,
        ),
        RouteError::Path {
            path: PathError::DisallowedName | PathError::MalformedPath,
        } => problem("name_refused", "name-not-taken", no_args(), Action::Dismiss),
        RouteError::TooLarge
        | RouteError::LookupFailed {
            lookup_failed: crate::dropbox::UploadSessionError::TooLarge,
        } => problem(
            "file_too_large",
            "file-too-large",
            no_args(),
            Action::Dismiss,
        ),
        RouteError::ContentHashMismatch => file(&FileProblem::UploadDamaged),
        _ => problem(
            "upload_failed",
            "upload-failed",
            args([("summary", text(summary))]),
            Action::Retry,
        ),
    }
}

fn route(error: RouteError, summary: &str) -> Problem {
    match error {
        RouteError::Path {
            path: PathError::NotFound | PathError::NotFolder,
        } => problem(
            "folder_not_found",
            "folder-not-found",
            no_args(),
            Action::Retry,
        ),
        RouteError::Reset => problem("listing_reset", "listing-reset", no_args(), Action::Retry),
        _ => problem(
            "route_error",
            "route-error",
            args([("summary", text(summary))]),
            Action::Retry,
        ),
    }
}

fn token(e: &TokenError) -> Problem {
    match e {
        TokenError::Unavailable(_) => problem(
            "sign_in_server_unreachable",
            "sign-in-server-unreachable",
            no_args(),
            Action::Retry,
        ),
        TokenError::Rejected { error, .. } => {
            let why = match error {
                BasicErrorResponseType::InvalidGrant => "invalid-grant",
                BasicErrorResponseType::InvalidClient
                | BasicErrorResponseType::UnauthorizedClient => "invalid-client",
                BasicErrorResponseType::InvalidScope => "invalid-scope",
                BasicErrorResponseType::InvalidRequest
                | BasicErrorResponseType::UnsupportedGrantType
                | BasicErrorResponseType::Extension(_) => "other",
            };
            problem(
                "sign_in_refused_by_dropbox",
                "sign-in-refused-by-dropbox",
                args([("error", text(error)), ("why", why.into())]),
                Action::Reconnect,
            )
        }
    }
}

fn file(f: &FileProblem) -> Problem {
    match f {
        FileProblem::Disk { folder, kind } => {
            let why = match kind {
                std::io::ErrorKind::StorageFull => "full",
                std::io::ErrorKind::PermissionDenied => "denied",
                _ => "other",
            };
            problem(
                "file_not_written",
                "file-not-written",
                args([("folder", text(folder)), ("why", why.into())]),
                Action::Retry,
            )
        }
        FileProblem::Corrupt => problem("file_corrupt", "file-corrupt", no_args(), Action::Retry),
        FileProblem::NameNotAllowed => problem(
            "file_name_not_allowed",
            "file-name-not-allowed",
            no_args(),
            Action::Dismiss,
        ),
        FileProblem::Gone => problem("file_gone", "file-gone", no_args(), Action::Dismiss),
        FileProblem::Changed => problem("file_changed", "file-changed", no_args(), Action::Dismiss),
        FileProblem::Cancelled => problem(
            "transfer_cancelled",
            "transfer-cancelled",
            no_args(),
            Action::Dismiss,
        ),
        FileProblem::IsProgram => problem("is_program", "is-program", no_args(), Action::Dismiss),
        FileProblem::Unreadable { file, kind } => {
            let why = match kind {
                std::io::ErrorKind::PermissionDenied => "denied",
                std::io::ErrorKind::NotFound => "gone",
                _ => "other",
            };
            problem(
                "file_unreadable",
                "file-unreadable",
                args([("file", text(file)), ("why", why.into())]),
                Action::Retry,
            )
        }
        FileProblem::ChangedWhileUploading { file } => problem(
            "file_changed_here",
            "file-changed-here",
            args([("file", text(file))]),
            Action::Retry,
        ),
        FileProblem::NotAFile => problem("not_a_file", "not-a-file", no_args(), Action::Dismiss),
        FileProblem::NotAllUploaded {
            refused,
            first,
            why,
        } => problem(
            "not_all_uploaded",
            "not-all-uploaded",
            args([
                ("refused", refused.into()),
                ("first", text(first)),
                ("why", session(why).message.into()),
            ]),
            Action::Retry,
        ),
        FileProblem::NoRoom { needed, free } => problem(
            "insufficient_space",
            "no-room",
            args([
                ("needed", size_text(*needed).into()),
                ("free", size_text(*free).into()),
            ]),
            Action::Retry,
        ),
        FileProblem::NameRefused(why) => {
            use crate::files::names::{NameProblem, MAX_NAME_BYTES};
            let why = match why {
                NameProblem::Empty => "empty",
                NameProblem::Dots => "dots",
                NameProblem::Slash => "slash",
                NameProblem::SpaceAtEnd => "space-at-end",
                NameProblem::TooLong => "too-long",
                NameProblem::Reserved => "reserved",
            };
            problem(
                "name_refused",
                "name-refused",
                args([("why", why.into()), ("bytes", MAX_NAME_BYTES.into())]),
                Action::Dismiss,
            )
        }
        FileProblem::NameTaken { name } => problem(
            "name_taken",
            "name-taken",
            args([("name", text(name))]),
            Action::Dismiss,
        ),
        FileProblem::IntoItself => {
            problem("into_itself", "into-itself", no_args(), Action::Dismiss)
        }
        FileProblem::UploadDamaged => {
            problem("upload_damaged", "upload-damaged", no_args(), Action::Retry)
        }
        FileProblem::NoOpener => problem("no_opener", "no-opener", no_args(), Action::Dismiss),
    }
}

fn ports(p: &PortsBusy) -> Problem {
    let list = p
        .ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    problem(
        "ports_busy",
        "ports-busy",
        args([("ports", list.into())]),
        Action::Retry,
    )
}

pub fn revoked() -> Problem {
    problem("revoked", "revoked", no_args(), Action::Reconnect)
}

/// Where the Dropbox app key in use came from, for the account panel and the log (never
/// the key itself); `None` for the demo's.
pub fn key_source(from: Option<&Source>) -> Option<String> {
    let (source, file) = match from? {
        Source::BuiltIn => ("built-in", String::new()),
        Source::Environment => ("environment", String::new()),
        Source::File(path) => ("file", path.display().to_string()),
    };
    Some(say(
        "key-source",
        args([("source", source.into()), ("file", text(file))]),
    ))
}

/// A setting that cannot be used: the window opens only to say so.
pub fn settings(e: &ConfigError) -> Problem {
    let (origin, file) = match &e.origin {
        Source::File(path) => ("file", path.display().to_string()),
        Source::Environment => ("environment", String::new()),
        Source::BuiltIn => ("built-in", String::new()),
    };
    let key: FluentValue = match (&e.key, e.at_byte) {
        (Some(key), _) => text(key),
        (None, Some(at)) => say("settings-file-at", args([("byte", at.into())])).into(),
        (None, None) => say("settings-whole-file", no_args()).into(),
    };
    let what = match &e.problem {
        config::Problem::Unreadable(io) => say("settings-unreadable", args([("detail", text(io))])),
        config::Problem::Invalid(detail) => {
            say("settings-invalid", args([("detail", text(detail))]))
        }
        config::Problem::UnknownKey => say("settings-unknown-key", no_args()),
        config::Problem::AppKey => say("settings-app-key", no_args()),
        config::Problem::NoPorts => say("settings-no-ports", no_args()),
        config::Problem::NotPortList(t) => say("settings-not-port-list", args([("text", text(t))])),
        config::Problem::Port(p) => say("settings-port", args([("port", p.into())])),
        config::Problem::Timeout(secs) => say("settings-timeout", args([("seconds", secs.into())])),
        config::Problem::NotUrl(t) => say("settings-not-url", args([("text", text(t))])),
        config::Problem::Insecure(t) => say("settings-insecure", args([("text", text(t))])),
    };
    problem(
        "settings",
        "settings",
        args([
            ("origin", origin.into()),
            ("file", text(file)),
            ("key", key),
            ("what", what.into()),
        ]),
        Action::Dismiss,
    )
}

/// A build with no app key of its own and no demo, started with none configured: where
/// to put one.
pub fn no_app_key(file_place: Option<&std::path::Path>) -> Problem {
    let file = file_place.map_or_else(
        || say("the-settings-file", no_args()).into(),
        |p| text(p.display()),
    );
    problem(
        "no_app_key",
        "no-app-key",
        args([("file", file)]),
        Action::Dismiss,
    )
}

/// The built-in emulator of the demo did not start.
pub fn demo_failed(detail: &str) -> Problem {
    problem(
        "demo_failed",
        "demo-failed",
        args([("detail", text(detail))]),
        Action::Dismiss,
    )
}

/// A native file dialog Dropdesk opens.
#[derive(Clone, Copy, Debug)]
pub enum FileDialog {
    SaveCopy,
    Upload,
    UploadFolders,
    DownloadTo,
}

/// The title of a native file dialog.
pub fn dialog_title(d: FileDialog) -> String {
    match d {
        FileDialog::SaveCopy => say("dialog-save-copy", no_args()),
        FileDialog::Upload => say("dialog-upload", no_args()),
        FileDialog::UploadFolders => say("dialog-upload-folders", no_args()),
        FileDialog::DownloadTo => say("dialog-download-to", no_args()),
    }
}

/// Where the sign-in is kept, said next to the account.
fn sign_in(store: Store) -> String {
    let place = match store {
        Store::GnomeKeyring => "gnome-keyring",
        Store::KWallet => "kwallet",
        Store::KeePassXc => "keepassxc",
        Store::SecretService => "secret-service",
        Store::MacKeychain => "mac-keychain",
        Store::WindowsCredentials => "windows-credentials",
        Store::Memory => "memory",
    };
    say("signed-in", args([("store", place.into())]))
}

/// The status the window shows; a problem names `held`, the account whose grant it is.
pub fn status(r: Result<AccountView, SessionError>, held: Option<String>) -> Status {
    match r {
        Ok(account) => Status::Connected {
            sign_in: sign_in(account.store),
            account,
        },
        Err(SessionError::NotConnected) => Status::Disconnected { problem: None },
        Err(SessionError::Revoked) => Status::Disconnected {
            problem: Some(revoked()),
        },
        Err(e) => Status::Problem {
            problem: session(&e),
            account_id: held,
        },
    }
}

/// What the window hears of a sign-in before it ends.
pub fn heard(h: Heard) -> ConnectResult {
    match h {
        Heard::Named(account) => connect_result(ConnectOutcome::Connected(account)),
        Heard::Asking(account) => ConnectResult::Confirm { account },
    }
}

pub fn connect_result(o: ConnectOutcome) -> ConnectResult {
    match o {
        ConnectOutcome::Connected(account) => ConnectResult::Connected {
            sign_in: sign_in(account.store),
            account,
        },
        ConnectOutcome::Declined => ConnectResult::Declined {
            note: say("declined", no_args()),
        },
        ConnectOutcome::Cancelled => ConnectResult::Cancelled,
        ConnectOutcome::TimedOut => ConnectResult::TimedOut {
            note: say("timed-out", no_args()),
        },
        ConnectOutcome::Failed(e) => ConnectResult::Failed {
            problem: session(&e),
        },
    }
}

pub fn disconnected(r: Revoke) -> Disconnected {
    let message = match r {
        Revoke {
            was_connected: false,
            ..
        } => say("disconnect-not-connected", no_args()),
        Revoke {
            confirmed: true, ..
        } => say("disconnect-confirmed", no_args()),
        Revoke {
            confirmed: false, ..
        } => say("disconnect-unconfirmed", no_args()),
    };
    Disconnected {
        revoke_confirmed: r.confirmed,
        message,
        remaining: r.remaining,
    }
}

pub fn progress(p: browser::Progress) -> view::Progress {
    let problem = p.problem.as_ref().map(|e| match (e, p.saved_at) {
        // Offline with the stored copy on screen: say how old it is.
        (SessionError::Api(ApiError::Network(_)), Some(at)) => {
            let mut offline = session(e);
            // The window puts the moment in for `{time}`, written for its language.
            offline.message = say(
                "offline-as-of",
                args([("time", "{time}".into()), ("seconds", RETRY_IN_SECS.into())]),
            );
            offline.as_of = Some(at);
            offline
        }
        _ => session(e),
    });
    view::Progress {
        path_lower: p.path_lower,
        loaded: p.loaded,
        complete: p.complete,
        version: p.version,
        gone: p.gone,
        fresh: p.fresh,
        saved_at: p.saved_at,
        problem,
    }
}

pub fn opened(o: browser::Opened) -> view::Opened {
    view::Opened {
        notice: o
            .vanished
            .map(|name| say("folder-vanished", args([("name", text(name))]))),
        path: o.path,
        path_lower: o.path_lower,
        from_cache: o.from_cache,
        saved_at: o.saved_at,
        first: o.first,
    }
}

pub fn transfer(r: files::Report) -> view::Transfer {
    let (state, wait_secs, problem) = match &r.phase {
        Phase::Running => ("running", None, None),
        Phase::Waiting(d) => ("waiting", Some(d.as_secs().max(1)), None),
        Phase::Done => ("done", None, None),
        Phase::Failed(e) => ("failed", None, Some(transfer_problem(e, r.purpose))),
        Phase::Cancelled => ("cancelled", None, None),
    };
    let seconds_left = (state == "running" && r.rate > 0 && r.total >= r.done)
        .then(|| (r.total - r.done).div_ceil(r.rate));
    view::Transfer {
        id: r.id,
        name: r.name,
        purpose: match r.purpose {
            files::Purpose::Open => "open",
            files::Purpose::Save => "save",
            files::Purpose::Upload => "upload",
        },
        target: r.target.display().to_string(),
        done: r.done,
        total: r.total,
        bytes_per_sec: r.rate,
        seconds_left,
        state,
        wait_secs,
        problem,
        uploaded_to: r.uploaded_to.as_ref().map(|(path, _)| path.clone()),
        uploaded_to_lower: r.uploaded_to.map(|(_, lower)| lower),
        conflicted: r.conflicted,
    }
}

/// What an Upload started, and what it refused with why.
pub fn upload_choice(proposed: Result<files::Enqueued, Vec<String>>) -> view::UploadChoice {
    let e = match proposed {
        Ok(e) => e,
        Err(conflicts) => {
            return view::UploadChoice {
                conflicts,
                started: 0,
                refused: Vec::new(),
            }
        }
    };
    view::UploadChoice {
        conflicts: Vec::new(),
        started: e.started.len(),
        refused: e
            .refused
            .into_iter()
            .map(|(name, e)| view::Refused {
                name,
                problem: session(&e),
            })
            .collect(),
    }
}

/// A transfer's failure: a network failure after the retries can be resumed.
fn transfer_problem(e: &SessionError, purpose: files::Purpose) -> Problem {
    match (e, purpose) {
        (
            SessionError::Api(ApiError::Unauthorized(AuthError::MissingScope)),
            files::Purpose::Upload,
        ) => problem(
            "write_not_allowed",
            "write-not-allowed",
            no_args(),
            Action::AllowWriting,
        ),
        (SessionError::Api(ApiError::Network(_)), files::Purpose::Upload) => problem(
            "transfer_interrupted",
            "upload-interrupted",
            no_args(),
            Action::Retry,
        ),
        (SessionError::Api(ApiError::Network(_)), _) => problem(
            "transfer_interrupted",
            "download-interrupted",
            no_args(),
            Action::Retry,
        ),
        (e, _) => session(e),
    }
}

pub fn preview(p: browser::preview::Preview) -> view::Preview {
    use base64::Engine;
    use browser::preview::Body;
    let (kind, image, text, whole) = match p.body {
        Body::Picture(t) => {
            let data = base64::engine::general_purpose::STANDARD.encode(&t.bytes);
            let url = format!("data:{};base64,{data}", t.mime);
            ("picture", Some(url), None, false)
        }
        Body::Text { text, whole } => ("text", None, Some(text), whole),
        Body::None => ("none", None, None, false),
    };
    view::Preview {
        name: p.meta.name,
        size: p.meta.size,
        modified: p.meta.server_modified,
        rev: p.meta.rev,
        content_hash: p.meta.content_hash,
        kind,
        image,
        text,
        whole,
    }
}

/// What came of "Download to folder…": `refused` are the names that cannot be file names
/// here, which were not saved.
pub fn save_choice(
    r: Option<Result<Vec<u64>, Vec<String>>>,
    refused: &[String],
) -> view::SaveChoice {
    let (chosen, conflicts, started) = match r {
        None => (false, Vec::new(), 0),
        Some(Ok(ids)) => (true, Vec::new(), ids.len()),
        Some(Err(taken)) => (true, taken, 0),
    };
    let refused = (chosen && !refused.is_empty()).then(|| {
        let names = refused
            .iter()
            .map(|n| say("quoted-name", args([("name", text(n))])))
            .collect::<Vec<_>>()
            .join(", ");
        problem(
            "names_refused",
            "names-refused",
            args([("names", names.into()), ("count", refused.len().into())]),
            Action::Dismiss,
        )
    });
    view::SaveChoice {
        chosen,
        conflicts,
        started,
        refused,
    }
}

fn not_done(problems: Vec<(String, SessionError)>) -> Vec<view::NotDone> {
    problems
        .into_iter()
        .map(|(name, e)| view::NotDone {
            name,
            problem: session(&e),
        })
        .collect()
}

pub fn deleted(d: browser::delete::Deleted) -> view::Deleted {
    view::Deleted {
        deleted: d.deleted,
        undo: d.undo,
        not_done: not_done(d.problems),
    }
}

pub fn relocated(r: browser::relocate::Relocated) -> view::Relocated {
    view::Relocated {
        done: r.done,
        not_done: not_done(r.problems),
    }
}

pub fn undone(u: browser::delete::Undone) -> view::Undone {
    view::Undone {
        restored: u.restored,
        not_done: not_done(u.problems),
    }
}

pub fn deleted_entries(list: Vec<browser::trash::DeletedEntry>) -> Vec<view::DeletedEntry> {
    use browser::trash::Was;
    list.into_iter()
        .map(|d| {
            let (kind, rev, size, held) = match d.was {
                Was::File { rev, size } => (view::Kind::File, Some(rev), Some(size), None),
                Was::Folder { held } => (view::Kind::Folder, None, None, Some(held)),
            };
            view::DeletedEntry {
                kind,
                name: d.name,
                path: d.path,
                deleted_at: d.deleted_at,
                rev,
                size,
                held,
            }
        })
        .collect()
}

pub fn versions(list: Vec<browser::versions::Version>) -> Vec<view::Version> {
    list.into_iter()
        .map(|v| view::Version {
            rev: v.rev,
            size: v.size,
            modified: v.modified,
            current: v.current,
            by: v.by.map(|by| match by {
                browser::versions::Author::You => "you",
                browser::versions::Author::Another => "another",
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;

    #[test]
    fn keychain_problems_say_how_to_fix() {
        let p = session(&SessionError::Vault(VaultError::Unavailable(
            "ServiceUnknown".into(),
        )));
        assert_eq!(p.code, "keychain_unavailable");
        assert!(p.message.contains("gnome-keyring-daemon"));
        assert_eq!(p.action, Action::Retry);
        let locked = session(&SessionError::Vault(VaultError::Locked("x".into())));
        assert_eq!(locked.code, "keychain_locked");
        assert!(locked.message.contains("Unlock"));
        assert_eq!(
            session(&VaultError::Corrupt.into()).action,
            Action::Reconnect
        );
    }

    #[test]
    fn revoked_offers_reconnect_and_offline_retries_by_itself() {
        let revoked = session(&SessionError::Revoked);
        assert_eq!(
            (revoked.code, revoked.action, revoked.retry_in),
            ("revoked", Action::Reconnect, None)
        );
        let offline = session(&SessionError::Api(ApiError::Network("could not connect")));
        assert_eq!(offline.code, "offline");
        assert_eq!(offline.action, Action::Retry);
        assert!(offline.message.contains("kept"));
        assert_eq!(offline.retry_in, Some(RETRY_IN_SECS));
        let slow = session(&SessionError::Api(ApiError::RateLimited {
            retry_after: Duration::from_secs(90),
        }));
        assert_eq!(slow.retry_in, Some(90));
        assert!(slow.message.contains("90"));
    }

    #[test]
    fn route_and_scope_errors_are_worded_apart() {
        let missing = session(&SessionError::Api(ApiError::Route {
            route: "files/list_folder".into(),
            error: RouteError::Path {
                path: PathError::NotFound,
            },
            summary: "path/not_found".into(),
        }));
        assert_eq!(missing.code, "folder_not_found");
        let scope = session(&SessionError::Api(ApiError::Unauthorized(
            AuthError::MissingScope,
        )));
        assert_eq!(
            (scope.code, scope.action),
            ("missing_scope", Action::Reconnect)
        );
        let bad = session(&SessionError::Api(ApiError::BadRequest {
            route: "files/list_folder".into(),
            status: 400,
        }));
        assert_eq!(bad.code, "bad_request");
        assert!(bad.message.contains("files/list_folder"));
    }

    #[test]
    fn a_bad_setting_names_the_file_and_the_key() {
        let p = settings(&ConfigError {
            origin: Source::File(PathBuf::from("/home/u/.config/dropdesk/config.toml")),
            key: Some("redirect_ports".into()),
            at_byte: None,
            problem: config::Problem::Port(80),
        });
        assert_eq!(p.code, "settings");
        assert!(p.message.contains("/home/u/.config/dropdesk/config.toml"));
        assert!(p.message.contains("redirect_ports"));
        assert!(p.message.contains("80 is not a port"));
    }

    #[test]
    fn a_disconnect_says_what_was_confirmed() {
        let sure = disconnected(Revoke {
            was_connected: true,
            confirmed: true,
            remaining: false,
        });
        assert!(sure.revoke_confirmed && sure.message.contains("confirmed"));
        let unsure = disconnected(Revoke {
            was_connected: true,
            confirmed: false,
            remaining: true,
        });
        assert!(unsure.remaining);
        assert!(!unsure.revoke_confirmed && unsure.message.contains("could not confirm"));
    }

    fn report(phase: Phase, done: u64, rate: u64) -> files::Report {
        files::Report {
            id: 1,
            name: "a.iso".into(),
            purpose: files::Purpose::Save,
            target: PathBuf::from("/home/u/a.iso"),
            done,
            total: 1000,
            rate,
            phase,
            uploaded_to: None,
            conflicted: false,
        }
    }

    #[test]
    fn a_full_dropbox_says_how_much_room_the_upload_needs() {
        let full = session(
            &FileProblem::NoRoom {
                needed: 1_500_000_000,
                free: 20_000,
            }
            .into(),
        );
        assert_eq!(full.code, "insufficient_space");
        assert!(
            full.message.contains("needs 1.5 GB more room"),
            "{}",
            full.message
        );
        assert!(
            full.message.contains("(20.0 KB is free)"),
            "{}",
            full.message
        );
        assert_eq!(size_text(999), "999 B");
        assert_eq!(size_text(123_456_789), "123 MB");
    }

    #[test]
    fn a_running_transfer_says_how_long_is_left_and_a_waiting_one_for_how_long() {
        let running = transfer(report(Phase::Running, 400, 100));
        assert_eq!((running.state, running.seconds_left), ("running", Some(6)));
        let waiting = transfer(report(Phase::Waiting(Duration::from_secs(30)), 400, 0));
        assert_eq!((waiting.state, waiting.wait_secs), ("waiting", Some(30)));
        assert_eq!(waiting.seconds_left, None);
    }

    #[test]
    fn a_transfer_broken_off_by_the_network_can_be_resumed_and_a_revoked_one_reconnects() {
        let broken = transfer(report(
            Phase::Failed(SessionError::Api(ApiError::Network(
                "the connection broke off",
            ))),
            400,
            0,
        ));
        let p = broken.problem.unwrap();
        assert_eq!((p.code, p.action), ("transfer_interrupted", Action::Retry));
        let revoked = transfer(report(Phase::Failed(SessionError::Revoked), 400, 0));
        assert_eq!(revoked.problem.unwrap().action, Action::Reconnect);
    }
}
