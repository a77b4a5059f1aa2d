//! The one writer of sentences: every typed outcome and error of the core becomes what the
//! window shows. A [`Problem`] has a stable `code` (tests and the UI match on it), a
//! title, a message a person can act on, and the action the banner offers. Every match
//! here is exhaustive, so a new error does not compile until it is worded. Never includes
//! a token (none of the types worded here can hold one). Long by design: it is the
//! only place sentences are written.

use oauth2::basic::BasicErrorResponseType;

use crate::auth::{PortsBusy, TokenError};
use crate::browser;
use crate::config::{self, ConfigError, Source};
use crate::dropbox::{ApiError, AuthError, PathError, RouteError};
use crate::error::{FileProblem, SessionError};
use crate::files::{self, Phase};
use crate::session::{ConnectOutcome, Heard, Revoke};
use crate::vault::{Store, VaultError};
use crate::view::{self, AccountView, Action, ConnectResult, Disconnected, Problem, Status};

/// How long the window waits before it tries again by itself after a transient problem
/// that gave no wait of its own. Rust's retry policy has already tried a few times.
const RETRY_IN_SECS: u64 = 10;

fn problem(code: &'static str, title: &str, message: impl Into<String>, action: Action) -> Problem {
    Problem {
        code,
        title: title.into(),
        message: message.into(),
        action,
        retry_in: None,
        as_of: None,
    }
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
            "Dropbox could not connect Dropdesk",
            format!(
                "Dropbox reported '{error}' {description}. If you set your own app key, check its redirect \
                 URIs and permissions in the App Console."
            ),
            Action::Reconnect,
        ),
        SessionError::CodeRefused => problem(
            "code_refused",
            "That code did not work",
            "Dropbox did not accept the code: it may be mistyped, already used or expired. Open the page \
             again for a new code, then paste it here.",
            Action::Dismiss,
        ),
        SessionError::ListenerFailed => problem(
            "listener_failed",
            "The sign-in listener stopped",
            "Dropdesk's sign-in listener stopped answering, so the sign-in ended and its port is free again. \
             Connect again.",
            Action::Reconnect,
        ),
        SessionError::NotConnected => problem(
            "not_connected",
            "Not connected",
            "Connect Dropbox first.",
            Action::Reconnect,
        ),
        SessionError::NotWaiting => problem(
            "not_waiting",
            "No sign-in in progress",
            "Use Connect Dropbox to start one.",
            Action::Dismiss,
        ),
    };
    if e.is_transient() {
        let secs = match e {
            SessionError::Api(ApiError::RateLimited { retry_after }) => retry_after.as_secs(),
            _ => RETRY_IN_SECS,
        };
        p.retry_in = Some(secs);
        p.message = format!("{} Dropdesk retries by itself in {secs} s.", p.message);
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
            "No keychain available",
            format!(
                "Dropdesk keeps your Dropbox sign-in only in the system keychain, and none answered ({detail}). \
                 On GNOME, start GNOME Keyring (gnome-keyring-daemon --start --components=secrets); on KDE, enable \
                 KWallet's Secret Service; then retry."
            ),
            Action::Retry,
        ),
        VaultError::Locked(_) => problem(
            "keychain_locked",
            "Keychain locked",
            "Your keychain is locked or refused access. Unlock your login keyring (for example in Passwords and Keys), then retry.",
            Action::Retry,
        ),
        VaultError::Timeout => problem(
            "keychain_timeout",
            "Keychain not answering",
            "The keychain did not answer in time. If an unlock prompt is open, answer it, then retry.",
            Action::Retry,
        ),
        VaultError::Corrupt => problem(
            "keychain_corrupt",
            "Saved sign-in unreadable",
            "The Dropbox sign-in saved in your keychain cannot be read. Disconnect and connect again.",
            Action::Reconnect,
        ),
        VaultError::Overtaken => problem(
            "keychain_overtaken",
            "Sign-in not kept",
            "Dropdesk stopped keeping this sign-in because it was given up meanwhile. Connect again.",
            Action::Reconnect,
        ),
        VaultError::Other(detail) => problem(
            "keychain_error",
            "Keychain error",
            format!("The keychain failed: {detail}. Retry, or restart your session's keyring."),
            Action::Retry,
        ),
    }
}

