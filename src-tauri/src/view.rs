//! The shapes the window is shown and sends, exactly as they cross the IPC boundary: the
//! account, an entry with its [`Kind`], a window of rows, the statuses of the connection
//! and of a folder, and a [`Problem`]. Plain data: no secrets (no secret type can be put
//! in a field here, since none implements `Serialize`), and no sentences, which
//! `messages` writes.

use serde::{Deserialize, Serialize};

use crate::dropbox::{FullAccount, SpaceUsage};
use crate::vault::{Profile, Store};

/// What the UI learns about the app itself.
#[derive(Clone, Debug, Serialize)]
pub struct Info {
    pub demo: bool,
    pub version: &'static str,
    /// Where the Dropbox app key came from (never the key); none for the demo.
    pub key_source: Option<String>,
}

/// What the problem banner's button does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Retry,
    Reconnect,
    Dismiss,
    /// Ask Dropbox (in the browser) to let Dropdesk add files, then retry.
    AllowWriting,
}

/// A failure as the window shows it. `code` is stable (tests and the UI match on it, never
/// on the wording); `retry_in` says that the problem may clear by itself and when the
/// window should try again on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub title: String,
    pub message: String,
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in: Option<u64>,
    /// The message's `{time}` stands for this moment (unix seconds), which the window
    /// writes in the user's own time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<u64>,
}

/// The account as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountView {
    /// Dropbox's id of the account (not a secret; the switcher names accounts by it).
    pub account_id: String,
    pub display_name: String,
    pub email: String,
    pub initials: String,
    pub used: u64,
    pub allocated: Option<u64>,
    /// Where the grant is kept; `messages` says it in words next to the account.
    #[serde(skip)]
    pub store: Store,
    /// Dropbox could not be reached: the names are the ones the keychain's index kept, the
    /// usage is unknown.
    pub offline: bool,
    /// The grant may write (`files.content.write`): uploads and changes need no new
    /// sign-in.
    pub may_write: bool,
}

impl AccountView {
    pub fn new(account: FullAccount, usage: SpaceUsage, store: Store) -> Self {
        let initials = if account.name.abbreviated_name.is_empty() {
            account
                .name
                .display_name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .take(2)
                .collect()
        } else {
            account.name.abbreviated_name.clone()
        };
        AccountView {
            account_id: account.account_id,
            allocated: usage.allocated(),
            used: usage.used,
            display_name: account.name.display_name,
            email: account.email,
            initials,
            store,
            offline: false,
            may_write: false,
        }
    }

    /// The account as last seen, for a start without a network.
    pub fn offline(profile: Profile, store: Store) -> Self {
        AccountView {
            account_id: profile.account_id,
            display_name: profile.display_name,
            email: profile.email,
            initials: profile.initials,
            used: 0,
            allocated: None,
            store,
            offline: true,
            may_write: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    File,
    Folder,
}

/// One row of a folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub kind: Kind,
    pub name: String,
    pub path: String,
    pub path_lower: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// A file's revision (the cache of downloads is keyed by it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    Name,
    Size,
    Modified,
}

/// How the UI wants the rows: sorted by a column, narrowed by a filter.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ViewSpec {
    pub sort: SortKey,
    pub descending: bool,
    #[serde(default)]
    pub filter: String,
}

/// Some rows of a view, and what the status bar shows about all of it.
#[derive(Clone, Debug, Serialize)]
pub struct Window {
    pub start: usize,
    pub rows: Vec<Entry>,
    /// Rows in the view (after the filter).
    pub total: usize,
    pub folders: usize,
    pub files: usize,
    pub bytes: u64,
    /// Every page has arrived.
    pub complete: bool,
    pub version: u64,
}

/// What a search found: the rows (their `path` says which folder each is in), and
/// whether there were more than were kept.
#[derive(Clone, Debug, Serialize)]
pub struct Found {
    pub entries: Vec<Entry>,
    pub truncated: bool,
}

