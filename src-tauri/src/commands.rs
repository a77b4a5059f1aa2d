//! The Tauri IPC surface: one-line functions that call the core and turn its typed
//! outcomes into the window's shapes through `messages`, noting in `last_seen` the account
//! the window now shows. No other logic lives here, and no token ever crosses this
//! boundary: the UI gets account details, file metadata and messages. The command names
//! are listed once, in `command_names.rs`.

use std::sync::Arc;

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State, WebviewWindow};

use crate::app::{Core, Launch};
use crate::dialogs;
use crate::files::{OnConflict, Programs};
use crate::last_seen::{self, LastSeen};
use crate::messages;
use crate::session::{ConnectOutcome, SessionError};
use crate::view::{
    AccountEntry, AccountView, Along, Catalogues, ConnectResult, Deleted, DeletedEntry,
    Disconnected, Dragged, Entry, Found, Info, Made, Opened, Preview, Problem, Progress, Relocated,
    SaveChoice, Status, Transfer, Undone, UploadChoice, Version, ViewSpec, Waiting, Window,
};

type Result<T> = std::result::Result<T, Problem>;

async fn core(launch: &Launch) -> Result<&Core> {
    launch.app().await.core.as_ref().map_err(Clone::clone)
}

#[tauri::command]
pub async fn app_info(app: State<'_, Launch>) -> std::result::Result<Info, ()> {
    Ok(app.app().await.info.clone())
}

/// The UI is interactive (the ready mark benchmarks time).
#[tauri::command]
pub fn ui_ready() {
    crate::app::milestone("ui ready");
}

/// The window's language (the desktop's, where Dropdesk speaks it) and its catalogues.
#[tauri::command]
pub fn catalogues() -> Catalogues {
    use crate::languages;
    use languages::Speaker::Window;
    let language = languages::of_desktop();
    Catalogues {
        language: language.to_string(),
        texts: languages::catalogues(language, Window),
        fallback: match language {
            languages::FALLBACK => Vec::new(),
            _ => languages::catalogues(languages::FALLBACK, Window),
        },
    }
}

/// What the window showed last; at once, without waiting for the core.
#[tauri::command]
pub fn last_seen() -> Option<LastSeen> {
    last_seen::default_path().and_then(|p| last_seen::read(&p))
}

/// The window shows this status now (a problem naming the account whose grant it is
/// about, when one is held): the next start paints it first.
async fn shown(core: &Core, r: std::result::Result<AccountView, SessionError>) -> Status {
    let status = messages::status(r, core.session.account_id().await);
    if let Some(path) = last_seen::default_path() {
        last_seen::note_status(&path, &status);
    }
    status
}

/// The start's status. A keychain that cannot be reached is said on the terminal too (in
/// the log's line on stderr), for whoever started Dropdesk from one.
#[tauri::command]
pub async fn restore(app: State<'_, Launch>) -> Result<Status> {
    let core = core(&app).await?;
    let status = shown(core, core.session.restore().await).await;
    if let Status::Disconnected { problem: Some(p) } | Status::Problem { problem: p, .. } = &status
    {
        if p.code.starts_with("keychain_") {
            log::warn!("{}", p.message);
        }
    }
    Ok(status)
}

/// The account in use, asked of Dropbox again (the window was offline).
#[tauri::command]
pub async fn account_status(app: State<'_, Launch>) -> Result<Status> {
    let core = core(&app).await?;
    Ok(shown(core, core.session.status().await).await)
}

/// Start a sign-in; `write` asks the account in use for write access on top of what it
/// granted (the first upload's prompt).
#[tauri::command]
pub async fn start_connect(app: State<'_, Launch>, write: Option<bool>) -> Result<Waiting> {
    let access = if write == Some(true) {
        crate::auth::Access::Write
    } else {
        crate::auth::Access::Read
    };
    Ok(core(&app).await?.session.start_connect_for(access).await?)
}

