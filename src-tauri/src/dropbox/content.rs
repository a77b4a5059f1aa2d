//! The content host's routes. `files/download` streams to a file a chunk at a time (never
//! the whole file in memory), resumes with `Range` after the bytes a broken download left,
//! and checks Dropbox's content hash over all of it; the first bytes of a file, for a
//! preview; `files/download_zip` of a folder; `files/get_thumbnail_v2`. A server that
//! lies is bounded: a download stops at the size Dropbox declared, a zip at the space left
//! on the disk, and a thumbnail is refused past 4 MiB or sane dimensions.
//!
//! Where Dropbox's documentation is silent: a resumed download is trusted only when the
//! answer is a 206 starting exactly where the part ends and for the revision the part was
//! started for; anything else (a 200, a 416, another start) starts over.

use std::path::Path;
use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_RANGE, RANGE};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::sync::CancellationToken;

use super::{answer, header_json, network, read_at_most, ApiError, Client, FileMetadata};
use crate::secret::AccessToken;

/// What can go wrong in a download besides the API.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("the file could not be written: {0}")]
    Disk(std::io::Error),
    #[error("the downloaded content does not match Dropbox's content hash")]
    Corrupt,
    /// Dropbox has another revision than the one asked for: the file changed meanwhile.
    #[error("the file changed at Dropbox")]
    Changed,
    #[error("the download was cancelled")]
    Cancelled,
}

/// A finished download: the file as Dropbox described it, and how many bytes came over
/// the wire this time (less than the size when it resumed).
#[derive(Debug)]
pub struct Fetched {
    pub meta: FileMetadata,
    pub fetched: u64,
}

/// How downloads report their progress: bytes in the file so far, and the total.
pub type OnBytes<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

/// A thumbnail's image, as Dropbox made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thumbnail {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

/// The largest thumbnail accepted (Dropbox's largest, 2048×1536, is well below).
const MAX_THUMBNAIL: usize = 4 << 20;
/// The most pixels a thumbnail may declare on either side (Dropbox's largest is 2048).
const MAX_THUMBNAIL_SIDE: usize = 4096;
/// The bytes a resumed part already holds are read back for the hash this much at a time.
const READ_BUFFER: usize = 1 << 20;

impl Client {
    async fn content(
        &self,
        token: &AccessToken,
        route: &str,
        arg: &Value,
        range: Option<String>,
    ) -> Result<reqwest::Response, ApiError> {
        let url = self
            .content
            .join(&format!("2/{route}"))
            .expect("route paths are valid");
        let mut request = self
            .http
            .post(url)
            .timeout(Duration::from_secs(24 * 3600))
            .bearer_auth(token.expose())
            .header("Dropbox-API-Arg", header_json(arg));
        if let Some(range) = range {
            request = request.header(RANGE, range);
        }
        let response = request.send().await.map_err(network)?;
        let status = response.status();
        if status.is_success() || status == StatusCode::RANGE_NOT_SATISFIABLE {
            Ok(response)
        } else {
            Err(answer::<Value>(route, response).await.unwrap_err())
        }
    }

    /// Download the file at `path` into `part` (an open file, which this writes through
    /// a handle of its own), after the `have` bytes already there when this is revision
    /// `rev`'s download resumed; the content hash is checked over the whole file. `rev`
    /// guards a resume: another revision at Dropbox is [`DownloadError::Changed`].
    #[allow(clippy::too_many_arguments)]
    pub async fn download(
        &self,
        token: &AccessToken,
        path: &str,
        rev: Option<&str>,
        part: &std::fs::File,
        have: u64,
        on_bytes: OnBytes<'_>,
        cancel: &CancellationToken,
    ) -> Result<Fetched, DownloadError> {
        const ROUTE: &str = "files/download";
        let arg = json!({"path": path});
        let have = if rev.is_some() { have } else { 0 };
        let range = (have > 0).then(|| format!("bytes={have}-"));
        let mut response = self.content(token, ROUTE, &arg, range).await?;
        if response.status() == StatusCode::RANGE_NOT_SATISFIABLE {
            response = self.content(token, ROUTE, &arg, None).await?;
        }
        let meta: FileMetadata = result_header(ROUTE, response.headers())?;
        if rev.is_some_and(|r| r != meta.rev) {
            return Err(DownloadError::Changed);
        }
        let from = match response.status() {
            StatusCode::PARTIAL_CONTENT if range_start(response.headers()) == Some(have) => have,
            StatusCode::PARTIAL_CONTENT => {
                // A range other than the one asked for: ask for the whole file.
                response = self.content(token, ROUTE, &arg, None).await?;
                0
            }
            _ => 0,
        };
        let mut hasher = super::ContentHasher::default();
        let mut file = tokio::fs::File::from_std(part.try_clone().map_err(DownloadError::Disk)?);
        if from > 0 {
            hash_prefix(&mut file, from, &mut hasher).await
        } else {
            file.set_len(0).await
        }
        .map_err(DownloadError::Disk)?;
        file.seek(std::io::SeekFrom::Start(from))
            .await
            .map_err(DownloadError::Disk)?;
        let file = file.into_std().await;
        let total = meta.size;
        // Not a byte past the size Dropbox declared: more is not the file.
        let most = Bound {
            bytes: total.saturating_sub(from),
            past: || DownloadError::Corrupt,
        };
        let (fetched, hasher) = stream(
            response,
            file,
            from,
            most,
            cancel,
            &|done| on_bytes(done, total),
            Some(hasher),
        )
        .await?;
        let Some(hasher) = hasher else {
            return Err(DownloadError::Corrupt);
        };
        if from + fetched != total {
            return Err(ApiError::Network("the connection broke off").into());
        }
        if meta
            .content_hash
            .as_deref()
            .is_some_and(|h| h != hasher.finish())
        {
            return Err(DownloadError::Corrupt);
        }
        Ok(Fetched { meta, fetched })
    }