fn api(e: &ApiError) -> Problem {
    match e {
        ApiError::Network(_) => problem(
            "offline",
            "You're offline",
            "Dropdesk cannot reach Dropbox. Check your connection; your sign-in is kept.",
            Action::Retry,
        ),
        ApiError::RateLimited { retry_after } => problem(
            "rate_limited",
            "Dropbox asked to slow down",
            format!("Dropbox asked Dropdesk to wait {} seconds.", retry_after.as_secs()),
            Action::Retry,
        ),
        ApiError::Server { status } => problem(
            "server_error",
            "Dropbox is having trouble",
            format!("Dropbox answered with a server error ({status}). Your sign-in is kept; try again shortly."),
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
            "Dropbox refused a request",
            format!(
                "Dropbox refused Dropdesk's request to {route} ({status}). If you set your own app key, check \
                 its settings in the App Console; otherwise please report this."
            ),
            Action::Retry,
        ),
        ApiError::Decode(_) => problem(
            "bad_answer",
            "Unexpected answer from Dropbox",
            "Dropbox sent an answer Dropdesk does not understand. Retry; if it keeps happening, please report it.",
            Action::Retry,
        ),
        ApiError::Untrusted => problem(
            "untrusted",
            "Dropbox's identity could not be verified",
            "The server that answered did not prove it is Dropbox, so Dropdesk sent it nothing. A network \
             that intercepts secure connections (a company proxy, a hotel or airport sign-in page) or a wrong \
             date and time on this computer can cause this. Sign in to the network or correct the clock, then \
             Retry.",
            Action::Retry,
        ),
    }
}

fn unauthorized(tag: AuthError) -> Problem {
    match tag {
        AuthError::MissingScope => problem(
            "missing_scope",
            "Dropdesk lacks a permission",
            "Dropbox says this sign-in does not allow what Dropdesk asked. If you use your own app key, tick \
             account_info.read, files.metadata.read and files.content.read in the App Console, then reconnect.",
            Action::Reconnect,
        ),
        AuthError::UserSuspended => problem(
            "account_suspended",
            "Dropbox account suspended",
            "Dropbox says this account is suspended. Sign in on dropbox.com to see why.",
            Action::Reconnect,
        ),
        AuthError::ExpiredAccessToken | AuthError::InvalidAccessToken | AuthError::Other => problem(
            "sign_in_refused",
            "Dropbox refused the sign-in",
            "Dropbox no longer accepts Dropdesk's sign-in. Reconnect to keep using Dropdesk.",
            Action::Reconnect,
        ),
    }
}

/// Why Dropbox did not take a file.
/// A size as the window writes it: decimal units, one decimal below 100 ("1.5 GB").
fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut n = bytes as f64;
    let mut unit = 0;
    while n >= 1000.0 && unit < UNITS.len() - 1 {
        n /= 1000.0;
        unit += 1;
    }
    let digits = if unit == 0 || n >= 100.0 { 0 } else { 1 };
    format!("{n:.digits$} {}", UNITS[unit])
}

fn upload_route(error: RouteError, summary: &str) -> Problem {
    use crate::dropbox::Conflict;
    match error {
        RouteError::Path {
            path: PathError::Conflict { conflict },
        } => match conflict {
            Conflict::FileAncestor => problem(
                "file_in_the_way",
                "A file is in the way",
                "A file has the name of a folder this upload goes into. Rename or move that file, then retry.",
                Action::Retry,
            ),
            _ => problem(
                "name_taken",
                "The name is taken",
                "Something with this name is already in that folder (or it changed at Dropbox meanwhile), so Dropdesk replaced nothing. Nothing was lost.",
                Action::Dismiss,
            ),
        },
        RouteError::Path {
            path: PathError::InsufficientSpace,
        } => problem(
            "insufficient_space",
            "Your Dropbox is full",
            "Dropbox has no room for this file. Free some space in your Dropbox (or get more), then retry.",
            Action::Retry,
        ),
        RouteError::Path {
            path: PathError::DisallowedName | PathError::MalformedPath,
        } => problem(
            "name_refused",
            "Dropbox does not take this name",
            "Dropbox refuses this file's name. Rename the file on this computer, then upload it again.",
            Action::Dismiss,
        ),
        RouteError::TooLarge
        | RouteError::LookupFailed {
            lookup_failed: crate::dropbox::UploadSessionError::TooLarge,
        } => problem(
            "file_too_large",
            "The file is too large for Dropbox",
            "Dropbox takes files of up to 2 TiB (2,199,019,061,248 bytes).",
            Action::Dismiss,
        ),
        RouteError::ContentHashMismatch => file(&FileProblem::UploadDamaged),
        _ => problem(
            "upload_failed",
            "Dropbox did not take the file",
            format!("Dropbox said: {summary}. Retry."),
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
            "Folder not found",
            "This folder no longer exists in your app folder.",
            Action::Retry,
        ),
        RouteError::Reset => problem(
            "listing_reset",
            "The folder changed",
            "Dropbox asked Dropdesk to list this folder again. Retry.",
            Action::Retry,
        ),
        _ => problem(
            "route_error",
            "Dropbox could not list this folder",
            format!("Dropbox said: {summary}. Retry, or open another folder."),
            Action::Retry,
        ),
    }
}

