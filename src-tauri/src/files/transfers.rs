//! The transfers a person can watch and cancel. Uploads (`upload.rs` does the work) show
//! here beside downloads with the same progress, waits, Cancel and Retry, which goes on
//! from the session offset Dropbox confirmed. Each download runs in the background into
//! a part file of its own (`part`), is renamed onto its target only when complete (and, for
//! a file, matching Dropbox's content hash) and without replacing a file there unless the
//! person agreed (a name taken meanwhile gets the next free one, as "keep both" does), and
//! reports its progress (bytes, speed, time left) at most a few times a second. Transient
//! failures are retried per the session's retry policy with each wait shown (a 429's
//! `Retry-After` included); when they persist the transfer stops as failed with its part
//! kept, and Retry resumes it with a `Range` request. Cancel stops it and removes the part.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::part::Part;
use super::target;
use crate::error::{FileProblem, SessionError};
use crate::session::{Retry, Session};

/// Finished transfers kept in the list at most (the oldest go first).
const MAX_FINISHED: usize = 200;

/// How often a running transfer reports its bytes.
const REPORT_EVERY: Duration = Duration::from_millis(200);

/// What a transfer fetches.
#[derive(Clone, Debug)]
pub enum Job {
    /// One revision of a file.
    File { path: String, rev: String },
    /// A folder as a zip archive.
    Zip { path: String },
    /// A file from this computer, put into the app folder (the transfer's target is
    /// the commit's path there, so the window never learns the local one).
    Upload {
        local: super::upload::Local,
        commit: crate::dropbox::Commit,
    },
    /// A folder from this computer with its tree, into the app folder's `into`.
    UploadTree { root: PathBuf, into: String },
}

/// What a download fetches, as [`Transfers::run`] uses it.
#[derive(Clone, Copy)]
enum Download<'a> {
    File { path: &'a str, rev: &'a str },
    Zip { path: &'a str },
}

/// Why the person started it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Open,
    Save,
    Upload,
}

/// Where a transfer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Running,
    /// Waiting before trying again (Dropbox asked to slow down, or the network failed).
    Waiting(Duration),
    Done,
    Failed(SessionError),
    Cancelled,
}

/// One transfer as the window shows it.
#[derive(Clone, Debug)]
pub struct Report {
    pub id: u64,
    pub name: String,
    pub purpose: Purpose,
    pub target: PathBuf,
    pub done: u64,
    pub total: u64,
    /// Bytes per second in this attempt so far.
    pub rate: u64,
    pub phase: Phase,
    /// Where a finished upload is in the app folder: Dropbox's `path_display` and
    /// `path_lower`.
    pub uploaded_to: Option<(String, String)>,
    /// A replace found the file changed at Dropbox meanwhile: the upload was kept beside
    /// it under another name (`uploaded_to`), and theirs is as they left it.
    pub conflicted: bool,
}

/// Hears of every change of a transfer.
pub type Listener = Arc<dyn Fn(Report) + Send + Sync>;

/// Keeps where each unfinished upload stands, so that it can go on after a restart: told
/// the upload and its session (`None` once there is nothing to resume: done, cancelled,
/// or failed for good).
pub type UploadKeeper = Arc<
    dyn Fn(&super::upload::Local, &crate::dropbox::Commit, Option<&super::upload::Resume>)
        + Send
        + Sync,
>;

/// How an attempt of a transfer ended, once it has: its file, or why not.
pub type Settled = tokio::sync::watch::Receiver<Option<Result<PathBuf, SessionError>>>;

struct Transfer {
    name: String,
    purpose: Purpose,
    job: Job,
    target: PathBuf,
    /// The person agreed to replace a file at `target`.
    may_replace: bool,
    /// The part this transfer created, once it has.
    part: Option<Part>,
    /// An upload's session, where Dropbox confirmed it stands.
    resume: Option<super::upload::Resume>,
    /// Where a finished upload went (`path_display`, `path_lower`).
    uploaded_to: Option<(String, String)>,
    /// See [`Report::conflicted`].
    conflicted: bool,
    done: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
    phase: Phase,
    cancel: CancellationToken,
    /// The end of the latest attempt (`None` while it runs).
    settled: tokio::sync::watch::Sender<Option<Result<PathBuf, SessionError>>>,
    /// When this attempt started and how many bytes were there then.
    started: Instant,
    started_at: u64,
}

