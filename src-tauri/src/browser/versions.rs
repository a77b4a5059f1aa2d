//! A file's versions: its revisions as Dropbox keeps them (`list_revisions`, newest first,
//! with when and how large, and who made each where Dropbox says: in a shared folder, as
//! this account or another; naming the other would take the `sharing.read` permission,
//! which Dropdesk does not ask for), the start of one as text for the preview, a copy of one saved
//! on this computer, and one made the current version again (`restore`: a new revision,
//! the others kept, so restoring is itself undone by restoring the one before).

use super::preview::{as_text, Body, Preview, TEXT_PREVIEW};
use super::{parent, Browser};
use crate::dropbox::Metadata;
use crate::error::{FileProblem, SessionError};
use crate::listing::Change;
use crate::view::{Entry, Kind};

/// One revision of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub rev: String,
    pub size: u64,
    /// When Dropbox stored it.
    pub modified: String,
    /// The one the file is now.
    pub current: bool,
    /// Who made it, where Dropbox says.
    pub by: Option<Author>,
}

/// Who made a revision of a file in a shared folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Author {
    /// The account connected.
    You,
    /// Another account sharing the folder.
    Another,
}

/// `rev:` names one revision of a file wherever Dropbox reads a path.
fn at_revision(rev: &str) -> String {
    format!("rev:{rev}")
}

impl Browser {
    /// The file at `path_lower` of a cached folder.
    fn file_entry(&self, path_lower: &str) -> Result<Entry, SessionError> {
        self.entry(path_lower)
            .filter(|e| e.kind == Kind::File)
            .ok_or(SessionError::File(FileProblem::Gone))
    }

    /// The versions of the file at `path_lower`, newest first (Dropbox keeps them for a
    /// while; at most 100 are listed).
    pub async fn versions(&self, path_lower: &str) -> Result<Vec<Version>, SessionError> {
        let entry = self.file_entry(path_lower)?;
        let listed = self.session.list_revisions(&entry.path).await?;
        let me = self.session.account_id().await;
        Ok(listed
            .entries
            .into_iter()
            .enumerate()
            .map(|(i, f)| Version {
                current: i == 0 && !listed.is_deleted,
                by: f
                    .sharing_info
                    .and_then(|s| s.modified_by)
                    .map(|by| match &me {
                        Some(me) if *me == by => Author::You,
                        _ => Author::Another,
                    }),
                rev: f.rev,
                size: f.size,
                modified: f.server_modified,
            })
            .collect())
    }

    /// The start of the version `rev` of the file at `path_lower`, as text when it is.
    pub async fn preview_version(
        &self,
        path_lower: &str,
        rev: &str,
    ) -> Result<Preview, SessionError> {
        self.file_entry(path_lower)?;
        let (meta, head) = self
            .session
            .download_head(&at_revision(rev), TEXT_PREVIEW)
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

    /// Save a copy of the version `rev` of the file at `path_lower` as `target`; returns
    /// the transfer.
    pub fn save_version(
        &self,
        path_lower: &str,
        rev: &str,
        target: std::path::PathBuf,
    ) -> Result<u64, SessionError> {
        let entry = Entry {
            path: at_revision(rev),
            rev: Some(rev.to_string()),
            ..self.file_entry(path_lower)?
        };
        Ok(self.files()?.save_as(&entry, target))
    }

    /// Make the version `rev` the file at `path_lower` again; the listing shows it at
    /// once.
    pub async fn restore_version(&self, path_lower: &str, rev: &str) -> Result<(), SessionError> {
        let entry = self.file_entry(path_lower)?;
        let now = self.session.restore_revision(&entry.path, rev).await?;
        self.show_at_once(
            parent(&entry.path_lower),
            [Change::from(Metadata::File(now))],
        );
        Ok(())
    }
}
