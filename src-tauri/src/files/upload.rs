//! Putting one file from this computer into the app folder, whole or not at all. A file
//! that fits in one chunk goes in one `files/upload`; a larger one through an upload
//! session, a chunk at a time (a multiple of Dropbox's 4 MiB block), the next one read
//! and hashed while this one is sent: never more than two chunks in memory. Dropbox's
//! content hash is computed here while reading (each byte hashed once, for the request
//! and for the file), over the bytes Dropbox confirmed, and compared with the one Dropbox
//! reports for the committed file: a mismatch is an error, never a silent success. The
//! file is checked before and after every read: if its size or modification time moved,
//! nothing is committed.
//!
//! Resuming: the session's id and the offset Dropbox confirmed are handed to `on_saved`
//! after every chunk (the caller keeps them, never a token). Given back, the upload asks
//! Dropbox where the session stands (an empty append at that offset answers with the
//! `correct_offset` when it differs), hashes the bytes before it again and goes on from
//! there; a session Dropbox no longer has starts over. A request whose answer was lost is
//! sent again: if its bytes had arrived, Dropbox's `incorrect_offset` says so, and the
//! upload goes on after them. Transient failures wait as the retry policy says (a 429's
//! `Retry-After` included), telling `on_wait` how long.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio_util::sync::CancellationToken;

use crate::dropbox::{
    ApiError, Commit, ContentHasher, FileMetadata, HashedBytes, RouteError, UploadSessionError,
};
use crate::error::{FileProblem, SessionError};
use crate::session::{Retry, Session};

/// 16 MiB: four of Dropbox's blocks a request.
pub const CHUNK: usize = 16 << 20;

/// The local file as it was when the upload was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Local {
    pub path: PathBuf,
    pub size: u64,
    pub modified: SystemTime,
}

impl Local {
    /// The file at `path` as it is now.
    pub fn of(path: &Path) -> Result<Local, SessionError> {
        let meta = std::fs::metadata(path).map_err(|e| unreadable(path, &e))?;
        Ok(Local {
            path: path.to_path_buf(),
            size: meta.len(),
            modified: meta.modified().map_err(|e| unreadable(path, &e))?,
        })
    }
}

/// Where an unfinished upload session stands: enough to go on after a restart.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resume {
    pub session_id: String,
    /// Bytes Dropbox confirmed.
    pub offset: u64,
}

/// One upload and what it reports to.
pub struct Upload<'a> {
    pub session: &'a Session,
    pub local: &'a Local,
    pub commit: &'a Commit,
    /// Bytes a request carries (tests use small ones); a multiple of 4 MiB for Dropbox.
    pub chunk: usize,
    pub retry: Retry,
    /// Bytes confirmed so far, and the file's size.
    pub on_bytes: &'a (dyn Fn(u64, u64) + Send + Sync),
    /// The session to resume from, after every chunk; `None` once there is nothing to resume.
    pub on_saved: &'a (dyn Fn(Option<&Resume>) + Send + Sync),
    /// Waiting this long before trying again (`None`: going on).
    pub on_wait: &'a (dyn Fn(Option<Duration>) + Send + Sync),
    pub cancel: &'a CancellationToken,
}