/// Wait for the sign-in to end; `on_named` hears of the account as soon as Dropbox names
/// it (a `confirm` first, for an account not connected here), while its grant is still
/// being written to the keychain.
#[tauri::command]
pub async fn finish_connect(
    app: State<'_, Launch>,
    on_named: Channel<ConnectResult>,
) -> Result<ConnectResult> {
    let heard = move |news| {
        let _ = on_named.send(messages::heard(news));
    };
    let outcome = core(&app).await?.browser.finish_connect(heard).await?;
    if let (ConnectOutcome::Connected(account), Some(path)) = (&outcome, last_seen::default_path())
    {
        last_seen::note(&path, Some(account));
    }
    Ok(messages::connect_result(outcome))
}

#[tauri::command]
pub async fn cancel_connect(app: State<'_, Launch>) -> Result<()> {
    core(&app).await?.session.cancel_connect();
    Ok(())
}

/// Exchange a code the user pasted; the running sign-in then ends connected.
#[tauri::command]
pub async fn submit_code(app: State<'_, Launch>, code: String) -> Result<()> {
    Ok(core(&app).await?.session.submit_code(&code).await?)
}

/// The person's answer to "Connect Dropbox as …?".
#[tauri::command]
pub async fn confirm_connect(app: State<'_, Launch>, yes: bool) -> Result<()> {
    Ok(core(&app).await?.session.confirm_connect(yes)?)
}

#[tauri::command]
pub async fn reopen_browser(app: State<'_, Launch>) -> Result<bool> {
    Ok(core(&app).await?.session.reopen().await?)
}

/// A new start link, for the person to paste into a browser.
#[tauri::command]
pub async fn start_link(app: State<'_, Launch>) -> Result<String> {
    Ok(core(&app).await?.session.start_link()?)
}

/// The connected accounts, the one in use marked.
#[tauri::command]
pub async fn accounts(app: State<'_, Launch>) -> Result<Vec<AccountEntry>> {
    let (profiles, current) = core(&app).await?.session.accounts().await?;
    Ok(AccountEntry::list(profiles, current))
}

#[tauri::command]
pub async fn switch_account(app: State<'_, Launch>, account_id: String) -> Result<Status> {
    let core = core(&app).await?;
    Ok(shown(core, core.browser.switch_account(&account_id).await).await)
}

/// Disconnect the account the window shows, named by the window.
#[tauri::command]
pub async fn disconnect(app: State<'_, Launch>, account_id: String) -> Result<Disconnected> {
    let done = core(&app).await?.browser.disconnect(&account_id).await?;
    if let (false, Some(path)) = (done.remaining, last_seen::default_path()) {
        last_seen::note(&path, None);
    }
    Ok(messages::disconnected(done))
}

/// Remove a saved sign-in that cannot be read (the window shows its problem, no account).
#[tauri::command]
pub async fn forget_unreadable(app: State<'_, Launch>) -> Result<()> {
    Ok(core(&app).await?.session.forget_unreadable().await?)
}

#[tauri::command]
pub async fn open_folder(
    app: State<'_, Launch>,
    path: String,
    path_lower: String,
    spec: ViewSpec,
    rows: usize,
    on_progress: Channel<Progress>,
) -> Result<Opened> {
    let report = Arc::new(move |p| {
        let _ = on_progress.send(messages::progress(p));
    });
    let browser = &core(&app).await?.browser;
    Ok(messages::opened(
        browser
            .open(&path, &path_lower, &spec, rows, report)
            .await?,
    ))
}

#[tauri::command]
pub async fn folder_window(
    app: State<'_, Launch>,
    path_lower: String,
    spec: ViewSpec,
    start: usize,
    count: usize,
) -> Result<Option<Window>> {
    let browser = &core(&app).await?.browser;
    Ok(browser.window(&path_lower, &spec, start, count))
}

#[tauri::command]
pub async fn folder_seek(
    app: State<'_, Launch>,
    path_lower: String,
    spec: ViewSpec,
    prefix: String,
    from: usize,
) -> Result<Option<usize>> {
    let browser = &core(&app).await?.browser;
    Ok(browser.seek(&path_lower, &spec, &prefix, from))
}

/// Download (unless cached) and open a file of the folder shown; a program only once the
/// person said so (`program`).
#[tauri::command]
pub async fn open_file(app: State<'_, Launch>, path_lower: String, program: bool) -> Result<()> {
    let programs = if program {
        Programs::Open
    } else {
        Programs::Ask
    };
    core(&app)
        .await?
        .browser
        .open_file(&path_lower, programs)
        .await?;
    Ok(())
}