/// What the window should show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// `sign_in` says where the grant is kept, as `gh auth status` does.
    Connected {
        account: AccountView,
        sign_in: String,
    },
    Disconnected {
        problem: Option<Problem>,
    },
    /// A grant is kept but cannot be used right now (offline, keychain locked, …).
    /// `account_id` names the account whose grant it is, when one is held (none when the
    /// saved sign-in cannot be read): a Reconnect disconnects exactly that one.
    Problem {
        problem: Problem,
        account_id: Option<String>,
    },
}

/// A sign-in waiting for the browser.
#[derive(Clone, Debug, Serialize)]
pub struct Waiting {
    pub browser_opened: bool,
    /// The loopback listener is up; when not, only a pasted code can connect.
    pub listening: bool,
    pub paste: Paste,
}

/// The way in by pasting a code: the authorize page that shows one, as a link and as a QR
/// code for a phone (an SVG drawn here, no remote service).
#[derive(Clone, Debug, Serialize)]
pub struct Paste {
    pub url: String,
    pub qr_svg: String,
}

impl Paste {
    pub fn new(url: &str) -> Paste {
        let qr_svg = qrcode::QrCode::new(url.as_bytes())
            .map(|code| {
                code.render::<qrcode::render::svg::Color>()
                    .min_dimensions(200, 200)
                    .quiet_zone(true)
                    .build()
            })
            .unwrap_or_default();
        Paste {
            url: url.to_string(),
            qr_svg,
        }
    }
}

/// How a sign-in ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectResult {
    Connected {
        account: AccountView,
        sign_in: String,
    },
    /// An account not connected here: "Connect Dropbox as …?" (heard before the end).
    Confirm {
        account: AccountView,
    },
    Declined {
        note: String,
    },
    Cancelled,
    TimedOut {
        note: String,
    },
    Failed {
        problem: Problem,
    },
}

/// How a disconnect ended. The local item is always gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Disconnected {
    pub revoke_confirmed: bool,
    pub message: String,
    /// Other accounts are still connected: the window shows the next one.
    pub remaining: bool,
}

impl AccountEntry {
    /// The switcher's rows: every connected account, the one in use marked.
    pub fn list(profiles: Vec<Profile>, current: Option<String>) -> Vec<AccountEntry> {
        profiles
            .into_iter()
            .map(|p| AccountEntry {
                current: current.as_deref() == Some(p.account_id.as_str()),
                account_id: p.account_id,
                display_name: p.display_name,
                email: p.email,
                initials: p.initials,
            })
            .collect()
    }
}

/// One connected account in the switcher.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountEntry {
    pub account_id: String,
    pub display_name: String,
    pub email: String,
    pub initials: String,
    /// The account in use.
    pub current: bool,
}

/// What the UI is told while a folder loads or refreshes. The browser reports it with the
/// typed error (`Progress<SessionError>`); `messages` turns that into a [`Problem`].
#[derive(Clone, Debug, Serialize)]
pub struct Progress<P = Problem> {
    pub path_lower: String,
    pub loaded: usize,
    pub complete: bool,
    pub version: u64,
    /// The folder no longer exists: open it again to land on its nearest parent.
    pub gone: bool,
    /// `path_lower` of the rows a change just added or replaced (to highlight them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fresh: Vec<String>,
    /// The listing shown is the stored copy written then (unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<P>,
}

/// The folder that was opened.
#[derive(Clone, Debug, Serialize)]
pub struct Opened {
    /// The path actually shown (a parent, when the asked one vanished).
    pub path: String,
    pub path_lower: String,
    /// Said to the user when the folder shown is not the one asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub from_cache: bool,
    /// Shown from the store on disk, written then (unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved_at: Option<u64>,
    /// The first rows of the view asked for, so the UI can draw without another call.
    pub first: Option<Window>,
}

