//! The Deleted files view: the files deleted in a folder (its listing with
//! `include_deleted`), each with when it went and the revision it had
//! (`list_revisions`), newest deletion first; one restored from there comes back at that
//! revision and shows in the listing at once. A deleted folder is not listed here: Undo
//! brings folders back, with what was in them.

use futures_util::{stream, StreamExt};

use super::{parent, Browser};
use crate::dropbox::Metadata;
use crate::listing::Change;
use crate::session::SessionError;

/// Deleted entries looked up at most, and at once.
const LOOKED_UP: usize = 200;
const AT_ONCE: usize = 4;

/// A file deleted in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedFile {
    pub name: String,
    pub path: String,
    /// When Dropbox deleted it (RFC 3339), when it says.
    pub deleted_at: Option<String>,
    /// The revision it had, which a restore brings back.
    pub rev: String,
    pub size: u64,
}

impl Browser {
    /// The files deleted in the folder `path`, newest deletion first (of the first
    /// [`LOOKED_UP`] Dropbox names).
    pub async fn deleted_in(&self, path: &str) -> Result<Vec<DeletedFile>, SessionError> {
        let gone = self.session.list_deleted(path).await?;
        let session = &self.session;
        let mut found: Vec<DeletedFile> = stream::iter(gone.into_iter().take(LOOKED_UP))
            .map(|d| async move {
                let at = d.path_display.clone().unwrap_or_default();
                match session.list_revisions(&at).await {
                    Ok(r) if r.is_deleted => {
                        Ok(r.entries.into_iter().next().map(|last| DeletedFile {
                            name: d.name,
                            path: at,
                            deleted_at: r.server_deleted,
                            rev: last.rev,
                            size: last.size,
                        }))
                    }
                    // A folder, or a file back meanwhile.
                    Ok(_) | Err(SessionError::Api(crate::dropbox::ApiError::Route { .. })) => {
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            })
            .buffer_unordered(AT_ONCE)
            .filter_map(|r| async move { r.transpose() })
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()?;
        found.sort_by(|a, b| b.deleted_at.cmp(&a.deleted_at).then(a.name.cmp(&b.name)));
        Ok(found)
    }

    /// Bring the deleted file at `path` back at the revision `rev`; the listing of its
    /// folder shows it at once.
    pub async fn restore_deleted(&self, path: &str, rev: &str) -> Result<(), SessionError> {
        let now = self.session.restore_revision(path, rev).await?;
        let key = now
            .path_lower
            .clone()
            .unwrap_or_else(|| path.to_lowercase());
        self.show_at_once(parent(&key), [Change::from(Metadata::File(now))]);
        Ok(())
    }
}