/// "Save as…": the native save dialog, then a transfer into the place chosen (a folder
/// as its zip archive). Answers whether a place was chosen.
#[tauri::command]
pub async fn save_as<R: Runtime>(
    app: AppHandle<R>,
    window: WebviewWindow<R>,
    launch: State<'_, Launch>,
    path_lower: String,
) -> Result<bool> {
    let browser = &core(&launch).await?.browser;
    let name = browser.entry_at(&path_lower)?.saved_name();
    let Some(target) = dialogs::save_target(&app, &window, &name).await else {
        return Ok(false);
    };
    browser.save_as(&path_lower, target)?;
    Ok(true)
}

/// "Download to folder…": the native folder dialog, then a transfer per entry unless
/// names there are taken (the window then asks, and answers with `resolve_conflicts`).
#[tauri::command]
pub async fn download_to_folder<R: Runtime>(
    app: AppHandle<R>,
    window: WebviewWindow<R>,
    launch: State<'_, Launch>,
    paths: Vec<String>,
) -> Result<SaveChoice> {
    let browser = &core(&launch).await?.browser;
    let Some(dir) = dialogs::folder(&app, &window).await else {
        return Ok(messages::save_choice(None, &[]));
    };
    let refused = browser.refused_names(&paths)?;
    Ok(messages::save_choice(
        Some(browser.propose_save(&paths, dir)?),
        &refused,
    ))
}

/// What to do with the names already taken: `replace`, `keep_both`, `skip`, or none
/// (Cancel). Answers how many transfers started.
#[tauri::command]
pub async fn resolve_conflicts(
    launch: State<'_, Launch>,
    on_conflict: Option<OnConflict>,
) -> Result<usize> {
    let browser = &core(&launch).await?.browser;
    Ok(browser.files()?.confirm(on_conflict).len())
}

/// "Upload…": the native dialog picks files (or with `folders`, folders) on this
/// computer, each goes into `folder` (a folder of the app folder, as the window shows it)
/// as a transfer. The window never sees a local path.
#[tauri::command]
pub async fn upload_files<R: Runtime>(
    app: AppHandle<R>,
    window: WebviewWindow<R>,
    launch: State<'_, Launch>,
    folder: String,
    folders: Option<bool>,
) -> Result<UploadChoice> {
    let browser = &core(&launch).await?.browser;
    let picked = dialogs::to_upload(&app, &window, folders == Some(true)).await;
    Ok(messages::upload_choice(
        browser.propose_upload(picked, &folder).await?,
    ))
}

/// Go on with an upload whose names were taken, as the person answered (`None`: not at
/// all).
#[tauri::command]
pub async fn resolve_upload_conflicts(
    launch: State<'_, Launch>,
    on_conflict: Option<OnConflict>,
) -> Result<UploadChoice> {
    let browser = &core(&launch).await?.browser;
    Ok(messages::upload_choice(Ok(
        browser.confirm_upload(on_conflict)?
    )))
}

/// Files dropped on the window, waiting for the window to say where they go; and who
/// hears of drags (part of the Tauri layer: the drop event hands the paths to Rust only).
#[derive(Default)]
pub struct Drops {
    dropped: std::sync::Mutex<Vec<std::path::PathBuf>>,
    heard: std::sync::Mutex<Option<Channel<Dragged>>>,
}

impl Drops {
    /// A drag over the window, or a drop on it: keep a drop's paths, tell the window.
    pub fn on_event(&self, event: &tauri::DragDropEvent) {
        let (state, count, at) = match event {
            tauri::DragDropEvent::Enter { paths, position } => {
                ("over", paths.len(), Some(*position))
            }
            tauri::DragDropEvent::Over { position } => ("over", 0, Some(*position)),
            tauri::DragDropEvent::Drop { paths, position } => {
                *self.dropped.lock().unwrap_or_else(|e| e.into_inner()) = paths.clone();
                ("dropped", paths.len(), Some(*position))
            }
            tauri::DragDropEvent::Leave => ("left", 0, None),
            _ => return,
        };
        let heard = self.heard.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(channel) = heard {
            let (x, y) = at.map_or((0.0, 0.0), |p| (p.x, p.y));
            let _ = channel.send(Dragged { state, count, x, y });
        }
    }
}