fn token(e: &TokenError) -> Problem {
    match e {
        TokenError::Unavailable(_) => problem(
            "sign_in_server_unreachable",
            "Dropbox could not be reached",
            "The sign-in server could not be reached or failed. Check your connection; your sign-in is kept.",
            Action::Retry,
        ),
        TokenError::Rejected { error, .. } => {
            let why = match error {
                BasicErrorResponseType::InvalidGrant => {
                    "the sign-in code expired or was already used"
                }
                BasicErrorResponseType::InvalidClient | BasicErrorResponseType::UnauthorizedClient => {
                    "it does not know this app key, or the app may not use PKCE sign-in"
                }
                BasicErrorResponseType::InvalidScope => "the app does not have the permissions Dropdesk asks for",
                BasicErrorResponseType::InvalidRequest
                | BasicErrorResponseType::UnsupportedGrantType
                | BasicErrorResponseType::Extension(_) => "the request was not accepted",
            };
            problem(
                "sign_in_refused_by_dropbox",
                "Dropbox refused the sign-in",
                format!("Dropbox refused the sign-in ({error}): {why}. Connect again to start over."),
                Action::Reconnect,
            )
        }
    }
}

fn file(f: &FileProblem) -> Problem {
    match f {
        FileProblem::Disk { folder, kind } => {
            let why = match kind {
                std::io::ErrorKind::StorageFull => "the disk is full",
                std::io::ErrorKind::PermissionDenied => "Dropdesk may not write there",
                _ => "the folder could not be written",
            };
            problem(
                "file_not_written",
                "The file could not be saved",
                format!("Dropdesk could not save the file in {folder}: {why}. Free some space or fix the folder, then retry."),
                Action::Retry,
            )
        }
        FileProblem::Corrupt => problem(
            "file_corrupt",
            "The download was damaged",
            "What arrived does not match the file at Dropbox, so Dropdesk kept nothing. Retry.",
            Action::Retry,
        ),
        FileProblem::NameNotAllowed => problem(
            "file_name_not_allowed",
            "This file's name cannot be used here",
            "Rename the file at Dropbox, then open it again.",
            Action::Dismiss,
        ),
        FileProblem::Gone => problem(
            "file_gone",
            "The file is no longer there",
            "It changed or was removed at Dropbox meanwhile. The folder shows what is there now.",
            Action::Dismiss,
        ),
        FileProblem::Changed => problem(
            "file_changed",
            "The file changed at Dropbox",
            "Someone changed this file while it was downloading, so Dropdesk kept nothing. The folder now shows the new version; open or save it again.",
            Action::Dismiss,
        ),
        FileProblem::Cancelled => problem(
            "transfer_cancelled",
            "Cancelled",
            "The download was cancelled and nothing of it was kept.",
            Action::Dismiss,
        ),
        FileProblem::IsProgram => problem(
            "is_program",
            "This file is a program",
            "Opening it may run it on this computer, with everything you may do. Open it only if you trust where it came from.",
            Action::Dismiss,
        ),
        FileProblem::Unreadable { file, kind } => {
            let why = match kind {
                std::io::ErrorKind::PermissionDenied => "you may not read it",
                std::io::ErrorKind::NotFound => "it is no longer there",
                _ => "reading it failed",
            };
            problem(
                "file_unreadable",
                "The file could not be read",
                format!("Dropdesk could not upload {file}: {why}. Fix that, then retry."),
                Action::Retry,
            )
        }
        FileProblem::ChangedWhileUploading { file } => problem(
            "file_changed_here",
            "The file changed while it was uploading",
            format!("{file} changed on this computer during the upload, so Dropdesk committed nothing of it. Retry when it is saved."),
            Action::Retry,
        ),
        FileProblem::NotAFile => problem(
            "not_a_file",
            "A link was not followed",
            "Dropdesk does not follow links out of what you chose to upload.",
            Action::Dismiss,
        ),
        FileProblem::NotAllUploaded {
            refused,
            first,
            why,
        } => problem(
            "not_all_uploaded",
            "Some files were not uploaded",
            format!(
                "{refused} of the folder's files did not go up; the first is {first}: {} The rest are in \
                 your Dropbox. Retry uploads the folder again; files already there are left as they are.",
                session(why).message
            ),
            Action::Retry,
        ),
        FileProblem::NoRoom { needed, free } => problem(
            "insufficient_space",
            "Your Dropbox is full",
            format!(
                "Dropbox needs {} more room for this upload ({} is free). Free some space in your Dropbox (or get more), then retry.",
                size_text(*needed),
                size_text(*free)
            ),
            Action::Retry,
        ),
        FileProblem::NameRefused(why) => {
            use crate::files::names::NameProblem;
            let message = match why {
                NameProblem::Empty => "Type a name.".to_string(),
                NameProblem::Dots => "“.” and “..” mean this folder and the one above it, so Dropbox does not take them as names.".to_string(),
                NameProblem::Slash => "A name cannot contain “/”: Dropbox reads it as a folder in the path.".to_string(),
                NameProblem::SpaceAtEnd => "Dropbox does not take a name that ends with a space. Remove it.".to_string(),
                NameProblem::TooLong => format!(
                    "Dropbox takes names of up to {} bytes; this one is longer. Shorten it.",
                    crate::files::names::MAX_NAME_BYTES
                ),
                NameProblem::Reserved => "Dropbox keeps this name out of every folder (it belongs to the system). Choose another.".to_string(),
            };
            problem("name_refused", "Dropbox does not take this name", message, Action::Dismiss)
        }
        FileProblem::NameTaken { name } => problem(
            "name_taken",
            "The name is taken",
            format!("“{name}” is already in this folder (Dropbox matches names whatever their case). Choose another name."),
            Action::Dismiss,
        ),
        FileProblem::IntoItself => problem(
            "into_itself",
            "A folder cannot go into itself",
            "The folder chosen is the one being moved or copied, or a folder inside it. Choose another folder.",
            Action::Dismiss,
        ),
        FileProblem::UploadDamaged => problem(
            "upload_damaged",
            "The upload was damaged",
            "What Dropbox stored does not match the file on this computer. Retry.",
            Action::Retry,
        ),
        FileProblem::NoOpener => problem(
            "no_opener",
            "No program opened the file",
            "Dropdesk downloaded the file, but no program is set to open files of this type. Set a default program for it in your desktop's settings.",
            Action::Dismiss,
        ),
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
        "Sign-in listener unavailable",
        format!(
            "Dropdesk could not open its sign-in listener: ports {list} on 127.0.0.1 are all in use. Close the \
             program using them, or set other registered ports with redirect_ports in config.toml."
        ),
        Action::Retry,
    )
}

