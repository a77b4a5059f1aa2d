//! A folder from this computer put into the app folder with its tree, as one transfer.
//! The folder is walked twice, lazily (never a list of its files in memory): once to add
//! up its size, so progress means something from the start, then to upload. Files that
//! fit in one chunk each go into an upload session closed at once, several on the wire at
//! a time under a byte budget, and are committed
//! together by `finish_batch_v2`, up to 1,000 at a time: one write to the account instead
//! of one per file, so Dropbox's `too_many_write_operations` is rarely met (and waited out
//! as `Retry-After` says when it is). Larger files go through `upload.rs` one by one.
//!
//! Links are not followed (each is listed as not uploaded), nor are files Dropbox refuses
//! (a taken name, a refused name): each is listed with why, and the rest go on. Folders
//! come into being with the files in them; a folder with nothing in it is made on its own
//! (`create_folder_v2`; one already there is fine).

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio_util::sync::CancellationToken;

use super::upload::{read_whole, retrying, Local, Upload};
use crate::dropbox::{
    timestamp, ApiError, Commit, Conflict, Finish, PathError, RouteError, WriteMode, MAX_BATCH,
};
use crate::error::{FileProblem, SessionError};
use crate::session::{Retry, Session};

/// How many refusals are kept by name; past it, they are only counted.
const NAMED_REFUSALS: usize = 100;

/// Small files sent at once: each is a request of its own (Dropbox has no request for
/// several files' bytes), so over a real network their round trips overlap. Only the
/// commits must not, and they are one batch.
pub const PARALLEL: usize = 8;

/// Bytes of small files on the wire at once, at most (one file alone may be larger).
const IN_FLIGHT_BYTES: u64 = 32 << 20;

/// One folder upload and what it reports to.
pub struct TreeUpload<'a> {
    pub session: &'a Session,
    /// The folder on this computer.
    pub root: &'a Path,
    /// The app folder's folder it goes into (the tree lands in `into/<its name>`).
    pub into: &'a str,
    /// The largest file sent in one request; a multiple of 4 MiB for Dropbox.
    pub chunk: usize,
    pub retry: Retry,
    pub on_bytes: &'a (dyn Fn(u64, u64) + Send + Sync),
    pub on_wait: &'a (dyn Fn(Option<Duration>) + Send + Sync),
    pub cancel: &'a CancellationToken,
}

/// What a folder upload did.
#[derive(Debug, Default)]
pub struct TreeOutcome {
    /// Files committed.
    pub uploaded: u64,
    /// Files not uploaded, by their path below the folder, with why (the first
    /// [`NAMED_REFUSALS`]).
    pub refused: Vec<(String, SessionError)>,
    /// All the files not uploaded.
    pub refused_count: u64,
    /// The bytes of the files refused because Dropbox is full.
    pub no_room: u64,
}

impl TreeOutcome {
    /// `rel` (of `size` bytes) was not uploaded, for `why`.
    fn refuse_sized(&mut self, rel: String, size: u64, why: SessionError) {
        if is_insufficient_space(&why) {
            self.no_room += size;
        }
        self.refuse(rel, why);
    }

    fn refuse(&mut self, rel: String, why: SessionError) {
        self.refused_count += 1;
        if self.refused.len() < NAMED_REFUSALS {
            self.refused.push((rel, why));
        }
    }
}

/// A small file waiting in a closed session for the batch's commit.
struct Waiting {
    finish: Finish,
    rel: String,
    hash: String,
}

/// A small file, sent or refused.
enum Small {
    Sent(Waiting),
    Refused(String, SessionError),
}

/// What the walk finds, in the folder's order.
enum Found {
    File(PathBuf),
    /// A folder with nothing in it (the chosen folder itself, when empty).
    EmptyFolder(PathBuf),
    Link(PathBuf),
    Unreadable(PathBuf, std::io::Error),
}

/// The files, links and unreadable entries below `root` (not following links), sent
/// through a bounded channel from a thread of their own.
fn walk(root: PathBuf) -> tokio::sync::mpsc::Receiver<Found> {
    let (tx, rx) = tokio::sync::mpsc::channel(256);
    tokio::task::spawn_blocking(move || {
        // The last folder found, while nothing has been found in it (the walk goes depth
        // first: it is empty when the next entry is not below it).
        let mut open: Option<(PathBuf, usize)> = None;
        for entry in walkdir::WalkDir::new(&root)
            .follow_links(false)
            .sort_by_file_name()
        {
            if let (Some((folder, depth)), Ok(e)) = (&open, &entry) {
                if e.depth() <= *depth {
                    if tx
                        .blocking_send(Found::EmptyFolder(folder.clone()))
                        .is_err()
                    {
                        return;
                    }
                    open = None;
                }
            }
            let found = match entry {
                Ok(e) if e.file_type().is_dir() => {
                    open = Some((e.path().to_path_buf(), e.depth()));
                    continue;
                }
                Ok(e) if e.file_type().is_file() => Found::File(e.into_path()),
                Ok(e) if e.file_type().is_symlink() => Found::Link(e.into_path()),
                Ok(_) => continue,
                Err(e) => {
                    let path = e.path().map(Path::to_path_buf).unwrap_or_default();
                    Found::Unreadable(path, e.into())
                }
            };
            open = None;
            if tx.blocking_send(found).is_err() {
                return;
            }
        }
        if let Some((folder, _)) = open {
            let _ = tx.blocking_send(Found::EmptyFolder(folder));
        }
    });
    rx
}