/// Make a folder named `name` in the folder `folder` (its key `folder_lower`); where it is.
#[tauri::command]
pub async fn new_folder(
    launch: State<'_, Launch>,
    folder: String,
    folder_lower: String,
    name: String,
) -> Result<Made> {
    let browser = &core(&launch).await?.browser;
    let (path, path_lower) = browser.new_folder((&folder, &folder_lower), &name).await?;
    Ok(Made { path, path_lower })
}

/// Rename the entry at `path_lower` to `name`, in its folder; where it is now.
#[tauri::command]
pub async fn rename(launch: State<'_, Launch>, path_lower: String, name: String) -> Result<Made> {
    let browser = &core(&launch).await?.browser;
    let (path, path_lower) = browser.rename(&path_lower, &name).await?;
    Ok(Made { path, path_lower })
}

/// `along` as the core's progress callback.
fn along(channel: Channel<Along>) -> crate::browser::delete::Along {
    Arc::new(move |done, total| {
        let _ = channel.send(Along { done, total });
    })
}

/// Delete the entries at `paths` as one batch; what went, and the delete to undo.
#[tauri::command]
pub async fn delete_entries(
    launch: State<'_, Launch>,
    paths: Vec<String>,
    on_along: Channel<Along>,
) -> Result<Deleted> {
    let browser = &core(&launch).await?.browser;
    Ok(messages::deleted(
        browser.delete(&paths, along(on_along)).await?,
    ))
}

/// Bring back what the delete `undo` took.
#[tauri::command]
pub async fn undo_delete(
    launch: State<'_, Launch>,
    undo: u64,
    on_along: Channel<Along>,
) -> Result<Undone> {
    let browser = &core(&launch).await?.browser;
    Ok(messages::undone(
        browser.undo_delete(undo, along(on_along)).await?,
    ))
}

/// Move (or, with `copy`, copy) the entries at `paths` into the folder `into` (its key
/// `into_lower`).
#[tauri::command]
pub async fn relocate(
    launch: State<'_, Launch>,
    paths: Vec<String>,
    into: String,
    into_lower: String,
    copy: bool,
    on_along: Channel<Along>,
) -> Result<Relocated> {
    let browser = &core(&launch).await?.browser;
    Ok(messages::relocated(
        browser
            .relocate(&paths, (&into, &into_lower), copy, along(on_along))
            .await?,
    ))
}

/// The folders in the folder `path` (its key `path_lower`), for the folder picker.
#[tauri::command]
pub async fn subfolders(
    launch: State<'_, Launch>,
    path: String,
    path_lower: String,
) -> Result<Vec<Entry>> {
    let browser = &core(&launch).await?.browser;
    Ok(browser.subfolders(&path, &path_lower).await?)
}

/// What was deleted in the folder `path` (files and folders), newest deletion first.
#[tauri::command]
pub async fn deleted_files(launch: State<'_, Launch>, path: String) -> Result<Vec<DeletedEntry>> {
    let browser = &core(&launch).await?.browser;
    Ok(messages::deleted_entries(browser.deleted_in(&path).await?))
}

/// Bring the deleted file at `path` back at the revision `rev`, or, without one, the
/// deleted folder at `path` with what went with it; `on_along` hears how far that is.
#[tauri::command]
pub async fn restore_deleted(
    launch: State<'_, Launch>,
    path: String,
    rev: Option<String>,
    on_along: Channel<Along>,
) -> Result<()> {
    let browser = &core(&launch).await?.browser;
    match rev {
        Some(rev) => browser.restore_deleted(&path, &rev).await?,
        None => {
            browser
                .restore_deleted_folder(&path, along(on_along))
                .await?
        }
    }
    Ok(())
}

/// The versions of the file at `path_lower`, newest first.
#[tauri::command]
pub async fn versions(launch: State<'_, Launch>, path_lower: String) -> Result<Vec<Version>> {
    let browser = &core(&launch).await?.browser;
    Ok(messages::versions(browser.versions(&path_lower).await?))
}

/// The preview of the version `rev` of the file at `path_lower`.
#[tauri::command]
pub async fn preview_version(
    launch: State<'_, Launch>,
    path_lower: String,
    rev: String,
) -> Result<Preview> {
    let browser = &core(&launch).await?.browser;
    Ok(messages::preview(
        browser.preview_version(&path_lower, &rev).await?,
    ))
}

