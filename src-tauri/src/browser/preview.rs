//! What the preview panel shows of the selected file: its metadata as Dropbox has it now
//! (size, modified, revision, content hash); for a picture, a thumbnail (kept in the store
//! beside the listing, per revision, so it shows again at once and offline); for a text
//! file, its first 64 KiB as text.

use super::Browser;
use crate::dropbox::{ApiError, FileMetadata, Metadata, Thumbnail};
use crate::error::{FileProblem, SessionError};
use crate::view::{Entry, Kind};

/// How much of a text file the preview shows.
pub const TEXT_PREVIEW: usize = 64 * 1024;
/// The thumbnail size asked of Dropbox.
const THUMBNAIL_SIZE: &str = "w256h256";

/// Extensions Dropbox makes thumbnails of.
const PICTURES: &[&str] = &[
    "jpg", "jpeg", "png", "tiff", "tif", "gif", "webp", "ppm", "bmp", "heic",
];
/// Extensions of files that are text; a name without an extension is tried as text too.
const TEXT: &[&str] = &[
    "txt", "md", "markdown", "csv", "tsv", "json", "toml", "yaml", "yml", "xml", "html", "htm",
    "css", "js", "mjs", "ts", "rs", "py", "rb", "go", "java", "c", "h", "cpp", "hpp", "sh", "log",
    "ini", "cfg", "conf", "srt", "tex", "sql", "svg",
];

/// A file's preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub meta: FileMetadata,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Picture(Thumbnail),
    /// The start of a text file; `whole` when that is all of it.
    Text {
        text: String,
        whole: bool,
    },
    /// Nothing to show but the metadata (another kind of file, or a picture Dropbox could
    /// not make a thumbnail of).
    None,
}

fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.')
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, e)| e.to_ascii_lowercase())
}

/// The text in `bytes` (the first bytes of a file), unless it is not text: a NUL, or
/// UTF-8 that is broken other than by the cut at the end.
pub fn as_text(bytes: &[u8]) -> Option<String> {
    if bytes.contains(&0) {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s.to_string()),
        Err(e) if e.error_len().is_none() => Some(
            std::str::from_utf8(&bytes[..e.valid_up_to()])
                .expect("valid up to here")
                .to_string(),
        ),
        Err(_) => None,
    }
}

impl Browser {
    /// The preview of the file at `path_lower` of a cached folder.
    pub async fn preview(&self, path_lower: &str) -> Result<Preview, SessionError> {
        self.preview_of(path_lower)
            .await
            .map_err(|e| self.forget_if_revoked(e))
    }

    async fn preview_of(&self, path_lower: &str) -> Result<Preview, SessionError> {
        let entry = self
            .entry(path_lower)
            .filter(|e| e.kind == Kind::File)
            .ok_or(SessionError::File(FileProblem::Gone))?;
        let ext = extension(&entry.name);
        let ext = ext.as_deref();
        if ext.is_some_and(|e| PICTURES.contains(&e)) {
            self.picture(&entry).await
        } else if ext.is_none_or(|e| TEXT.contains(&e)) {
            self.text(&entry).await
        } else {
            Ok(Preview {
                meta: self.file_metadata(&entry.path).await?,
                body: Body::None,
            })
        }
    }

    /// A picture's thumbnail, from the store when this revision's is kept.
    async fn picture(&self, entry: &Entry) -> Result<Preview, SessionError> {
        let rev = entry.rev.as_deref().unwrap_or_default();
        if let Some(t) = self.stored_thumbnail(&entry.path_lower, rev).await {
            let meta = self.file_metadata(&entry.path).await?;
            return Ok(Preview {
                meta,
                body: Body::Picture(t),
            });
        }
        match self.session.thumbnail(&entry.path, THUMBNAIL_SIZE).await {
            Ok((meta, t)) => {
                self.keep_thumbnail(&entry.path_lower, &meta.rev, &t);
                Ok(Preview {
                    meta,
                    body: Body::Picture(t),
                })
            }
            // Dropbox could not make one (not really a picture, or too large).
            Err(SessionError::Api(ApiError::Route { .. })) => Ok(Preview {
                meta: self.file_metadata(&entry.path).await?,
                body: Body::None,
            }),
            Err(e) => Err(e),
        }
    }

    /// The start of a text file.
    async fn text(&self, entry: &Entry) -> Result<Preview, SessionError> {
        let (meta, head) = self
            .session
            .download_head(&entry.path, TEXT_PREVIEW)
            .await?;
        let body = match as_text(&head) {
            Some(text) => Body::Text {
                whole: head.len() as u64 == meta.size,
                text,
            },
            None => Body::None,
        };
        Ok(Preview { meta, body })
    }

    async fn file_metadata(&self, path: &str) -> Result<FileMetadata, SessionError> {
        match self.session.metadata(path).await? {
            Metadata::File(f) => Ok(f),
            _ => Err(SessionError::File(FileProblem::Gone)),
        }
    }

    async fn stored_thumbnail(&self, path_lower: &str, rev: &str) -> Option<Thumbnail> {
        let (store, account) = self.store_and_account()?;
        let (path_lower, rev) = (path_lower.to_string(), rev.to_string());
        let (mime, bytes) =
            tokio::task::spawn_blocking(move || store.thumbnail(&account, &path_lower, &rev))
                .await
                .ok()?
                .map_err(|e| log::warn!("could not read a stored thumbnail: {e}"))
                .ok()??;
        let mime = if mime == "image/png" {
            "image/png"
        } else {
            "image/jpeg"
        };
        Some(Thumbnail { bytes, mime })
    }

    fn keep_thumbnail(&self, path_lower: &str, rev: &str, t: &Thumbnail) {
        let Some((store, account)) = self.store_and_account() else {
            return;
        };
        let (path_lower, rev, t) = (path_lower.to_string(), rev.to_string(), t.clone());
        tokio::task::spawn_blocking(move || {
            if let Err(e) = store.keep_thumbnail(&account, &path_lower, &rev, t.mime, &t.bytes) {
                log::warn!("could not store a thumbnail: {e}");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_text_even_when_cut_inside_a_character() {
        let bytes = "naïve café".as_bytes();
        assert_eq!(as_text(bytes).as_deref(), Some("naïve café"));
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(as_text(cut).as_deref(), Some("naïve caf"));
    }

    #[test]
    fn bytes_with_a_nul_or_broken_utf8_are_not_text() {
        assert_eq!(as_text(b"PK\x03\x04\x00\x00"), None);
        assert_eq!(as_text(b"\xff\xfe plain"), None);
    }

    #[test]
    fn a_leading_dot_is_not_an_extension() {
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("Photo.JPG").as_deref(), Some("jpg"));
        assert_eq!(extension("README"), None);
    }
}