/// A file's name as the window may show it (never where it is on this computer).
fn name_of(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

pub(super) fn unreadable(path: &Path, e: &std::io::Error) -> SessionError {
    FileProblem::Unreadable {
        file: name_of(path),
        kind: e.kind(),
    }
    .into()
}

/// Dropbox has this many bytes of the session, when the error says so.
fn confirmed_offset(e: &SessionError) -> Option<u64> {
    match e {
        SessionError::Api(ApiError::Route {
            error:
                RouteError::IncorrectOffset { correct_offset }
                | RouteError::LookupFailed {
                    lookup_failed: UploadSessionError::IncorrectOffset { correct_offset },
                },
            ..
        }) => Some(*correct_offset),
        _ => None,
    }
}

/// The session is gone at Dropbox (expired, finished, or never there): start over.
fn session_gone(e: &SessionError) -> bool {
    matches!(
        e,
        SessionError::Api(ApiError::Route {
            error: RouteError::NotFound
                | RouteError::Closed
                | RouteError::LookupFailed {
                    lookup_failed: UploadSessionError::NotFound | UploadSessionError::Closed,
                },
            ..
        })
    )
}

impl Upload<'_> {
    /// Upload the file, from `resume` when given; the committed file's metadata.
    pub async fn run(&self, resume: Option<Resume>) -> Result<FileMetadata, SessionError> {
        let file = Arc::new(
            std::fs::File::open(&self.local.path).map_err(|e| unreadable(&self.local.path, &e))?,
        );
        self.unchanged(&file)?;
        let chunk = self.chunk.max(1) as u64;
        if resume.is_none() && self.local.size <= chunk {
            // One request: its hash is the file's.
            let bytes = self.read(&file, 0, self.local.size as usize).await?;
            let local_hash = bytes.content_hash();
            let meta = self
                .with_retries(|| self.session.upload(self.commit, bytes.clone()))
                .await?;
            (self.on_bytes)(self.local.size, self.local.size);
            return self.verified(meta, &local_hash);
        }
        let (mut id, mut offset, mut hasher) = match resume {
            Some(r) => match self.where_is(&r).await? {
                Some(offset) => {
                    let hasher = self.hash_up_to(&file, offset).await?;
                    (r.session_id, offset, hasher)
                }
                None => self.open_session(&file).await?,
            },
            None => self.open_session(&file).await?,
        };
        // The next chunk is read and hashed while this one is on the wire.
        let mut ahead: Option<(u64, Result<HashedBytes, SessionError>)> = None;
        loop {
            if self.cancel.is_cancelled() {
                return Err(FileProblem::Cancelled.into());
            }
            (self.on_bytes)(offset, self.local.size);
            let len = chunk.min(self.local.size - offset) as usize;
            let bytes = match ahead.take() {
                Some((at, read)) if at == offset => read?,
                _ => self.read(&file, offset, len).await?,
            };
            let next = offset + len as u64;
            let sent = if next == self.local.size {
                self.with_retries(|| {
                    self.session
                        .upload_session_finish(&id, offset, bytes.clone(), self.commit)
                })
                .await
                .map(Some)
            } else {
                let next_len = chunk.min(self.local.size - next) as usize;
                let (sent, read) = tokio::join!(
                    self.with_retries(|| {
                        self.session
                            .upload_session_append(&id, offset, bytes.clone())
                    }),
                    self.read(&file, next, next_len)
                );
                ahead = Some((next, read));
                sent.map(|()| None)
            };
            match sent {
                Ok(committed) => {
                    hasher.update_hashed(&bytes);
                    offset = next;
                    if let Some(meta) = committed {
                        (self.on_saved)(None);
                        (self.on_bytes)(offset, self.local.size);
                        return self.verified(meta, &hasher.finish());
                    }
                }
                Err(e) => match confirmed_offset(&e) {
                    // The bytes arrived though the answer was lost: go on after them.
                    Some(at) if at > offset && at <= next => {
                        hasher.update(&bytes.bytes()[..(at - offset) as usize]);
                        offset = at;
                    }
                    Some(at) if at == offset => {}
                    // Dropbox has fewer bytes than it confirmed: nothing to build on.
                    Some(_) => (id, offset, hasher) = self.open_session(&file).await?,
                    None if session_gone(&e) => {
                        (id, offset, hasher) = self.open_session(&file).await?;
                    }
                    None => return Err(e),
                },
            }
            (self.on_saved)(Some(&Resume {
                session_id: id.clone(),
                offset,
            }));
        }
    }

    /// Start a session with the first chunk.
    async fn open_session(
        &self,
        file: &Arc<std::fs::File>,
    ) -> Result<(String, u64, ContentHasher), SessionError> {
        let len = (self.chunk.max(1) as u64).min(self.local.size) as usize;
        let first = self.read(file, 0, len).await?;
        let id = self
            .with_retries(|| self.session.upload_session_start(first.clone(), false))
            .await?;
        let mut hasher = ContentHasher::default();
        hasher.update_hashed(&first);
        let offset = len as u64;
        (self.on_saved)(Some(&Resume {
            session_id: id.clone(),
            offset,
        }));
        Ok((id, offset, hasher))
    }

    /// How many bytes Dropbox has of a session kept from before, or `None` when it has
    /// no such session any more.
    async fn where_is(&self, r: &Resume) -> Result<Option<u64>, SessionError> {
        if r.offset > self.local.size {
            return Ok(None);
        }
        let asked = self
            .with_retries(|| {
                self.session
                    .upload_session_append(&r.session_id, r.offset, Bytes::new())
            })
            .await;
        match asked {
            Ok(()) => Ok(Some(r.offset)),
            Err(e) => match confirmed_offset(&e) {
                Some(at) if at <= self.local.size => Ok(Some(at)),
                Some(_) => Ok(None),
                None if session_gone(&e) => Ok(None),
                None => Err(e),
            },
        }
    }

    /// The content hash of the file's first `offset` bytes, read again.
    async fn hash_up_to(
        &self,
        file: &Arc<std::fs::File>,
        offset: u64,
    ) -> Result<ContentHasher, SessionError> {
        let mut hasher = ContentHasher::default();
        let mut at = 0;
        while at < offset {
            let len = (self.chunk.max(1) as u64).min(offset - at) as usize;
            hasher.update_hashed(&self.read(file, at, len).await?);
            at += len as u64;
        }
        Ok(hasher)
    }

    /// `len` bytes of the file at `offset` with their block digests (taken on the reading
    /// thread), refused when the file moved meanwhile.
    async fn read(
        &self,
        file: &Arc<std::fs::File>,
        offset: u64,
        len: usize,
    ) -> Result<HashedBytes, SessionError> {
        let reading = file.clone();
        let bytes = tokio::task::spawn_blocking(move || {
            use std::os::unix::fs::FileExt;
            let mut buf = vec![0; len];
            reading
                .read_exact_at(&mut buf, offset)
                .map(|()| HashedBytes::from(Bytes::from(buf)))
        })
        .await
        .map_err(|_| FileProblem::Cancelled)?;
        let bytes = bytes.map_err(|e| match e.kind() {
            // Shorter than it was: it changed.
            std::io::ErrorKind::UnexpectedEof => self.changed(),
            _ => unreadable(&self.local.path, &e),
        })?;
        self.unchanged(file)?;
        Ok(bytes)
    }

    fn changed(&self) -> SessionError {
        FileProblem::ChangedWhileUploading {
            file: name_of(&self.local.path),
        }
        .into()
    }

    /// The file still has the size and modification time it had when asked for.
    fn unchanged(&self, file: &std::fs::File) -> Result<(), SessionError> {
        let meta = file
            .metadata()
            .map_err(|e| unreadable(&self.local.path, &e))?;
        if meta.len() != self.local.size || meta.modified().ok() != Some(self.local.modified) {
            return Err(self.changed());
        }
        Ok(())
    }

    /// The committed file is the one read here.
    fn verified(&self, meta: FileMetadata, local_hash: &str) -> Result<FileMetadata, SessionError> {
        if meta.size != self.local.size || meta.content_hash.as_deref() != Some(local_hash) {
            return Err(FileProblem::UploadDamaged.into());
        }
        Ok(meta)
    }

    async fn with_retries<T, F, Fut>(&self, f: F) -> Result<T, SessionError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, SessionError>>,
    {
        retrying(&self.retry, self.cancel, self.on_wait, f).await
    }
}