/// "Save a copy…" of a version: the native save dialog, then a transfer. Answers whether a
/// place was chosen.
#[tauri::command]
pub async fn save_version<R: Runtime>(
    app: AppHandle<R>,
    window: WebviewWindow<R>,
    launch: State<'_, Launch>,
    path_lower: String,
    rev: String,
) -> Result<bool> {
    let browser = &core(&launch).await?.browser;
    let name = browser.entry_at(&path_lower)?.saved_name();
    let Some(target) = dialogs::save_target(&app, &window, &name).await else {
        return Ok(false);
    };
    browser.save_version(&path_lower, &rev, target)?;
    Ok(true)
}

/// Make the version `rev` the file at `path_lower` again.
#[tauri::command]
pub async fn restore_version(
    launch: State<'_, Launch>,
    path_lower: String,
    rev: String,
) -> Result<()> {
    let browser = &core(&launch).await?.browser;
    Ok(browser.restore_version(&path_lower, &rev).await?)
}

/// Hear of files dragged over the window and dropped on it.
#[tauri::command]
pub fn watch_drops(drops: State<'_, Drops>, on_drag: Channel<Dragged>) {
    *drops.heard.lock().unwrap_or_else(|e| e.into_inner()) = Some(on_drag);
}

/// Upload the files dropped last into `folder` (the folder in view, or the folder row
/// they were dropped on); each drop is uploaded once.
#[tauri::command]
pub async fn upload_dropped(
    launch: State<'_, Launch>,
    drops: State<'_, Drops>,
    folder: String,
) -> Result<UploadChoice> {
    let dropped = std::mem::take(&mut *drops.dropped.lock().unwrap_or_else(|e| e.into_inner()));
    let browser = &core(&launch).await?.browser;
    Ok(messages::upload_choice(
        browser.propose_upload(dropped, &folder).await?,
    ))
}

/// Every transfer of this run; `on_change` hears of each change from now on.
#[tauri::command]
pub async fn watch_transfers(
    launch: State<'_, Launch>,
    on_change: Channel<Transfer>,
) -> Result<Vec<Transfer>> {
    let browser = &core(&launch).await?.browser;
    // Uploads an earlier run left unfinished, listed to Resume.
    browser.restore_uploads().await;
    let transfers = &browser.files()?.transfers;
    transfers.listen(Arc::new(move |r| {
        let _ = on_change.send(messages::transfer(r));
    }));
    Ok(transfers
        .reports()
        .into_iter()
        .map(messages::transfer)
        .collect())
}

#[tauri::command]
pub async fn cancel_transfer(launch: State<'_, Launch>, id: u64) -> Result<()> {
    core(&launch).await?.browser.files()?.transfers.cancel(id);
    Ok(())
}

/// Resume a failed transfer after what it kept, or start a cancelled one again.
#[tauri::command]
pub async fn retry_transfer(launch: State<'_, Launch>, id: u64) -> Result<bool> {
    Ok(core(&launch).await?.browser.files()?.transfers.retry(id))
}

/// Open a finished transfer's file (a program only once the person said so), or
/// (`folder`) show the folder it is in.
#[tauri::command]
pub async fn open_transferred(
    launch: State<'_, Launch>,
    id: u64,
    folder: bool,
    program: bool,
) -> Result<()> {
    let programs = if program {
        Programs::Open
    } else {
        Programs::Ask
    };
    let files = core(&launch).await?.browser.files()?;
    Ok(files.open_transferred(id, folder, programs).await?)
}

/// The preview panel's content for a file of the folder shown.
#[tauri::command]
pub async fn preview(launch: State<'_, Launch>, path_lower: String) -> Result<Preview> {
    let browser = &core(&launch).await?.browser;
    Ok(messages::preview(browser.preview(&path_lower).await?))
}

/// Search names in the whole app folder.
#[tauri::command]
pub async fn search(app: State<'_, Launch>, query: String) -> Result<Found> {
    let (entries, truncated) = core(&app).await?.session.search(&query, 200).await?;
    Ok(Found { entries, truncated })
}