    /// The first `limit` bytes of a file (all of a smaller one), for a preview.
    pub async fn download_head(
        &self,
        token: &AccessToken,
        path: &str,
        limit: usize,
    ) -> Result<(FileMetadata, Vec<u8>), ApiError> {
        const ROUTE: &str = "files/download";
        let arg = json!({"path": path});
        let range = Some(format!("bytes=0-{}", limit.saturating_sub(1)));
        let mut response = self.content(token, ROUTE, &arg, range).await?;
        if response.status() == StatusCode::RANGE_NOT_SATISFIABLE {
            // An empty file has no byte 0.
            response = self.content(token, ROUTE, &arg, None).await?;
        }
        let meta = result_header(ROUTE, response.headers())?;
        Ok((meta, read_at_most(response, limit).await?))
    }

    /// A folder as one zip archive, streamed into `part` (an open, empty file in `dir`);
    /// returns its length.
    pub async fn download_zip(
        &self,
        token: &AccessToken,
        path: &str,
        part: &std::fs::File,
        dir: &Path,
        on_bytes: OnBytes<'_>,
        cancel: &CancellationToken,
    ) -> Result<u64, DownloadError> {
        let response = self
            .content(token, "files/download_zip", &json!({"path": path}), None)
            .await?;
        let total = response.content_length().unwrap_or(0);
        let file = part.try_clone().map_err(DownloadError::Disk)?;
        file.set_len(0).map_err(DownloadError::Disk)?;
        // A zip's size is not known before it is made: it may take what the disk has
        // left, less a twentieth of that (at most 1 GiB) kept for the rest of the system.
        let most = Bound {
            bytes: free_space(dir).map_or(u64::MAX, |free| free - (free / 20).min(1 << 30)),
            past: || DownloadError::Disk(std::io::ErrorKind::StorageFull.into()),
        };
        let (written, _) = stream(
            response,
            file,
            0,
            most,
            cancel,
            &|done| on_bytes(done, total.max(done)),
            None,
        )
        .await?;
        Ok(written)
    }

    /// A JPEG thumbnail of an image, fitting `size` (one of Dropbox's, e.g. `w256h256`),
    /// and the file's metadata.
    pub async fn thumbnail(
        &self,
        token: &AccessToken,
        path: &str,
        size: &str,
    ) -> Result<(FileMetadata, Thumbnail), ApiError> {
        const ROUTE: &str = "files/get_thumbnail_v2";
        let arg = json!({
            "resource": {".tag": "path", "path": path},
            "format": "jpeg",
            "size": size,
            "mode": "bestfit",
        });
        let response = self.content(token, ROUTE, &arg, None).await?;
        #[derive(serde::Deserialize)]
        struct Preview {
            file_metadata: FileMetadata,
        }
        let meta: Preview = result_header(ROUTE, response.headers())?;
        let bytes = read_at_most(response, MAX_THUMBNAIL).await?;
        sane_picture(&bytes).map_err(|e| ApiError::Decode(format!("{ROUTE}: {e}")))?;
        let thumbnail = Thumbnail {
            bytes,
            mime: "image/jpeg",
        };
        Ok((meta.file_metadata, thumbnail))
    }
}

/// Write the body into `file` after `from` bytes, a chunk at a time, telling `on_bytes`
/// the bytes received after each; a body that brings more than `most` is cut off there. Each chunk goes, as it came from the connection (no
/// copy on the way), to a thread that writes it and, with a hasher, to another that
/// hashes it: the network, the disk and the hash each have a thread, so they overlap.
/// Returns the bytes written and the hasher, once both threads have taken all they were
/// given (so a part left for a resume holds every byte that was counted).
///
/// The file is not fsynced: like browsers, curl and rclone, a download is complete once
/// the system has it; the rename after it keeps a crashed or killed app from leaving
/// partial content under the real name (a power cut before the system writes it back is
/// what it does not cover; the cache checks a copy's size before using it).
/// The most a body may bring, and what it is when it brings more.
struct Bound {
    bytes: u64,
    past: fn() -> DownloadError,
}

