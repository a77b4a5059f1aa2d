//! A transfer's part file: where a download is written until it is complete. Its name is
//! one only Dropdesk makes (`.<name>.dropdesk-part`, hidden, never a name a browser or
//! another program leaves); it is created new (never a file that was there, never through
//! a link) and remembered by its identity (device and inode) and the revision it holds,
//! a record kept in memory only, where nothing else can write it. A resume reopens it
//! only when the file at that name is still that one, never through a link; otherwise
//! the download starts over in a new part and the file found there is left alone. The
//! finished part is renamed onto its target without replacing anything there, unless the
//! person agreed to replace it.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The longest file name most file systems take, in bytes.
pub const NAME_MAX: usize = 255;

const SUFFIX: &str = ".dropdesk-part";

/// A part Dropdesk created, and what it holds.
#[derive(Clone, Debug)]
pub struct Part {
    path: PathBuf,
    identity: Identity,
    /// The revision whose bytes it holds (`None`: a zip, which never resumes).
    rev: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Identity {
    dev: u64,
    ino: u64,
}

impl Identity {
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> Identity {
        use std::os::unix::fs::MetadataExt;
        Identity {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }

    #[cfg(not(unix))]
    fn of(_meta: &std::fs::Metadata) -> Identity {
        Identity { dev: 0, ino: 0 }
    }
}

impl Part {
    /// A new, empty part beside `target`, for revision `rev`: created so that it is never
    /// a file that was already there nor reached through a link. A name that is taken
    /// (by anything at all) is passed over for the next, `.<name>~1.dropdesk-part`, ….
    pub fn create(target: &Path, rev: Option<&str>) -> io::Result<(Part, File)> {
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        for n in 0..100 {
            let path = target.with_file_name(part_name(&name, n));
            match open_new(&path) {
                Ok(file) => {
                    let identity = Identity::of(&file.metadata()?);
                    let part = Part {
                        path,
                        identity,
                        rev: rev.map(str::to_string),
                    };
                    return Ok((part, file));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::ErrorKind::AlreadyExists.into())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The part, opened again to resume revision `rev` after the bytes it holds (the
    /// file's length); `None` when it is not this revision's, or the file at its name is
    /// no longer the one Dropdesk created (or is a link).
    pub fn reopen(&self, rev: Option<&str>) -> io::Result<Option<(File, u64)>> {
        if rev.is_none() || self.rev.as_deref() != rev {
            return Ok(None);
        }
        let file = match open_existing(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound || is_link_refused(&e) => {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        if !meta.is_file() || Identity::of(&meta) != self.identity {
            return Ok(None);
        }
        Ok(Some((file, meta.len())))
    }

    /// Whether the file at the part's name is still the one Dropdesk created.
    fn still_ours(&self) -> bool {
        std::fs::symlink_metadata(&self.path)
            .is_ok_and(|m| m.is_file() && Identity::of(&m) == self.identity)
    }

    /// Remove the part, if the file at its name is still the one Dropdesk created.
    pub fn discard(&self) {
        if self.still_ours() {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    /// Rename the complete part onto `target`. Without `may_replace`, a file that is at
    /// `target` is never replaced: the answer is then `AlreadyExists`, the part kept.
    pub fn finish(&self, target: &Path, may_replace: bool) -> io::Result<()> {
        if !self.still_ours() {
            return Err(io::Error::other("the part was changed by another program"));
        }
        if may_replace {
            std::fs::rename(&self.path, target)
        } else {
            rename_no_replace(&self.path, target)
        }
    }
}

/// `.<name>~<n>.dropdesk-part` (no `~<n>` for 0), shortened to fit [`NAME_MAX`] for a
/// long name: its beginning, a hash of the whole name, and the suffix.
fn part_name(name: &str, n: u32) -> String {
    let counter = if n == 0 {
        String::new()
    } else {
        format!("~{n}")
    };
    let room = NAME_MAX - 1 - SUFFIX.len() - counter.len();
    if name.len() <= room {
        return format!(".{name}{counter}{SUFFIX}");
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, name.as_bytes());
    let hash: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut keep = room - hash.len() - 1;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!(".{}~{hash}{counter}{SUFFIX}", &name[..keep])
}

#[cfg(unix)]
fn open_new(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(unix)]
fn open_existing(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(unix)]
fn is_link_refused(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn open_new(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(not(unix))]
fn open_existing(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
}

#[cfg(not(unix))]
fn is_link_refused(_e: &io::Error) -> bool {
    false
}

/// Rename `from` onto `to` only if nothing is at `to`, atomically where the system can:
/// Linux's `renameat2(RENAME_NOREPLACE)`, else a hard link and an unlink (which file
/// systems without links, FAT among them, refuse: then a check and a rename).
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let (a, b) = (
            CString::new(from.as_os_str().as_bytes())?,
            CString::new(to.as_os_str().as_bytes())?,
        );
        // SAFETY: two valid NUL-terminated paths; AT_FDCWD resolves them as given.
        let done = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if done == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if !matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(e);
        }
    }
    match std::fs::hard_link(from, to) {
        Ok(()) => std::fs::remove_file(from),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if to.symlink_metadata().is_ok() => Err(io::ErrorKind::AlreadyExists.into()),
        Err(_) => std::fs::rename(from, to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_name_always_fits_and_is_one_only_dropdesk_makes() {
        assert_eq!(part_name("a.txt", 0), ".a.txt.dropdesk-part");
        assert_eq!(part_name("a.txt", 2), ".a.txt~2.dropdesk-part");
        for len in 200..=NAME_MAX {
            for n in [0, 99] {
                let name = "é".repeat(len / 2) + &"x".repeat(len % 2);
                let part = part_name(&name, n);
                assert!(part.len() <= NAME_MAX, "{len}: {}", part.len());
                assert!(part.starts_with('.') && part.ends_with(SUFFIX));
                assert_eq!(part, part_name(&name, n), "the same each time");
            }
        }
    }
}