impl Transfer {
    /// Running, or waiting to try again.
    fn going(&self) -> bool {
        matches!(self.phase, Phase::Running | Phase::Waiting(_))
    }
}

pub struct Transfers {
    session: Arc<Session>,
    retry: Retry,
    list: Mutex<Vec<(u64, Transfer)>>,
    next: AtomicU64,
    listener: Mutex<Option<Listener>>,
    keeper: Mutex<Option<UploadKeeper>>,
}

impl Transfers {
    pub fn new(session: Arc<Session>) -> Arc<Self> {
        Arc::new(Transfers {
            session,
            retry: Retry::default(),
            list: Mutex::default(),
            next: AtomicU64::new(1),
            listener: Mutex::default(),
            keeper: Mutex::default(),
        })
    }

    /// The session the transfers run on.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Tell `keeper` where every upload stands from now on.
    pub fn keep_uploads(&self, keeper: UploadKeeper) {
        *self.keeper.lock().unwrap_or_else(|e| e.into_inner()) = Some(keeper);
    }

    fn keeper(&self) -> Option<UploadKeeper> {
        self.keeper
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// List an upload an earlier run left unfinished, stopped where its session stands:
    /// Retry (Resume) goes on from there. Returns its id.
    pub fn restore_upload(
        &self,
        name: &str,
        local: super::upload::Local,
        commit: crate::dropbox::Commit,
        resume: super::upload::Resume,
    ) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (settled, _) = tokio::sync::watch::channel(None);
        let target = PathBuf::from(&commit.path);
        let (size, offset) = (local.size, resume.offset);
        let transfer = Transfer {
            name: name.to_string(),
            purpose: Purpose::Upload,
            job: Job::Upload { local, commit },
            target,
            may_replace: false,
            part: None,
            resume: Some(resume),
            uploaded_to: None,
            conflicted: false,
            done: Arc::new(AtomicU64::new(offset)),
            total: Arc::new(AtomicU64::new(size)),
            // Stopped when the app was: the window offers Resume.
            phase: Phase::Failed(crate::dropbox::ApiError::Network("the app was closed").into()),
            cancel: CancellationToken::new(),
            settled,
            started: Instant::now(),
            started_at: offset,
        };
        let first = report(id, &transfer);
        self.list().push((id, transfer));
        self.tell(first);
        id
    }

    /// Send every change from now on to `listener` (the window).
    pub fn listen(&self, listener: Listener) {
        *self.listener.lock().unwrap_or_else(|e| e.into_inner()) = Some(listener);
    }