/// A failure that ends the whole folder's upload (to be retried or resumed as one), not
/// just one file's.
fn stops_the_folder(e: &SessionError) -> bool {
    e.is_transient() || matches!(e, SessionError::Api(ApiError::Unauthorized(_)))
}

/// Dropbox already has a folder by that name.
fn is_folder_there(e: &SessionError) -> bool {
    matches!(
        e,
        SessionError::Api(ApiError::Route {
            error: RouteError::Path {
                path: PathError::Conflict {
                    conflict: Conflict::Folder
                }
            },
            ..
        })
    )
}

/// The size of every file below `root`.
async fn total_size(root: PathBuf) -> u64 {
    tokio::task::spawn_blocking(move || {
        walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    })
    .await
    .unwrap_or(0)
}

impl TreeUpload<'_> {
    pub async fn run(&self) -> Result<TreeOutcome, SessionError> {
        let name = match self.root.file_name().map(|n| n.to_str()) {
            Some(Some(name)) => name.to_string(),
            _ => return Err(FileProblem::NameNotAllowed.into()),
        };
        let total = total_size(self.root.to_path_buf()).await;
        let mut done = 0u64;
        (self.on_bytes)(done, total);
        let mut outcome = TreeOutcome::default();
        let mut batch: Vec<Waiting> = Vec::new();
        // Small files on the wire, and their bytes.
        let mut sending = FuturesUnordered::new();
        let mut in_flight = 0u64;
        let mut found = walk(self.root.to_path_buf());
        while let Some(entry) = found.recv().await {
            if self.cancel.is_cancelled() {
                return Err(FileProblem::Cancelled.into());
            }
            let (path, empty_folder) = match entry {
                Found::File(path) => (path, false),
                Found::EmptyFolder(path) => (path, true),
                Found::Link(path) => {
                    outcome.refuse(self.rel(&path), FileProblem::NotAFile.into());
                    continue;
                }
                Found::Unreadable(path, e) => {
                    outcome.refuse(self.rel(&path), super::upload::unreadable(&path, &e));
                    continue;
                }
            };
            let rel = self.rel(&path);
            let Some(rel_text) = path
                .strip_prefix(self.root)
                .ok()
                .and_then(Path::to_str)
                .map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"))
            else {
                outcome.refuse(rel, FileProblem::NameNotAllowed.into());
                continue;
            };
            let target = match rel_text.as_str() {
                "" => format!("{}/{name}", self.into),
                below => format!("{}/{name}/{below}", self.into),
            };
            if empty_folder {
                self.make_folder(&target, rel, &mut outcome).await?;
                continue;
            }
            let local = match Local::of(&path) {
                Ok(local) => local,
                Err(e) => {
                    outcome.refuse(rel, e);
                    continue;
                }
            };
            let commit = Commit {
                path: target,
                mode: WriteMode::Add,
                autorename: false,
                client_modified: Some(timestamp(local.modified)),
            };
            if local.size > self.chunk as u64 {
                // The small files on the wire finish first: nobody waits on them meanwhile.
                while let Some((size, small)) = sending.next().await {
                    in_flight -= size;
                    self.wait_to_commit(small?, &mut batch, &mut outcome, &mut done, total)
                        .await?;
                }
                let before = done;
                let on_bytes = |d: u64, _: u64| (self.on_bytes)(before + d, total);
                let sent = Upload {
                    session: self.session,
                    local: &local,
                    commit: &commit,
                    chunk: self.chunk,
                    retry: self.retry,
                    on_bytes: &on_bytes,
                    on_saved: &|_| {},
                    on_wait: self.on_wait,
                    cancel: self.cancel,
                }
                .run(None)
                .await;
                match sent {
                    Ok(_) => outcome.uploaded += 1,
                    Err(SessionError::File(FileProblem::Cancelled)) => {
                        return Err(FileProblem::Cancelled.into())
                    }
                    Err(e) if stops_the_folder(&e) => return Err(e),
                    Err(e) => outcome.refuse_sized(rel, local.size, e),
                }
                done += local.size;
                (self.on_bytes)(done, total);
                continue;
            }
            // Room for this one among those on the wire (always for one alone).
            while !sending.is_empty()
                && (sending.len() >= PARALLEL || in_flight + local.size > IN_FLIGHT_BYTES)
            {
                let (size, small) = sending.next().await.expect("not empty");
                in_flight -= size;
                self.wait_to_commit(small?, &mut batch, &mut outcome, &mut done, total)
                    .await?;
            }
            in_flight += local.size;
            sending.push(async move {
                let size = local.size;
                (size, self.send_small(local, commit, rel).await)
            });
        }
        while let Some((_, small)) = sending.next().await {
            self.wait_to_commit(small?, &mut batch, &mut outcome, &mut done, total)
                .await?;
        }
        done += self.commit(&mut batch, &mut outcome).await?;
        (self.on_bytes)(done, total);
        Ok(outcome)
    }

    /// Make a folder with nothing in it; one already there is fine, and one Dropbox refuses
    /// is listed with why.
    async fn make_folder(
        &self,
        path: &str,
        rel: String,
        outcome: &mut TreeOutcome,
    ) -> Result<(), SessionError> {
        match self.with_retries(|| self.session.create_folder(path)).await {
            Ok(_) => Ok(()),
            Err(e) if is_folder_there(&e) => Ok(()),
            Err(e) if stops_the_folder(&e) => Err(e),
            Err(e) => {
                outcome.refuse(rel, e);
                Ok(())
            }
        }
    }

    /// Read a small file and send its bytes in an upload session closed at once, to be
    /// committed with the batch; a file that cannot be read is refused.
    async fn send_small(
        &self,
        local: Local,
        commit: Commit,
        rel: String,
    ) -> Result<Small, SessionError> {
        let bytes = match read_whole(&local).await {
            Ok(bytes) => bytes,
            Err(e) => return Ok(Small::Refused(rel, e)),
        };
        let hash = bytes.content_hash();
        let session_id = self
            .with_retries(|| self.session.upload_session_start(bytes.clone(), true))
            .await?;
        Ok(Small::Sent(Waiting {
            finish: Finish {
                session_id,
                size: local.size,
                commit,
            },
            rel,
            hash,
        }))
    }

    /// A small file's bytes are at Dropbox: it waits for the batch's commit, which goes
    /// when the batch is full.
    async fn wait_to_commit(
        &self,
        small: Small,
        batch: &mut Vec<Waiting>,
        outcome: &mut TreeOutcome,
        done: &mut u64,
        total: u64,
    ) -> Result<(), SessionError> {
        match small {
            Small::Sent(waiting) => batch.push(waiting),
            Small::Refused(rel, why) => {
                outcome.refuse(rel, why);
                return Ok(());
            }
        }
        if batch.len() == MAX_BATCH {
            *done += self.commit(batch, outcome).await?;
            (self.on_bytes)(*done, total);
        }
        Ok(())
    }

    /// A path below the folder as the window may show it: the folder's name and below.
    fn rel(&self, path: &Path) -> String {
        let base = self.root.parent().unwrap_or(self.root);
        path.strip_prefix(base)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    /// Commit the waiting small files in one request; each that Dropbox refuses is listed
    /// with why. Returns the bytes of the files the batch held.
    async fn commit(
        &self,
        batch: &mut Vec<Waiting>,
        outcome: &mut TreeOutcome,
    ) -> Result<u64, SessionError> {
        if batch.is_empty() {
            return Ok(0);
        }
        let finishes: Vec<Finish> = batch.iter().map(|w| w.finish.clone()).collect();
        let answers = self
            .with_retries(|| self.session.upload_session_finish_batch(&finishes))
            .await?;
        let mut bytes = 0;
        for (waiting, answer) in batch.drain(..).zip(answers) {
            bytes += waiting.finish.size;
            match answer {
                Ok(meta) if meta.content_hash.as_deref() == Some(waiting.hash.as_str()) => {
                    outcome.uploaded += 1;
                }
                Ok(_) => outcome.refuse(waiting.rel, FileProblem::UploadDamaged.into()),
                Err(error) => outcome.refuse_sized(
                    waiting.rel,
                    waiting.finish.size,
                    SessionError::Api(ApiError::Route {
                        route: "files/upload_session/finish_batch_v2".into(),
                        error,
                        summary: summary_of(error),
                    }),
                ),
            }
        }
        Ok(bytes)
    }

    async fn with_retries<T, F, Fut>(&self, f: F) -> Result<T, SessionError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, SessionError>>,
    {
        retrying(&self.retry, self.cancel, self.on_wait, f).await
    }
}

/// Dropbox said it has no room for the file.
pub(super) fn is_insufficient_space(e: &SessionError) -> bool {
    matches!(
        e,
        SessionError::Api(ApiError::Route {
            error: RouteError::Path {
                path: crate::dropbox::PathError::InsufficientSpace
            },
            ..
        })
    )
}

/// Dropbox's tags for a batch entry's error, as an `error_summary` would give them.
fn summary_of(error: RouteError) -> String {
    use crate::dropbox::{Conflict, PathError, UploadSessionError};
    match error {
        RouteError::Path {
            path: PathError::Conflict { conflict },
        } => match conflict {
            Conflict::File => "path/conflict/file",
            Conflict::Folder => "path/conflict/folder",
            Conflict::FileAncestor => "path/conflict/file_ancestor",
            Conflict::Other => "path/conflict",
        },
        RouteError::Path {
            path: PathError::InsufficientSpace,
        } => "path/insufficient_space",
        RouteError::Path { .. } => "path",
        RouteError::LookupFailed {
            lookup_failed: UploadSessionError::NotClosed,
        } => "lookup_failed/not_closed",
        RouteError::LookupFailed { .. } => "lookup_failed",
        _ => "unknown",
    }
    .to_string()
}