pub fn revoked() -> Problem {
    problem(
        "revoked",
        "Dropbox access was revoked",
        "Dropdesk's access was removed (perhaps on dropbox.com). Reconnect to keep using Dropdesk.",
        Action::Reconnect,
    )
}

/// Where the Dropbox app key in use came from, for the account panel and the log (never
/// the key itself); `None` for the demo's.
pub fn key_source(from: Option<&Source>) -> Option<String> {
    Some(match from? {
        Source::BuiltIn => "Dropbox app key: built into this package".into(),
        Source::Environment => "Dropbox app key: from DROPBOX_APP_KEY".into(),
        Source::File(path) => format!("Dropbox app key: from {}", path.display()),
    })
}

/// A setting that cannot be used: the window opens only to say so.
pub fn settings(e: &ConfigError) -> Problem {
    let origin = match &e.origin {
        Source::File(path) => format!("its settings in {}", path.display()),
        Source::Environment => "its settings from the environment".into(),
        Source::BuiltIn => "the app key built into this package".into(),
    };
    let key = match (&e.key, e.at_byte) {
        (Some(key), _) => key.clone(),
        (None, Some(at)) => format!("(the file, at byte {at})"),
        (None, None) => "(the file)".into(),
    };
    let what = match &e.problem {
        config::Problem::Unreadable(io) => format!("the file cannot be read ({io})"),
        config::Problem::Invalid(detail) => format!("this is not valid here ({detail})"),
        config::Problem::UnknownKey => {
            "unknown field; check its spelling against the README".into()
        }
        config::Problem::AppKey => {
            "an app key is the letters and digits shown as 'App key' in the Dropbox App Console"
                .into()
        }
        config::Problem::NoPorts => "list at least one port".into(),
        config::Problem::NotPortList(text) => {
            format!("'{text}' is not a comma-separated list of port numbers")
        }
        config::Problem::Port(p) => format!("{p} is not a port between 1024 and 65535"),
        config::Problem::Timeout(secs) => format!("{secs} is outside 10 to 3600 seconds"),
        config::Problem::NotUrl(text) => format!("'{text}' must be an http(s) URL with a host"),
        config::Problem::Insecure(text) => {
            format!("'{text}' uses plain http to another machine; use https (http is only for 127.0.0.1)")
        }
    };
    problem(
        "settings",
        "Settings need attention",
        format!("Dropdesk cannot use {origin}: {key}: {what}. Fix this, then restart Dropdesk."),
        Action::Dismiss,
    )
}

