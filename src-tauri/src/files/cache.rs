//! The private cache of opened files (`$XDG_CACHE_HOME/dropdesk/files/`, folders 0700):
//! one folder per revision, the file under its own name so the program that opens it shows
//! a sensible title. Bounded: the least recently used copies go first (never the parts of
//! downloads that may still carry on, told by their paths), on a blocking thread.

use std::path::{Path, PathBuf};

use crate::error::{FileProblem, SessionError};

/// How much the cache may hold before old copies are removed.
pub const DEFAULT_LIMIT: u64 = 1 << 30;

#[derive(Clone)]
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

/// Write a small file whole, readable by this user only (0600, in a folder made private):
/// written beside it, then renamed over it, so a reader never sees half of it.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    private_dir(path.parent().unwrap_or(Path::new(".")))?;
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&part)?;
    file.write_all(bytes)?;
    drop(file);
    std::fs::rename(&part, path)
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

    /// Remove the least recently used copies until the cache fits its limit: never `keep`,
    /// nor the `parts` of transfers that may still carry on. A file is known by its path,
    /// not by its name: a copy of a Dropbox file called `x.part` goes like any other.
    /// Blocking: it walks the cache.
    pub fn evict(&self, keep: &Path, parts: &[PathBuf]) {
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
                let part = parts.contains(&file.path());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(cache: &Cache, rev: &str, name: &str, age_secs: u64) -> PathBuf {
        let path = cache.place(rev, name).unwrap();
        std::fs::write(&path, "8 bytes!").unwrap();
        let used = std::time::SystemTime::now() - std::time::Duration::from_secs(age_secs);
        std::fs::File::options()
            .append(true)
            .open(&path)
            .unwrap()
            .set_modified(used)
            .unwrap();
        path
    }

    #[test]
    fn a_copy_named_like_a_part_is_evicted_and_a_part_still_in_use_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("files"), 10);
        // A Dropbox file called `movie.part`, opened long ago.
        let old = copy(&cache, "r1", "movie.part", 3600);
        // The part of a download that may still resume, older still.
        let place = cache.place("r2", "big.bin").unwrap();
        let part = place.with_file_name(".big.bin.dropdesk-part");
        std::fs::write(&part, "8 bytes!").unwrap();
        let kept = copy(&cache, "r3", "new.txt", 0);
        cache.evict(&kept, std::slice::from_ref(&part));
        assert!(!old.exists(), "a copy is evicted whatever its name");
        assert!(part.exists(), "a part in use stays");
        assert!(kept.exists());
    }
}
