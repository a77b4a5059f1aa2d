//! The app-folder browser: a cache of listings per folder, each with its cursor. Opening a
//! folder shows the first page (or the cached listing) at once, then fetches the rest or
//! the changes since the cursor in the background, reporting progress. A `reset` lists
//! again from scratch; a vanished folder falls back to its nearest existing parent.
//! While a folder is open it is watched for changes (`live`). A folder the person makes
//! here is shown at once, before the watch hears of it; so is one deleted or brought back
//! (`delete`). Every cached listing and
//! every background task belongs to one grant: Disconnect and a
//! revocation start a new generation, abort the tasks and clear the cache, and a page that
//! answers late for an older generation is dropped, never stored or shown.

mod batch;
pub mod delete;
mod live;
pub mod preview;
pub mod relocate;
mod saved;
pub mod trash;
pub mod versions;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::task::AbortHandle;

use crate::dropbox::RouteError;
use crate::error::FileProblem;
use crate::files::{Files, OnConflict, Programs};
use crate::listing::{Change, Listing, Page};
use crate::session::{ConnectOutcome, Heard, Revoke, Session, SessionError};
use crate::store::ListingStore;
use crate::view::{self, AccountView, Entry, Kind, ViewSpec, Window};

/// What happened to a folder while it loads or refreshes, with the error typed.
pub type Progress = view::Progress<SessionError>;

/// The folder that was opened.
#[derive(Clone, Debug)]
pub struct Opened {
    /// The path actually shown (a parent, when the asked one vanished).
    pub path: String,
    pub path_lower: String,
    /// The name of the folder asked for, when it vanished and a parent is shown instead.
    pub vanished: Option<String>,
    pub from_cache: bool,
    /// Taken from the store on disk, written at this time (unix seconds).
    pub saved_at: Option<u64>,
    /// The first rows of the view asked for, so the UI can draw without another call.
    pub first: Option<Window>,
}

pub type Reporter = Arc<dyn Fn(Progress) + Send + Sync>;

pub struct Browser {
    session: Arc<Session>,
    /// Downloads and opens files (none in tests that only browse).
    files: Option<Files>,
    /// Keeps listings on disk (none in tests that only browse).
    store: Option<Arc<ListingStore>>,
    /// The account whose folders are cached now.
    account: Mutex<Option<String>>,
    cache: Mutex<Cache>,
    tasks: Mutex<Vec<AbortHandle>>,
    /// The one long-poll: of the folder open now.
    watcher: Mutex<Option<AbortHandle>>,
    /// The deletes Undo may still bring back.
    undoable: Mutex<delete::Undoable>,
}

#[derive(Default)]
struct Cache {
    /// Bumped when the grant the listings belong to is gone.
    generation: u64,
    folders: HashMap<String, Listing>,
}

/// Forget the cached listings of the folders `removed` and of every folder below them.
fn drop_below(folders: &mut HashMap<String, Listing>, removed: &[String]) {
    for gone in removed {
        let below = format!("{gone}/");
        folders.retain(|k, _| k != gone && !k.starts_with(&below));
    }
}

fn parent(path: &str) -> &str {
    &path[..path.rfind('/').unwrap_or(0)]
}

impl Browser {
    pub fn new(session: Arc<Session>) -> Arc<Self> {
        Browser::with_parts(session, None, None)
    }

    pub fn with_parts(
        session: Arc<Session>,
        files: Option<Files>,
        store: Option<Arc<ListingStore>>,
    ) -> Arc<Self> {
        let browser = Arc::new(Browser {
            session,
            files,
            store,
            account: Mutex::default(),
            cache: Mutex::default(),
            tasks: Mutex::default(),
            watcher: Mutex::default(),
            undoable: Mutex::default(),
        });
        browser.keep_uploads_in_store();
        browser
    }