async fn stream(
    mut response: reqwest::Response,
    file: std::fs::File,
    from: u64,
    most: Bound,
    cancel: &CancellationToken,
    on_bytes: &(dyn Fn(u64) + Send + Sync),
    hasher: Option<super::ContentHasher>,
) -> Result<(u64, Option<super::ContentHasher>), DownloadError> {
    // Plain writes of each chunk: no buffer to copy through, as chunks from a fast
    // connection are large, and the system gathers small ones in its page cache.
    let (to_disk, writer) = worker((file, 0), |(file, written), chunk| {
        std::io::Write::write_all(file, &chunk)?;
        *written += chunk.len() as u64;
        Ok(())
    });
    let hashing = hasher.map(|h| {
        worker(h, |h, chunk| {
            h.update(&chunk);
            Ok(())
        })
    });
    let mut received = 0;
    let outcome = loop {
        let chunk = tokio::select! {
            biased;
            () = cancel.cancelled() => break Err(DownloadError::Cancelled),
            // What arrived is kept for a resume.
            chunk = response.chunk() => match chunk {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break Ok(()),
                Err(e) => break Err(network(e).into()),
            },
        };
        let len = chunk.len() as u64;
        if received + len > most.bytes {
            break Err((most.past)());
        }
        if let Some((to_hash, _)) = &hashing {
            // The hasher never stops early: its thread alone could fail this, and then
            // the writer's outcome is the answer.
            let _ = to_hash.send(chunk.clone()).await;
        }
        if to_disk.send(chunk).await.is_err() {
            break Ok(());
        }
        received += len;
        on_bytes(from + received);
    };
    drop(to_disk);
    let stopped = || DownloadError::Disk(std::io::Error::other("the writer stopped"));
    let written = writer
        .await
        .map_err(|_| stopped())?
        .map_err(DownloadError::Disk)?
        .1;
    let hasher = match hashing {
        Some((to_hash, hashed)) => {
            drop(to_hash);
            Some(
                hashed
                    .await
                    .map_err(|_| stopped())?
                    .map_err(DownloadError::Disk)?,
            )
        }
        None => None,
    };
    outcome.map(|()| (written, hasher))
}

/// Chunks waiting for each thread at most; hyper's reads are up to a few hundred KiB each.
const QUEUED_CHUNKS: usize = 16;

type Chunks = tokio::sync::mpsc::Sender<bytes::Bytes>;
type Worker<T> = tokio::task::JoinHandle<std::io::Result<T>>;

/// A blocking thread that hands each chunk sent to it, in order, to `take` with `state`,
/// until the sender is dropped or `take` fails; it ends with the state.
fn worker<T: Send + 'static>(
    mut state: T,
    take: fn(&mut T, bytes::Bytes) -> std::io::Result<()>,
) -> (Chunks, Worker<T>) {
    let (tx, mut rx) = tokio::sync::mpsc::channel(QUEUED_CHUNKS);
    let handle = tokio::task::spawn_blocking(move || {
        while let Some(chunk) = rx.blocking_recv() {
            take(&mut state, chunk)?;
        }
        Ok(state)
    });
    (tx, handle)
}

/// Feed the first `len` bytes already in `part` to the hasher.
async fn hash_prefix(
    part: &mut tokio::fs::File,
    len: u64,
    hasher: &mut super::ContentHasher,
) -> std::io::Result<()> {
    part.seek(std::io::SeekFrom::Start(0)).await?;
    let mut file = part.take(len);
    let mut buf = vec![0; READ_BUFFER];
    loop {
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buf[..n]);
    }
}

/// The `Dropbox-API-Result` header of a content route.
fn result_header<T: DeserializeOwned>(route: &str, headers: &HeaderMap) -> Result<T, ApiError> {
    headers
        .get("Dropbox-API-Result")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| serde_json::from_str(v).ok())
        .ok_or_else(|| ApiError::Decode(format!("{route}: no Dropbox-API-Result")))
}

/// A picture whose header declares sane dimensions: the web view would otherwise decode
/// whatever a lying server declares (a few KiB can claim 65,535 × 65,535 pixels).
fn sane_picture(bytes: &[u8]) -> Result<(), String> {
    let size = imagesize::blob_size(bytes).map_err(|e| format!("not a picture ({e})"))?;
    if size.width > MAX_THUMBNAIL_SIDE || size.height > MAX_THUMBNAIL_SIDE {
        return Err(format!(
            "a picture of {} × {} pixels",
            size.width, size.height
        ));
    }
    Ok(())
}

/// The bytes this user may still write in `dir`'s file system.
fn free_space(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        // SAFETY: statvfs writes into a zeroed struct of its own type, from a valid C path.
        let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
            return None;
        }
        Some((stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
    }
    #[cfg(not(unix))]
    {
        // Windows: not bounded here yet (GetDiskFreeSpaceExW would tell).
        let _ = dir;
        None
    }
}

/// Where a 206's `Content-Range: bytes a-b/n` starts.
fn range_start(headers: &HeaderMap) -> Option<u64> {
    let v = headers.get(CONTENT_RANGE)?.to_str().ok()?;
    v.strip_prefix("bytes ")?.split('-').next()?.parse().ok()
}
