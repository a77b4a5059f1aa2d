//! The private cache of opened files (`$XDG_CACHE_HOME/dropdesk/files/`, folders 0700):
//! one folder per revision, the file under its own name so the program that opens it shows
//! a sensible title. Bounded: the least recently used copies go first.

use std::path::{Path, PathBuf};

use crate::error::{FileProblem, SessionError};

/// How much the cache may hold before old copies are removed.
pub const DEFAULT_LIMIT: u64 = 1 << 30;

pub struct Cache {
    pub root: PathBuf,
    limit: u64,
}

/// Create `dir` and its parents, private to this user.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
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

/// A name Dropbox gave that can be a file name here (no `/`, `\`, NUL, `.` or `..`).
pub fn safe_name(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', '\0'])
}

impl Cache {
    pub fn new(root: PathBuf, limit: u64) -> Self {
        Cache { root, limit }
    }

    /// The platform's cache folder for Dropdesk's files.
    pub fn default_root() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("dropdesk").join("files"))
    }

    /// Where revision `rev` of the file `name` is kept, its folder made.
    pub fn place(&self, rev: &str, name: &str) -> Result<PathBuf, SessionError> {
        if !safe_name(rev) || !safe_name(name) {
            return Err(FileProblem::NameNotAllowed.into());
        }
        let dir = self.root.join(rev);
        private_dir(&dir).map_err(|e| FileProblem::disk(&dir.join(name), &e))?;
        Ok(dir.join(name))
    }

    /// The cached copy of `size` bytes, marked as just used, if there is one (a copy of
    /// another size, which only a system crash could leave, is not used).
    pub fn hit(&self, path: &Path, size: Option<u64>) -> bool {
        let Ok(meta) = path.metadata() else {
            return false;
        };
        if !meta.is_file() || size.is_some_and(|n| n != meta.len()) {
            return false;
        }
        if let Ok(f) = std::fs::File::options().append(true).open(path) {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
        true
    }

    /// Remove the least recently used copies until the cache fits its limit (never `keep`).
    pub fn evict(&self, keep: &Path) {
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
                // A part belongs to a download still running (or to be resumed).
                let part = file.path().extension().is_some_and(|e| e == "part");
                if let (false, Ok(meta)) = (part, file.metadata()) {
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

    /// Forget every copy (on Disconnect).
    pub fn clear(&self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