    fn cache(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An entry of a cached folder.
    fn entry(&self, path_lower: &str) -> Option<Entry> {
        let parent = &path_lower[..path_lower.rfind('/').unwrap_or(0)];
        self.cache().folders.get(parent)?.get(path_lower)
    }

    /// The entries at `paths` (lower case) of cached folders, each still there.
    fn entries(&self, paths: &[String]) -> Result<Vec<Entry>, SessionError> {
        paths
            .iter()
            .map(|p| self.entry(p).ok_or(SessionError::File(FileProblem::Gone)))
            .collect()
    }

    pub fn files(&self) -> Result<&Files, SessionError> {
        self.files
            .as_ref()
            .ok_or(SessionError::File(FileProblem::NoOpener))
    }

    /// Open the file at `path_lower` of a cached folder: downloaded (unless this revision is
    /// cached) and handed to the system's default program (a program only as `programs`
    /// says). Returns the local copy.
    pub async fn open_file(
        &self,
        path_lower: &str,
        programs: Programs,
    ) -> Result<std::path::PathBuf, SessionError> {
        let entry = self
            .entry(path_lower)
            .filter(|e| e.kind == Kind::File)
            .ok_or(SessionError::File(FileProblem::Gone))?;
        self.files()?.open(&entry, programs).await
    }

    /// Save copies of the entries at `paths` into `dir`; returns the transfers started.
    pub fn save(
        &self,
        paths: &[String],
        dir: &Path,
        on_conflict: OnConflict,
    ) -> Result<Vec<u64>, SessionError> {
        Ok(self.files()?.save(&self.entries(paths)?, dir, on_conflict))
    }

    /// Save copies of the entries at `paths` into `dir`, or (`Err`) the names taken there
    /// that the person is to decide about first (`Files::confirm`).
    pub fn propose_save(
        &self,
        paths: &[String],
        dir: PathBuf,
    ) -> Result<Result<Vec<u64>, Vec<String>>, SessionError> {
        Ok(self.files()?.propose(self.entries(paths)?, dir))
    }

    /// The names among `paths` that cannot be file names on this computer (a `\`, say,
    /// legal in a Dropbox name): they are not saved, and the window says so.
    pub fn refused_names(&self, paths: &[String]) -> Result<Vec<String>, SessionError> {
        Ok(self
            .entries(paths)?
            .into_iter()
            .filter(|e| !crate::files::safe_name(&e.name))
            .map(|e| e.name)
            .collect())
    }

    /// Which names saving `paths` into `dir` would find taken.
    pub fn conflicts(&self, paths: &[String], dir: &Path) -> Result<Vec<String>, SessionError> {
        Ok(self.files()?.conflicts(&self.entries(paths)?, dir))
    }

    /// The entry at `path_lower` of a cached folder.
    pub fn entry_at(&self, path_lower: &str) -> Result<Entry, SessionError> {
        self.entry(path_lower)
            .ok_or(SessionError::File(FileProblem::Gone))
    }

    /// Save a copy of the entry at `path_lower` as `target`; returns the transfer.
    pub fn save_as(&self, path_lower: &str, target: PathBuf) -> Result<u64, SessionError> {
        let entry = self
            .entry(path_lower)
            .ok_or(SessionError::File(FileProblem::Gone))?;
        Ok(self.files()?.save_as(&entry, target))
    }

    /// Upload files and folders from this computer into `folder`, unless files' names
    /// are taken there (then the names, and [`Browser::confirm_upload`] goes on); see
    /// [`Files::propose_upload`].
    pub async fn propose_upload(
        &self,
        picked: Vec<PathBuf>,
        folder: &str,
    ) -> Result<Result<crate::files::Enqueued, Vec<String>>, SessionError> {
        Ok(self.files()?.propose_upload(picked, folder).await)
    }

    /// Go on with the uploads kept waiting, taken names handled per `on_conflict`.
    pub fn confirm_upload(
        &self,
        on_conflict: Option<OnConflict>,
    ) -> Result<crate::files::Enqueued, SessionError> {
        Ok(self.files()?.confirm_upload(on_conflict))
    }

    /// Make a folder named `name` in the folder `folder` (its path and its key, `""` for
    /// the root); the new folder's path and key. A name Dropbox would refuse, or one the
    /// cached listing already has (whatever its case), is refused before any request; one
    /// taken at Dropbox meanwhile is refused by Dropbox. Nothing is overwritten. The
    /// cached listing shows the folder at once.
    pub async fn new_folder(
        &self,
        (folder, folder_lower): (&str, &str),
        name: &str,
    ) -> Result<(String, String), SessionError> {
        use crate::dropbox::{ApiError, Conflict, Metadata, PathError};
        use crate::files::names;
        names::check(name).map_err(FileProblem::NameRefused)?;
        let taken = || FileProblem::NameTaken { name: name.into() }.into();
        if self.entry(&names::key_in(folder_lower, name)).is_some() {
            return Err(taken());
        }
        match self
            .session
            .create_folder(&format!("{folder}/{name}"))
            .await
        {
            Ok(made) => {
                let at = (
                    made.path_display.clone().unwrap_or_default(),
                    made.path_lower.clone().unwrap_or_default(),
                );
                self.show_at_once(folder_lower, [Metadata::Folder(made).into()]);
                Ok(at)
            }
            Err(SessionError::Api(ApiError::Route {
                error:
                    RouteError::Path {
                        path:
                            PathError::Conflict {
                                conflict: Conflict::File | Conflict::Folder,
                            },
                    },
                ..
            })) => Err(taken()),
            Err(e) => Err(e),
        }
    }

    /// Rename the entry at `path_lower` (of a cached folder) to `name`, in the same folder;
    /// its new path and key. Checked as [`Browser::new_folder`] checks a name (a name that
    /// differs only in case is a rename, not a name taken). Dropbox moves it without
    /// autorename: a name taken there meanwhile is refused, one moved or deleted meanwhile
    /// is `Gone`; nothing is overwritten. The cached listing shows the new name at once
    /// (Dropbox does not report a change of case to the watch).
    pub async fn rename(
        &self,
        path_lower: &str,
        name: &str,
    ) -> Result<(String, String), SessionError> {
        use crate::dropbox::{ApiError, Conflict, PathError};
        use crate::files::names;
        let entry = self.entry_at(path_lower)?;
        names::check(name).map_err(FileProblem::NameRefused)?;
        if name == entry.name {
            return Ok((entry.path, entry.path_lower));
        }
        let (folder, folder_lower) = (parent(&entry.path), parent(&entry.path_lower));
        let taken = || FileProblem::NameTaken { name: name.into() }.into();
        let key = names::key_in(folder_lower, name);
        if key != entry.path_lower && self.entry(&key).is_some() {
            return Err(taken());
        }
        let to = format!("{folder}/{name}");
        match self.session.move_entry(&entry.path, &to).await {
            Ok(moved) => {
                let now: Change = moved.into();
                let at = match &now {
                    Change::Upsert(e) => (e.path.clone(), e.path_lower.clone()),
                    Change::Removed(_) => (to, key),
                };
                self.show_at_once(
                    folder_lower,
                    [Change::Removed(entry.path_lower.clone()), now],
                );
                Ok(at)
            }
            Err(SessionError::Api(ApiError::Route {
                error:
                    RouteError::To {
                        to:
                            PathError::Conflict {
                                conflict: Conflict::File | Conflict::Folder,
                            },
                    },
                ..
            })) => Err(taken()),
            Err(SessionError::Api(ApiError::Route {
                error:
                    RouteError::FromLookup {
                        from_lookup: PathError::NotFound,
                    },
                ..
            })) => Err(FileProblem::Gone.into()),
            Err(e) => Err(e),
        }
    }

    /// Changes Dropdesk itself just made at Dropbox, shown at once in the cached listing
    /// of `folder_lower` (the watch hears of them later and applies them again: the same
    /// rows). Cached listings below what was removed are dropped. The cursor stays where
    /// it was.
    fn show_at_once(&self, folder_lower: &str, changes: impl IntoIterator<Item = Change>) {
        let mut cache = self.cache();
        if let Some(listing) = cache.folders.get_mut(folder_lower) {
            let removed = listing.apply(changes);
            drop_below(&mut cache.folders, &removed);
        }
    }

    /// The grant is gone: forget its listings, its downloaded files and stop its
    /// background work.
    fn forget_all(&self) {
        if let Some(files) = &self.files {
            files.clear();
        }
        self.forget_undoable();
        {
            let mut cache = self.cache();
            cache.generation += 1;
            cache.folders.clear();
        }
        for task in self
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            task.abort();
        }
    }

