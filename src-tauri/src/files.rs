//! Files you can open: a download goes into a private cache (`$XDG_CACHE_HOME/dropdesk/
//! files/`, folders 0700), keyed by the file's revision and under its own name so the
//! program that opens it shows a sensible title. It is written as `<name>.part` and renamed
//! only when complete and matching Dropbox's content hash, so nothing partial ever carries
//! the real name. Opening the same revision again uses the cached copy. The cache is
//! bounded (least recently used copies go first) and removed on Disconnect.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{FileProblem, SessionError};
use crate::session::Session;
use crate::view::Entry;

/// Opens a downloaded file with the system's default program for its type.
pub type FileOpener = Arc<dyn Fn(&Path) -> Result<(), String> + Send + Sync>;

/// How much the cache may hold before old copies are removed.
pub const DEFAULT_LIMIT: u64 = 1 << 30;

pub struct Files {
    session: Arc<Session>,
    root: PathBuf,
    limit: u64,
    opener: FileOpener,
}

/// Create `dir` and its parents, private to this user.
pub(crate) fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

impl Files {
    pub fn new(session: Arc<Session>, root: PathBuf, limit: u64, opener: FileOpener) -> Self {
        Files {
            session,
            root,
            limit,
            opener,
        }
    }

    /// The platform's cache folder for Dropdesk's files.
    pub fn default_root() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("dropdesk").join("files"))
    }

    /// Where a revision of a file is kept. Names are Dropbox's own (no `/`); a name that
    /// could climb out of the cache is refused.
    fn place(&self, entry: &Entry) -> Result<PathBuf, SessionError> {
        let rev = entry.rev.as_deref().unwrap_or_default();
        let safe =
            |s: &str| !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', '\0']);
        if !safe(rev) || !safe(&entry.name) {
            return Err(SessionError::File(FileProblem::NameNotAllowed));
        }
        Ok(self.root.join(rev).join(&entry.name))
    }

    /// Download `entry` unless this revision is cached, then open it; returns the copy.
    pub async fn open(&self, entry: &Entry) -> Result<PathBuf, SessionError> {
        let path = self.fetch(entry).await?;
        let opener = self.opener.clone();
        let target = path.clone();
        tokio::task::spawn_blocking(move || opener(&target))
            .await
            .map_err(|_| SessionError::File(FileProblem::NoOpener))?
            .map_err(|e| {
                log::warn!("could not open a downloaded file: {e}");
                SessionError::File(FileProblem::NoOpener)
            })?;
        Ok(path)
    }

    /// The cached copy of this revision, downloaded first if need be.
    pub async fn fetch(&self, entry: &Entry) -> Result<PathBuf, SessionError> {
        let path = self.place(entry)?;
        if path.is_file() {
            touch(&path);
            return Ok(path);
        }
        let dir = path.parent().expect("a revision folder");
        private_dir(dir).map_err(|e| disk(&self.root, e))?;
        let part = dir.join(format!("{}.part", entry.name));
        let result = self.session.download(&entry.path, &part).await;
        if let Err(e) = result {
            let _ = std::fs::remove_file(&part);
            return Err(e);
        }
        std::fs::rename(&part, &path).map_err(|e| disk(&self.root, e))?;
        self.evict(&path);
        Ok(path)
    }

    /// Remove the least recently used copies until the cache fits its limit (never `keep`).
    fn evict(&self, keep: &Path) {
        let mut copies = Vec::new();
        for rev in std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
        {
            for file in std::fs::read_dir(rev.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if let Ok(meta) = file.metadata() {
                    let used = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                    copies.push((used, meta.len(), file.path()));
                }
            }
        }
        let mut total: u64 = copies.iter().map(|c| c.1).sum();
        copies.sort();
        for (_, len, path) in copies {
            if total <= self.limit {
                break;
            }
            if path != keep && std::fs::remove_file(&path).is_ok() {
                total -= len;
                if let Some(dir) = path.parent() {
                    let _ = std::fs::remove_dir(dir);
                }
            }
        }
    }

    /// Forget every downloaded copy (on Disconnect).
    pub fn clear(&self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Mark a copy as just used, for eviction.
fn touch(path: &Path) {
    if let Ok(f) = std::fs::File::options().append(true).open(path) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
}

fn disk(root: &Path, e: std::io::Error) -> SessionError {
    SessionError::File(FileProblem::Disk {
        folder: root.display().to_string(),
        kind: e.kind(),
    })
}
