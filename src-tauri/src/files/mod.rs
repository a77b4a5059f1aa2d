//! Files you can use: open one with the system's default program (`opener.rs`; downloaded into the
//! private cache first, unless this revision is there), save copies where the person asks
//! (a folder as a zip archive), and the transfers that do it (`transfers.rs`: progress,
//! Cancel, Retry that resumes). `upload.rs` puts one local file into the app folder,
//! chunked, resumable and checked against its content hash; `upload_tree.rs` a folder
//! with its tree, small files committed in batches; `names.rs` says which names Dropbox
//! takes for a new folder. Every download is written into a part file only Dropdesk
//! makes (`part.rs`) and renamed only when complete and matching Dropbox's content hash,
//! so nothing partial ever carries the real name. Disconnect stops the transfers and
//! removes the cache.

pub mod cache;
pub mod names;
pub mod opener;
pub mod part;
pub mod target;
pub mod transfers;
pub mod upload;
mod upload_queue;
pub mod upload_tree;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use cache::{private_dir, safe_name, write_private, Cache, DEFAULT_LIMIT};
pub use target::OnConflict;
pub use transfers::{Job, Phase, Purpose, Report, Transfers};
pub use upload_queue::Enqueued;

use crate::error::{FileProblem, SessionError};
use crate::session::Session;
use crate::view::{Entry, Kind};

/// Opens a path with the system's default program for its type (a folder: the file
/// manager).
pub type FileOpener = Arc<dyn Fn(&Path) -> Result<(), String> + Send + Sync>;

pub struct Files {
    cache: Cache,
    opener: FileOpener,
    pub transfers: Arc<Transfers>,
    /// Copies waiting for the person to say what to do with the names already taken.
    pending: Mutex<Option<(Vec<Entry>, PathBuf)>>,
    /// Uploads waiting for the same.
    pending_upload: Mutex<Option<upload_queue::Waiting>>,
}

impl Files {
    pub fn new(session: Arc<Session>, root: PathBuf, limit: u64, opener: FileOpener) -> Self {
        Files {
            cache: Cache::new(root, limit),
            opener,
            transfers: Transfers::new(session),
            pending: Mutex::default(),
            pending_upload: Mutex::default(),
        }
    }

    /// The platform's cache folder for Dropdesk's files.
    pub fn default_root() -> Option<PathBuf> {
        Cache::default_root()
    }

    /// Download `entry` unless this revision is cached, then open it; returns the copy. A
    /// program is opened only when the person said so (`programs`), else nothing is
    /// fetched and the answer is [`FileProblem::IsProgram`].
    pub async fn open(&self, entry: &Entry, programs: Programs) -> Result<PathBuf, SessionError> {
        programs.allow(&entry.name)?;
        let path = self.fetch(entry).await?;
        self.open_path(&path).await?;
        Ok(path)
    }

    /// The cached copy of this revision, downloaded first if need be (as a transfer the
    /// window shows, so a large one can be watched and cancelled).
    pub async fn fetch(&self, entry: &Entry) -> Result<PathBuf, SessionError> {
        let path = self
            .cache
            .place(entry.rev.as_deref().unwrap_or_default(), &entry.name)?;
        if self.cache.hit(&path, entry.size) {
            return Ok(path);
        }
        let (_, mut settled) = self.transfers.start(
            &entry.name,
            Purpose::Open,
            file_job(entry),
            path.clone(),
            true,
        );
        let end = settled
            .wait_for(Option::is_some)
            .await
            .map_err(|_| SessionError::File(FileProblem::Cancelled))?
            .clone();
        end.unwrap_or_else(|| Err(FileProblem::Cancelled.into()))?;
        let (cache, keep, parts) = (self.cache.clone(), path.clone(), self.transfers.parts());
        // Off the async workers: eviction walks the cache.
        let _ = tokio::task::spawn_blocking(move || cache.evict(&keep, &parts)).await;
        Ok(path)
    }

    /// Save copies of `entries` into `dir` (a folder as `<name>.zip`), each name that is
    /// taken handled per `on_conflict`; returns the transfers started.
    pub fn save(&self, entries: &[Entry], dir: &Path, on_conflict: OnConflict) -> Vec<u64> {
        let mut batch = target::Batch::new(dir);
        entries
            .iter()
            .filter(|e| safe_name(&e.name))
            .filter_map(|e| {
                let (target, may_replace) = batch.resolve(&e.saved_name(), on_conflict)?;
                Some(self.save_one(e, target, may_replace))
            })
            .collect()
    }

    /// Save a copy of `entry` as `target`, a place the person chose in the save dialog,
    /// which asked before a file there is replaced; returns the transfer.
    pub fn save_as(&self, entry: &Entry, target: PathBuf) -> u64 {
        self.save_one(entry, target, true)
    }

    /// Save a copy of `entry` as `target`, replacing a file there only when `may_replace`.
    fn save_one(&self, entry: &Entry, target: PathBuf, may_replace: bool) -> u64 {
        let job = match entry.kind {
            Kind::Folder => Job::Zip {
                path: entry.path.clone(),
            },
            Kind::File => file_job(entry),
        };
        self.transfers
            .start(&entry.saved_name(), Purpose::Save, job, target, may_replace)
            .0
    }