    /// Show `path`: a cached listing at once (then its changes), or the first page (then
    /// the rest), in the background, with `report` told of every step. The answer carries
    /// the first `rows` rows of the view `spec`. The folder is keyed by `path_lower` as
    /// Dropbox gave it (Rust's lower-casing is not Dropbox's: `İ`, a final `Σ`, …).
    pub async fn open(
        self: &Arc<Self>,
        path: &str,
        path_lower: &str,
        spec: &ViewSpec,
        rows: usize,
        report: Reporter,
    ) -> Result<Opened, SessionError> {
        let key = path_lower.to_string();
        // Whose folders these are: a sign-in of the same account keeps them.
        self.account().await;
        let generation = self.cache().generation;
        let in_memory = self.cache().folders.contains_key(&key);
        let saved_at = if in_memory {
            None
        } else {
            self.from_store(generation, &key).await
        };
        if in_memory || saved_at.is_some() {
            let first = self.window(&key, spec, 0, rows);
            self.refresh_in_background(generation, &key, report.clone());
            self.watch(generation, &key, report);
            return Ok(Opened {
                path: path.to_string(),
                path_lower: key,
                vanished: None,
                from_cache: true,
                saved_at,
                first,
            });
        }
        let mut shown = path.to_string();
        let mut key = key;
        let first = loop {
            match self.session.list_folder(&shown).await {
                Ok(page) => break page,
                Err(SessionError::Api(e))
                    if !shown.is_empty()
                        && e.route_error().is_some_and(|r| r.is_missing_folder()) =>
                {
                    shown = parent(&shown).to_string();
                    key = parent(&key).to_string();
                }
                Err(e) => return Err(self.forget_if_revoked(e)),
            }
        };
        let vanished = (shown != path).then(|| path.rsplit('/').next().unwrap_or(path).to_string());
        let cursor = first.cursor.clone();
        let more = first.has_more;
        if self.store_page(generation, &key, first, true).is_none() {
            // Disconnected while the first page was on its way.
            return Err(SessionError::NotConnected);
        }
        if more {
            self.fill_in_background(generation, &key, cursor, report.clone());
        } else {
            self.persist(generation, &key);
        }
        self.watch(generation, &key, report);
        Ok(Opened {
            first: self.window(&key, spec, 0, rows),
            path: shown,
            path_lower: key,
            vanished,
            from_cache: false,
            saved_at: None,
        })
    }