/// A transfer in the transfers panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub id: u64,
    pub name: String,
    /// `open` (into the cache, then opened), `save` (a copy where the person asked) or
    /// `upload` (a file from this computer into the app folder).
    pub purpose: &'static str,
    /// The file it is written to (the person's own path; never a secret), or for an
    /// upload where it goes in the app folder.
    pub target: String,
    pub done: u64,
    pub total: u64,
    pub bytes_per_sec: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_left: Option<u64>,
    /// `running`, `waiting`, `done`, `failed` or `cancelled`.
    pub state: &'static str,
    /// Where a finished upload is in the app folder, as Dropbox displays it and its
    /// `path_lower`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_to_lower: Option<String>,
    /// A replace found the file changed at Dropbox meanwhile: the upload is kept beside it,
    /// at `uploaded_to`.
    pub conflicted: bool,
    /// While `waiting`: the seconds until it tries again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// The preview panel's content for one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Preview {
    pub name: String,
    pub size: u64,
    pub modified: String,
    pub rev: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    /// `picture`, `text` or `none`.
    pub kind: &'static str,
    /// A picture's thumbnail as a `data:` URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The text is the whole file.
    pub whole: bool,
}

/// Where a new entry is: its path and its key, for the window to select it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Made {
    pub path: String,
    pub path_lower: String,
}

/// An entry an action left as it was, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotDone {
    pub name: String,
    pub problem: Problem,
}

/// What a delete did: how many went, the delete to hand to Undo (none when nothing went),
/// and what stayed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deleted {
    pub deleted: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undo: Option<u64>,
    pub not_done: Vec<NotDone>,
}

/// What an Undo brought back, and what it could not (Undo may be tried again for it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Undone {
    pub restored: usize,
    pub not_done: Vec<NotDone>,
}

/// What a move or copy did, and what stayed where it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Relocated {
    pub done: usize,
    pub not_done: Vec<NotDone>,
}

/// The window's language and its catalogues (Fluent texts), with English's for any message
/// it lacks (none when the language is English).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Catalogues {
    pub language: String,
    pub texts: Vec<&'static str>,
    pub fallback: Vec<&'static str>,
}

/// A file or folder deleted in a folder, for the Deleted files view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeletedEntry {
    pub kind: Kind,
    pub name: String,
    pub path: String,
    /// When it was deleted (RFC 3339, UTC), when Dropbox says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    /// A file's revision, which a restore brings back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    /// A file's size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// How many deleted entries a folder holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<usize>,
}

/// One version of a file, for the Versions dialog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Version {
    pub rev: String,
    pub size: u64,
    /// When Dropbox stored it (RFC 3339, UTC).
    pub modified: String,
    pub current: bool,
    /// Who made it, where Dropbox says (a file in a shared folder): "you" or "another".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<&'static str>,
}

/// How far a long action is: `done` of `total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Along {
    pub done: usize,
    pub total: usize,
}

/// What came of asking where to save copies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UploadChoice {
    /// Names of files already in the target folder: nothing started yet, the window asks
    /// whether to replace, keep both or skip them.
    pub conflicts: Vec<String>,
    /// Transfers started.
    pub started: usize,
    /// Files not uploaded, each with why.
    pub refused: Vec<Refused>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refused {
    pub name: String,
    pub problem: Problem,
}

/// Files are being dragged over the window (`over`, with where the pointer is in the
/// window's physical pixels), the drag left (`left`), or they were dropped there
/// (`dropped`, with how many): the window then says where they go. Never their paths.
#[derive(Clone, Debug, Serialize)]
pub struct Dragged {
    pub state: &'static str,
    pub count: usize,
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SaveChoice {
    /// The person chose a place (not the dialog's Cancel).
    pub chosen: bool,
    /// Names already there: nothing started yet, the window asks what to do.
    pub conflicts: Vec<String>,
    /// Transfers started.
    pub started: usize,
    /// Names that cannot be file names here, not saved: what to tell the person.
    pub refused: Option<Problem>,
}