    /// Which of the names that `entries` would be saved under are taken in `dir`.
    pub fn conflicts(&self, entries: &[Entry], dir: &Path) -> Vec<String> {
        let names: Vec<String> = entries.iter().map(Entry::saved_name).collect();
        target::conflicts(dir, &names)
    }

    /// Save copies of `entries` into `dir` at once when no name there is taken (returns
    /// the transfers); else keep them waiting and return the taken names, for
    /// [`Files::confirm`].
    pub fn propose(&self, entries: Vec<Entry>, dir: PathBuf) -> Result<Vec<u64>, Vec<String>> {
        let taken = self.conflicts(&entries, &dir);
        if taken.is_empty() {
            return Ok(self.save(&entries, &dir, OnConflict::KeepBoth));
        }
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some((entries, dir));
        Err(taken)
    }

    /// Go on with the copies [`Files::propose`] kept waiting, taken names handled per
    /// `on_conflict`; `None` drops them.
    pub fn confirm(&self, on_conflict: Option<OnConflict>) -> Vec<u64> {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match (pending, on_conflict) {
            (Some((entries, dir)), Some(how)) => self.save(&entries, &dir, how),
            _ => Vec::new(),
        }
    }

    /// Open a finished transfer's file (a program only as `programs` says), or (`folder`)
    /// show the folder it is in.
    pub async fn open_transferred(
        &self,
        id: u64,
        folder: bool,
        programs: Programs,
    ) -> Result<(), SessionError> {
        let target = self
            .transfers
            .reports()
            .into_iter()
            .find(|r| r.id == id && r.phase == Phase::Done)
            .map(|r| r.target)
            .ok_or(SessionError::File(FileProblem::Gone))?;
        let path = match (folder, target.parent()) {
            (true, Some(dir)) => dir.to_path_buf(),
            _ => {
                let name = target.file_name().unwrap_or_default().to_string_lossy();
                programs.allow(&name)?;
                target
            }
        };
        self.open_path(&path).await
    }

    async fn open_path(&self, path: &Path) -> Result<(), SessionError> {
        let opener = self.opener.clone();
        let target = path.to_path_buf();
        tokio::task::spawn_blocking(move || opener(&target))
            .await
            .map_err(|_| SessionError::File(FileProblem::NoOpener))?
            .map_err(|e| {
                log::warn!("could not open a downloaded file: {e}");
                SessionError::File(FileProblem::NoOpener)
            })
    }

    /// Stop every transfer and forget every downloaded copy (on Disconnect).
    pub fn clear(&self) {
        self.transfers.cancel_all();
        self.cache.clear();
    }
}

/// Whether a file that may be a program is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Programs {
    /// Not without asking the person: [`FileProblem::IsProgram`].
    Ask,
    /// The person said to open it.
    Open,
}

impl Programs {
    fn allow(self, name: &str) -> Result<(), FileProblem> {
        match self {
            Programs::Ask if is_program(name) => Err(FileProblem::IsProgram),
            _ => Ok(()),
        }
    }
}

/// A name whose default program on some desktop runs the file rather than shows it: a
/// launcher (`.desktop`), a script, an installer, a Windows program (Wine may run it), a
/// Java archive. Browsers ask before these too.
pub fn is_program(name: &str) -> bool {
    const PROGRAMS: &[&str] = &[
        "desktop",
        "exe",
        "msi",
        "bat",
        "cmd",
        "com",
        "scr",
        "pif",
        "lnk",
        "reg",
        "vbs",
        "wsf",
        "ps1",
        "jar",
        "appimage",
        "run",
        "sh",
        "bash",
        "zsh",
        "csh",
        "ksh",
        "command",
        "py",
        "pl",
        "rb",
        "deb",
        "rpm",
        "flatpakref",
        "snap",
    ];
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| PROGRAMS.iter().any(|p| ext.eq_ignore_ascii_case(p)))
}

fn file_job(entry: &Entry) -> Job {
    Job::File {
        path: entry.path.clone(),
        rev: entry.rev.clone().unwrap_or_default(),
    }
}

impl Entry {
    /// The name a saved copy of this entry gets: a folder's is its zip archive's.
    pub fn saved_name(&self) -> String {
        match self.kind {
            Kind::Folder => format!("{}.zip", self.name),
            Kind::File => self.name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn launchers_scripts_and_installers_are_programs_documents_are_not() {
        for name in [
            "Setup.desktop",
            "run.SH",
            "tool.exe",
            "app.AppImage",
            "x.tar.jar",
        ] {
            assert!(super::is_program(name), "{name}");
        }
        // `.bin` is data far more often than a program (firmware, disk images, the 1 GiB
        // file the benchmarks open).
        for name in [
            "Notes.txt",
            "photo.jpg",
            "desktop",
            "report.pdf",
            ".bashrc",
            "Gig.bin",
        ] {
            assert!(!super::is_program(name), "{name}");
        }
    }
}