    /// Rows of a cached folder's view.
    pub fn window(
        &self,
        path_lower: &str,
        spec: &ViewSpec,
        start: usize,
        count: usize,
    ) -> Option<Window> {
        let mut cache = self.cache();
        cache
            .folders
            .get_mut(path_lower)
            .map(|l| l.window(spec, start, count.min(1000)))
    }

    /// Type-ahead within a cached folder's view.
    pub fn seek(
        &self,
        path_lower: &str,
        spec: &ViewSpec,
        prefix: &str,
        from: usize,
    ) -> Option<usize> {
        self.cache()
            .folders
            .get_mut(path_lower)?
            .seek(spec, prefix, from)
    }

    /// Use another connected account: nothing of the one put down (its listings, files,
    /// background work, late answers) reaches the next.
    pub async fn switch_account(&self, account_id: &str) -> Result<AccountView, SessionError> {
        self.forget_all();
        self.session.switch(account_id).await
    }

    /// Wait for the running sign-in (`heard` hears of the account early, see
    /// [`Session::finish_connect`]); when it connects another account, nothing cached for
    /// the one before reaches it. The same account signed in again (for write access)
    /// keeps its folders.
    pub async fn finish_connect(
        &self,
        heard: impl Fn(Heard),
    ) -> Result<ConnectOutcome, SessionError> {
        let outcome = self.session.finish_connect(heard).await?;
        if let ConnectOutcome::Connected(account) = &outcome {
            // Another account's folders are not this one's. The same account signed in
            // again (asked for write access, say) keeps its folders and their watch.
            let same = self
                .account
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_deref()
                == Some(account.account_id.as_str());
            if !same {
                self.forget_all();
            }
        }
        Ok(outcome)
    }

    /// Disconnect `account_id`, and forget every listing of it, cached or stored.
    pub async fn disconnect(&self, account_id: &str) -> Result<Revoke, SessionError> {
        self.forget_all();
        let done = self.session.disconnect(account_id).await;
        if done.is_ok() {
            self.forget_stored(Some(account_id.to_string()));
        }
        done
    }

    fn forget_if_revoked(&self, e: SessionError) -> SessionError {
        if e == SessionError::Revoked {
            let account = self
                .account
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            self.forget_all();
            self.forget_stored(account);
        }
        e
    }

    /// Apply a page to a folder's listing (a fresh one when `first`), and drop cached
    /// listings below anything that was deleted. `None`, and nothing stored, when the page
    /// belongs to an older generation or its folder is no longer cached. The progress names
    /// the rows a change added or replaced in a listing that was complete (`fresh`); the
    /// changes come back too then, for the store on disk.
    fn store_page(
        &self,
        generation: u64,
        key: &str,
        page: Page,
        first: bool,
    ) -> Option<(Progress, Option<Vec<Change>>)> {
        let mut cache = self.cache();
        if cache.generation != generation {
            return None;
        }
        let folders = &mut cache.folders;
        let listing = if first {
            let listing = folders.entry(key.to_string()).or_default();
            listing.clear();
            listing
        } else {
            folders.get_mut(key)?
        };
        let delta = (listing.complete && !first).then(|| page.changes.clone());
        let fresh = delta
            .iter()
            .flatten()
            .filter_map(|c| match c {
                Change::Upsert(e) => Some(e.path_lower.clone()),
                Change::Removed(_) => None,
            })
            .collect();
        let was_complete = listing.complete;
        let removed = listing.apply(page.changes);
        listing.cursor = page.cursor;
        listing.complete = !page.has_more;
        if listing.complete && !was_complete {
            listing.shrink_to_fit();
        }
        // Heard from Dropbox: no longer the stored copy.
        listing.saved_at = None;
        let progress = Progress {
            path_lower: key.to_string(),
            loaded: listing.len(),
            complete: listing.complete,
            version: listing.version,
            gone: false,
            fresh,
            saved_at: None,
            problem: None,
        };
        drop_below(folders, &removed);
        Some((progress, delta))
    }