/// The built-in emulator of the demo did not start.
/// A build with no app key of its own and no demo, started with none configured: where
/// to put one.
pub fn no_app_key(file_place: Option<&std::path::Path>) -> Problem {
    let file = file_place.map_or("the settings file".into(), |p| p.display().to_string());
    problem(
        "no_app_key",
        "This build has no Dropbox app key",
        format!(
            "Dropdesk needs a Dropbox app key to sign in, and this build carries none. Put \
             app_key = \"your key\" in {file}, or set DROPBOX_APP_KEY, then start Dropdesk \
             again. A package built with DROPDESK_APP_KEY carries its own (README, \
             \"For packagers\")."
        ),
        Action::Dismiss,
    )
}

pub fn demo_failed(detail: &str) -> Problem {
    problem(
        "demo_failed",
        "The demo could not start",
        format!("The demo could not start its emulated Dropbox ({detail}). Restart Dropdesk."),
        Action::Dismiss,
    )
}

/// Where the sign-in is kept, said next to the account.
fn sign_in(store: Store) -> String {
    let place = match store {
        Store::GnomeKeyring => "your GNOME Keyring (Secret Service)",
        Store::KWallet => "your KDE Wallet (Secret Service)",
        Store::KeePassXc => "KeePassXC (Secret Service)",
        Store::SecretService => "your system keychain (Secret Service)",
        Store::MacKeychain => "your macOS Keychain",
        Store::WindowsCredentials => "Windows Credential Manager",
        Store::Memory => "memory only (a test build)",
    };
    format!("Signed in; kept in {place}.")
}

/// What the window shows after a restore or a status check.
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
            note: "You declined the request in your browser. Connect again whenever you like."
                .into(),
        },
        ConnectOutcome::Cancelled => ConnectResult::Cancelled,
        ConnectOutcome::TimedOut => ConnectResult::TimedOut {
            note: "The sign-in timed out before Dropbox answered. Connect again to retry.".into(),
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
        } => "Dropdesk was not connected.",
        Revoke { confirmed: true, .. } => {
            "Disconnected. Dropbox confirmed that Dropdesk's access is revoked, and the sign-in was removed from this computer."
        }
        Revoke { confirmed: false, .. } => {
            "Disconnected on this computer, but Dropbox could not confirm the revoke. To be sure, remove Dropdesk under \
             Settings → Connected apps on dropbox.com."
        }
    };
    Disconnected {
        revoke_confirmed: r.confirmed,
        message: message.into(),
        remaining: r.remaining,
    }
}

pub fn progress(p: browser::Progress) -> view::Progress {
    let problem = p.problem.as_ref().map(|e| match (e, p.saved_at) {
        // Offline with the stored copy on screen: say how old it is.
        (SessionError::Api(ApiError::Network(_)), Some(at)) => {
            let mut offline = session(e);
            offline.message = format!(
                "Offline — showing the folder as of {{time}}. Dropdesk retries by itself in {RETRY_IN_SECS} s."
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
        notice: o.vanished.map(|name| {
            format!("“{name}” no longer exists; showing the nearest folder that does.")
        }),
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
            "Dropdesk may not add files",
            "Dropbox says this sign-in lets Dropdesk only read. Allow uploads in your browser, and this upload starts again.",
            Action::AllowWriting,
        ),
        (SessionError::Api(ApiError::Network(_)), files::Purpose::Upload) => problem(
            "transfer_interrupted",
            "Upload interrupted",
            "The connection to Dropbox broke off. What Dropbox received is kept there: Resume carries on from there.",
            Action::Retry,
        ),
        (SessionError::Api(ApiError::Network(_)), _) => problem(
            "transfer_interrupted",
            "Download interrupted",
            "The connection to Dropbox broke off. What arrived is kept: Resume carries on from there.",
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

/// What came of "Download to folder…": `None` when the dialog was cancelled.
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
            .map(|n| format!("“{n}”"))
            .collect::<Vec<_>>()
            .join(", ");
        problem(
            "names_refused",
            if refused.len() == 1 {
                "A file was not saved"
            } else {
                "Some files were not saved"
            },
            format!(
                "These names cannot be used for files on this computer: {names}. Rename them at \
                 Dropbox, then save them again; everything else was saved."
            ),
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