/// Try `f` until it succeeds, fails for good, or the retries run out; waits are told to
/// `on_wait`, and Cancel ends them.
pub(super) async fn retrying<T, F, Fut>(
    retry: &Retry,
    cancel: &CancellationToken,
    on_wait: &(dyn Fn(Option<Duration>) + Send + Sync),
    f: F,
) -> Result<T, SessionError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, SessionError>>,
{
    let mut attempt = 0;
    loop {
        let answer = tokio::select! {
            () = cancel.cancelled() => return Err(FileProblem::Cancelled.into()),
            answer = f() => answer,
        };
        match answer {
            Err(e) => match retry.delay(&e, attempt) {
                Some(wait) => {
                    attempt += 1;
                    on_wait(Some(wait));
                    tokio::select! {
                        () = cancel.cancelled() => return Err(FileProblem::Cancelled.into()),
                        () = tokio::time::sleep(wait) => {}
                    }
                    on_wait(None);
                }
                None => return Err(e),
            },
            ok => return ok,
        }
    }
}

/// A small file read whole and hashed, refused when it moved while read (its size or modification
/// time is not what `local` says).
pub(super) async fn read_whole(local: &Local) -> Result<HashedBytes, SessionError> {
    let path = local.path.clone();
    let read = tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(&path)?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes)?;
        let meta = file.metadata()?;
        let len = bytes.len() as u64;
        let hashed = HashedBytes::from(Bytes::from(bytes));
        Ok::<_, std::io::Error>((hashed, len, meta.len(), meta.modified().ok()))
    })
    .await
    .map_err(|_| FileProblem::Cancelled)?;
    let (bytes, read_len, len, modified) = read.map_err(|e| unreadable(&local.path, &e))?;
    if len != local.size || read_len != local.size || modified != Some(local.modified) {
        return Err(FileProblem::ChangedWhileUploading {
            file: name_of(&local.path),
        }
        .into());
    }
    Ok(bytes)
}