    fn list(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Transfer)>> {
        self.list.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The parts of the transfers that may still carry on: running, waiting, or failed
    /// (Retry resumes them).
    pub fn parts(&self) -> Vec<PathBuf> {
        self.list()
            .iter()
            .filter(|(_, t)| !matches!(t.phase, Phase::Done | Phase::Cancelled))
            .filter_map(|(_, t)| t.part.as_ref().map(|p| p.path().to_path_buf()))
            .collect()
    }

    /// Every transfer of this run, oldest first.
    pub fn reports(&self) -> Vec<Report> {
        self.list().iter().map(|(id, t)| report(*id, t)).collect()
    }

    /// Start fetching `job` into `target` (replacing a file there only when
    /// `may_replace`); the answer is the transfer's id and its end. A transfer into the
    /// same target that is still going is not started twice: its id and end are the answer.
    pub fn start(
        self: &Arc<Self>,
        name: &str,
        purpose: Purpose,
        job: Job,
        target: PathBuf,
        may_replace: bool,
    ) -> (u64, Settled) {
        let mut list = self.list();
        if let Some((id, t)) = list.iter().find(|(_, t)| t.target == target && t.going()) {
            return (*id, t.settled.subscribe());
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (settled, end) = tokio::sync::watch::channel(None);
        let transfer = Transfer {
            name: name.to_string(),
            purpose,
            job,
            target,
            may_replace,
            part: None,
            resume: None,
            uploaded_to: None,
            conflicted: false,
            done: Arc::default(),
            total: Arc::default(),
            phase: Phase::Running,
            cancel: CancellationToken::new(),
            settled,
            started: Instant::now(),
            started_at: 0,
        };
        let first = report(id, &transfer);
        list.push((id, transfer));
        // Keep the newest finished ones; what still runs always stays.
        let finished = list.iter().filter(|(_, t)| !t.going()).count();
        let mut extra = finished.saturating_sub(MAX_FINISHED);
        list.retain(|(_, t)| {
            let drop = extra > 0 && !t.going();
            extra -= usize::from(drop);
            !drop
        });
        drop(list);
        self.tell(first);
        self.spawn(id);
        (id, end)
    }

    /// Resume a failed transfer (after the bytes it kept) or start a cancelled one again.
    pub fn retry(self: &Arc<Self>, id: u64) -> bool {
        let restart = self.update(id, |t| {
            if !matches!(t.phase, Phase::Failed(_) | Phase::Cancelled) {
                return false;
            }
            t.phase = Phase::Running;
            t.cancel = CancellationToken::new();
            t.settled.send_replace(None);
            true
        });
        if restart == Some(true) {
            self.spawn(id);
        }
        restart == Some(true)
    }

    /// Stop a transfer; what it fetched is removed.
    pub fn cancel(&self, id: u64) {
        self.update(id, |t| t.cancel.cancel());
    }

    /// Stop every transfer (on Disconnect) and forget them; the listener hears that each
    /// that was still going is cancelled.
    pub fn cancel_all(&self) {
        let stopped: Vec<(u64, Transfer)> = self.list().drain(..).collect();
        for (id, mut t) in stopped {
            t.cancel.cancel();
            if t.going() {
                t.phase = Phase::Cancelled;
                t.settled
                    .send_replace(Some(Err(FileProblem::Cancelled.into())));
                self.tell(report(id, &t));
            }
        }
    }

    /// Change transfer `id` and tell the listener.
    fn update<T>(&self, id: u64, f: impl FnOnce(&mut Transfer) -> T) -> Option<T> {
        let (out, report) = {
            let mut list = self.list();
            let (_, t) = list.iter_mut().find(|(i, _)| *i == id)?;
            let out = f(t);
            (out, report(id, t))
        };
        self.tell(report);
        Some(out)
    }

    fn tell(&self, report: Report) {
        let listener = self
            .listener
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(listener) = listener {
            listener(report);
        }
    }

    fn spawn(self: &Arc<Self>, id: u64) {
        let this = self.clone();
        tokio::spawn(async move {
            let result = this.run(id).await;
            let phase = match &result {
                Ok(_) => Phase::Done,
                Err(SessionError::File(FileProblem::Cancelled)) => Phase::Cancelled,
                Err(e) => Phase::Failed(e.clone()),
            };
            this.update(id, |t| {
                t.phase = phase;
                t.settled.send_replace(Some(result));
            });
        });
    }

    async fn run(self: &Arc<Self>, id: u64) -> Result<PathBuf, SessionError> {
        let Some((job, target, done, total, cancel)) = self.update(id, |t| {
            t.started = Instant::now();
            t.started_at = t.done.load(Ordering::Relaxed);
            (
                t.job.clone(),
                t.target.clone(),
                t.done.clone(),
                t.total.clone(),
                t.cancel.clone(),
            )
        }) else {
            return Err(SessionError::File(FileProblem::Cancelled));
        };
        let last = Mutex::new(Instant::now());
        let on_bytes = |d: u64, n: u64| {
            done.store(d, Ordering::Relaxed);
            total.store(n, Ordering::Relaxed);
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() >= REPORT_EVERY {
                *last = Instant::now();
                self.update(id, |_| ());
            }
        };
        let download = match &job {
            Job::File { path, rev } => Download::File { path, rev },
            Job::Zip { path } => Download::Zip { path },
            Job::Upload { local, commit } => {
                return self
                    .upload(id, local, commit, &on_bytes, &cancel)
                    .await
                    .map(|()| target);
            }
            Job::UploadTree { root, into } => {
                return self
                    .upload_tree(id, root, into, &on_bytes, &cancel)
                    .await
                    .map(|()| target);
            }
        };
        let rev = match download {
            Download::File { rev, .. } => Some(rev),
            Download::Zip { .. } => None,
        };
        let mut attempt = 0;
        let result = loop {
            let (part, have) = self
                .open_part(id, &target, rev)
                .map_err(|e| FileProblem::disk(&target, &e))?;
            let fetched = match download {
                Download::File { path, rev } => self
                    .session
                    .download(path, Some(rev), &part, have, &target, &on_bytes, &cancel)
                    .await
                    .map(drop),
                Download::Zip { path } => self
                    .session
                    .download_zip(path, &part, &target, &on_bytes, &cancel)
                    .await
                    .map(drop),
            };
            match fetched {
                Err(e) if e.is_transient() => match self.retry.delay(&e, attempt) {
                    Some(wait) => {
                        attempt += 1;
                        self.update(id, |t| t.phase = Phase::Waiting(wait));
                        tokio::select! {
                            () = cancel.cancelled() => break Err(FileProblem::Cancelled.into()),
                            () = tokio::time::sleep(wait) => {}
                        }
                        self.update(id, |t| t.phase = Phase::Running);
                    }
                    // The part stays for a resume.
                    None => return Err(e),
                },
                other => break other,
            }
        };
        let part = self
            .list()
            .iter()
            .find(|(i, _)| *i == id)
            .and_then(|(_, t)| t.part.clone());
        let Some(part) = part else {
            return Err(FileProblem::Cancelled.into());
        };
        match result {
            Ok(()) => self.finish(id, &part, target),
            Err(e) => {
                part.discard();
                Err(e)
            }
        }
    }

    /// Put a local file into the app folder, from where its session stands if an earlier
    /// attempt left one.
    async fn upload(
        &self,
        id: u64,
        local: &super::upload::Local,
        commit: &crate::dropbox::Commit,
        on_bytes: &(dyn Fn(u64, u64) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<(), SessionError> {
        use super::upload::{Resume, Upload, CHUNK};
        let resume = self.update(id, |t| t.resume.clone()).flatten();
        let keeper = self.keeper();
        let on_saved = |r: Option<&Resume>| {
            self.update(id, |t| t.resume = r.cloned());
            if let Some(keep) = &keeper {
                keep(local, commit, r);
            }
        };
        let on_wait = |wait: Option<Duration>| {
            self.update(id, |t| {
                t.phase = wait.map_or(Phase::Running, Phase::Waiting);
            });
        };
        let meta = Upload {
            session: &self.session,
            local,
            commit,
            chunk: CHUNK,
            retry: self.retry,
            on_bytes,
            on_saved: &on_saved,
            on_wait: &on_wait,
            cancel,
        }
        .run(resume)
        .await;
        // Cancelled by the person, or refused for good: nothing to resume after a restart.
        // Stopped because the account was put down (a switch, Disconnect), it stays kept:
        // it resumes when that account is in use again.
        let put_down = self.update(id, |_| ()).is_none();
        if let (Err(e), Some(keep)) = (&meta, &keeper) {
            if !e.is_transient() && !put_down {
                keep(local, commit, None);
            }
        }
        let meta = match meta {
            Ok(meta) => meta,
            Err(e) => return Err(self.room_needed(e, local.size).await),
        };
        if let (Some(path), Some(lower)) = (meta.path_display, meta.path_lower) {
            // A replace of a revision that is no longer the latest lands beside it.
            let conflicted = matches!(commit.mode, crate::dropbox::WriteMode::Update(_))
                && lower != commit.path.to_lowercase();
            self.update(id, |t| {
                t.uploaded_to = Some((path, lower));
                t.conflicted = conflicted;
            });
        }
        Ok(())
    }

    /// Put a local folder into the app folder with its tree; files Dropbox refused make
    /// it fail with how many and the first, once the rest are up.
    async fn upload_tree(
        &self,
        id: u64,
        root: &Path,
        into: &str,
        on_bytes: &(dyn Fn(u64, u64) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<(), SessionError> {
        let on_wait = |wait: Option<Duration>| {
            self.update(id, |t| {
                t.phase = wait.map_or(Phase::Running, Phase::Waiting);
            });
        };
        let outcome = super::upload_tree::TreeUpload {
            session: &self.session,
            root,
            into,
            chunk: super::upload::CHUNK,
            retry: self.retry,
            on_bytes,
            on_wait: &on_wait,
            cancel,
        }
        .run()
        .await?;
        // Where the folder is now, for "Show in Dropdesk".
        let name = root.file_name().unwrap_or_default().to_string_lossy();
        if let Ok(crate::dropbox::Metadata::Folder(f)) =
            self.session.metadata(&format!("{into}/{name}")).await
        {
            if let (Some(path), Some(lower)) = (f.path_display, f.path_lower) {
                self.update(id, |t| t.uploaded_to = Some((path, lower)));
            }
        }
        match outcome.refused.into_iter().next() {
            None => Ok(()),
            Some((first, why)) => Err(FileProblem::NotAllUploaded {
                refused: outcome.refused_count,
                first,
                why: Box::new(self.room_needed(why, outcome.no_room).await),
            }
            .into()),
        }
    }

    /// `e`, or when it is Dropbox's `insufficient_space` for `bytes`, how much more room
    /// they need than Dropbox has free now (as far as Dropbox says).
    async fn room_needed(&self, e: SessionError, bytes: u64) -> SessionError {
        if !super::upload_tree::is_insufficient_space(&e) {
            return e;
        }
        match self.session.space_usage().await {
            Ok(usage) => {
                let free = usage
                    .allocated()
                    .map_or(0, |all| all.saturating_sub(usage.used));
                FileProblem::NoRoom {
                    needed: bytes.saturating_sub(free).max(1),
                    free,
                }
                .into()
            }
            Err(_) => e,
        }
    }

    /// The part of transfer `id` to write into, and the bytes it holds: the one this
    /// transfer created, when it is still that file and holds revision `rev`; else a new
    /// one (an older part of this transfer's own is removed; a file found at a part's
    /// name is never used nor removed).
    fn open_part(
        &self,
        id: u64,
        target: &Path,
        rev: Option<&str>,
    ) -> std::io::Result<(std::fs::File, u64)> {
        let kept = self
            .list()
            .iter()
            .find(|(i, _)| *i == id)
            .and_then(|(_, t)| t.part.clone());
        if let Some(part) = &kept {
            if let Some(resumed) = part.reopen(rev)? {
                return Ok(resumed);
            }
            part.discard();
        }
        let (part, file) = Part::create(target, rev)?;
        if let Some((_, t)) = self.list().iter_mut().find(|(i, _)| *i == id) {
            t.part = Some(part);
        }
        Ok((file, 0))
    }

    /// Rename the complete part onto `target`; when a file appeared there meanwhile that
    /// the person did not agree to replace, onto the next free name beside it.
    fn finish(&self, id: u64, part: &Part, target: PathBuf) -> Result<PathBuf, SessionError> {
        let may_replace = self
            .list()
            .iter()
            .find(|(i, _)| *i == id)
            .is_some_and(|(_, t)| t.may_replace);
        let dir = target.parent().unwrap_or(Path::new("")).to_path_buf();
        let name = target
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut to = target;
        for _ in 0..10 {
            match part.finish(&to, may_replace) {
                Ok(()) => {
                    let settled = to.clone();
                    self.update(id, |t| t.target = settled);
                    return Ok(to);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    to = target::free_name(&dir, &name);
                }
                Err(e) => return Err(FileProblem::disk(&to, &e).into()),
            }
        }
        Err(FileProblem::disk(&to, &std::io::ErrorKind::AlreadyExists.into()).into())
    }
}

fn report(id: u64, t: &Transfer) -> Report {
    let done = t.done.load(Ordering::Relaxed);
    let secs = t.started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        (done.saturating_sub(t.started_at) as f64 / secs) as u64
    } else {
        0
    };
    Report {
        id,
        name: t.name.clone(),
        purpose: t.purpose,
        target: t.target.clone(),
        done,
        total: t.total.load(Ordering::Relaxed),
        rate,
        phase: t.phase.clone(),
        uploaded_to: t.uploaded_to.clone(),
        conflicted: t.conflicted,
    }
}