    fn refresh_in_background(self: &Arc<Self>, generation: u64, key: &str, report: Reporter) {
        let cursor = {
            let mut cache = self.cache();
            let Some(listing) = cache.folders.get_mut(key) else {
                return;
            };
            if listing.loading {
                return;
            }
            listing.cursor.clone()
        };
        self.fill_in_background(generation, key, cursor, report);
    }

    /// Follow `cursor` until `has_more` is false, in a background task of `generation`.
    fn fill_in_background(
        self: &Arc<Self>,
        generation: u64,
        key: &str,
        cursor: String,
        report: Reporter,
    ) {
        let me = self.clone();
        let key = key.to_string();
        let task = tokio::spawn(async move { me.fill(generation, &key, cursor, &report).await });
        self.track(task.abort_handle());
    }

    /// Remember a background task, so that Disconnect can stop it.
    fn track(&self, task: AbortHandle) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        tasks.retain(|t| !t.is_finished());
        tasks.push(task);
    }

    /// Follow `cursor` until `has_more` is false, reporting every page; a `reset` cursor
    /// lists the folder again from scratch. Then the store on disk is brought up to date:
    /// with just the changes when every page was a change to a complete listing.
    async fn fill(self: &Arc<Self>, generation: u64, key: &str, cursor: String, report: &Reporter) {
        if let Some(l) = self.cache().folders.get_mut(key) {
            l.loading = true;
        }
        let from = cursor.clone();
        let mut delta = Some(Vec::new());
        let mut cursor = cursor;
        let mut first = false;
        loop {
            let page = if first {
                self.session.list_folder(key).await
            } else {
                self.session.list_folder_continue(&cursor).await
            };
            match page {
                Ok(page) => {
                    let more = page.has_more;
                    cursor = page.cursor.clone();
                    let Some((progress, changes)) = self.store_page(generation, key, page, first)
                    else {
                        break;
                    };
                    match (&mut delta, changes) {
                        (Some(all), Some(changes)) => all.extend(changes),
                        _ => delta = None,
                    }
                    first = false;
                    report(progress);
                    if !more {
                        break;
                    }
                }
                Err(SessionError::Api(e))
                    if !first && e.route_error() == Some(RouteError::Reset) =>
                {
                    // The cursor is no longer valid: list again from scratch.
                    first = true;
                }
                Err(e) => {
                    self.report_failure(generation, key, e, report);
                    break;
                }
            }
        }
        if let Some(l) = self.cache().folders.get_mut(key) {
            l.loading = false;
        }
        match delta {
            Some(changes) => self.persist_changes(generation, key, from, changes),
            None => self.persist(generation, key),
        }
    }

    fn report_failure(&self, generation: u64, key: &str, e: SessionError, report: &Reporter) {
        if self.cache().generation != generation {
            return;
        }
        let e = self.forget_if_revoked(e);
        if let SessionError::Api(api) = &e {
            if api.route_error().is_some_and(|r| r.is_missing_folder()) {
                self.cache().folders.remove(key);
                self.forget_stored_folder(key);
                report(Progress {
                    path_lower: key.to_string(),
                    loaded: 0,
                    complete: false,
                    version: 0,
                    gone: true,
                    fresh: Vec::new(),
                    saved_at: None,
                    problem: None,
                });
                return;
            }
        }
        let (loaded, complete, version, saved_at) = self
            .cache()
            .folders
            .get(key)
            .map_or((0, false, 0, None), |l| {
                (l.len(), l.complete, l.version, l.saved_at)
            });
        report(Progress {
            path_lower: key.to_string(),
            loaded,
            complete,
            version,
            gone: false,
            fresh: Vec::new(),
            saved_at,
            problem: Some(e),
        });
    }
}
