//! The Deleted files view: what was deleted in a folder (its listing with
//! `include_deleted`), newest deletion first. A file shows when it went and the revision it
//! had (`list_revisions`) and comes back at that revision. A folder shows how much went
//! with it and comes back with the files deleted when it was (within [`WITH_IT`] of the
//! last of them) and its subfolders; files deleted in it earlier, one by one, stay deleted.
//! What is restored shows in the listing at once.

use std::sync::atomic::AtomicUsize;

use futures_util::{stream, StreamExt};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::delete::{Along, Gone};
use super::{parent, Browser};
use crate::dropbox::types::DeletedMetadata;
use crate::dropbox::{ApiError, Metadata};
use crate::listing::Change;
use crate::session::SessionError;
use crate::view::{Entry, Kind};

/// Deleted entries looked up at most, and at once.
const LOOKED_UP: usize = 200;
const AT_ONCE: usize = 4;
/// Files in a deleted folder looked up to say when it went.
const WHEN_FROM: usize = 8;
/// How long before the last file of a folder went the others count as deleted with it
/// (deleting a large folder takes Dropbox a while).
const WITH_IT: time::Duration = time::Duration::minutes(1);

/// An entry deleted in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedEntry {
    pub name: String,
    pub path: String,
    /// When Dropbox deleted it (RFC 3339), when it says; for a folder, when the last file
    /// in it went.
    pub deleted_at: Option<String>,
    pub was: Was,
}

/// What a deleted entry was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Was {
    /// A file, at the revision a restore brings back.
    File { rev: String, size: u64 },
    /// A folder, with this many deleted entries below it.
    Folder { held: usize },
}

/// What a deleted entry is, as `list_revisions` tells it.
enum Looked {
    File(GoneFile),
    /// Not a file: a folder (a deleted folder has no revisions).
    Folder,
    /// Nothing to restore: something is at that path again (or Dropbox keeps no
    /// revision of it).
    Back,
}

/// A deleted file: the revision it had.
struct GoneFile {
    path: String,
    rev: String,
    size: u64,
    deleted_at: Option<String>,
}

impl Browser {
    /// What was deleted in the folder `path`, newest deletion first (of the first
    /// [`LOOKED_UP`] Dropbox names).
    pub async fn deleted_in(&self, path: &str) -> Result<Vec<DeletedEntry>, SessionError> {
        let mut gone = self.session.list_deleted(path, false).await?;
        gone.truncate(LOOKED_UP);
        let mut found = Vec::new();
        let mut folders = Vec::new();
        for (d, looked) in self.look_up(gone).await? {
            match looked {
                Looked::File(f) => found.push(DeletedEntry {
                    name: d.name,
                    path: f.path,
                    deleted_at: f.deleted_at,
                    was: Was::File {
                        rev: f.rev,
                        size: f.size,
                    },
                }),
                Looked::Folder => folders.push(d),
                Looked::Back => {}
            }
        }
        if !folders.is_empty() {
            let below = self.session.list_deleted(path, true).await?;
            for d in folders {
                let inside = within(&below, &d);
                let sample = inside.iter().take(WHEN_FROM).map(|&d| d.clone()).collect();
                let when = self
                    .look_up(sample)
                    .await?
                    .into_iter()
                    .filter_map(|(_, looked)| match looked {
                        Looked::File(f) => f.deleted_at,
                        Looked::Folder | Looked::Back => None,
                    })
                    .max();
                found.push(DeletedEntry {
                    name: d.name,
                    path: d.path_display.unwrap_or_default(),
                    deleted_at: when,
                    was: Was::Folder { held: inside.len() },
                });
            }
        }
        found.sort_by(|a, b| b.deleted_at.cmp(&a.deleted_at).then(a.name.cmp(&b.name)));
        Ok(found)
    }

    /// What each deleted entry is, a few at once, in order.
    async fn look_up(
        &self,
        entries: Vec<DeletedMetadata>,
    ) -> Result<Vec<(DeletedMetadata, Looked)>, SessionError> {
        let session = &self.session;
        stream::iter(entries)
            .map(|d| async move {
                let at = d.path_display.clone().unwrap_or_default();
                let looked = match session.list_revisions(&at).await {
                    Ok(r) if r.is_deleted => match r.entries.into_iter().next() {
                        Some(last) => Looked::File(GoneFile {
                            path: at,
                            rev: last.rev,
                            size: last.size,
                            deleted_at: r.server_deleted,
                        }),
                        None => Looked::Back,
                    },
                    Ok(_) => Looked::Back,
                    Err(SessionError::Api(ApiError::Route { .. })) => Looked::Folder,
                    Err(e) => return Err(e),
                };
                Ok((d, looked))
            })
            .buffered(AT_ONCE)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect()
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

    /// Bring the deleted folder at `path` back with what was deleted with it: the files
    /// that went within [`WITH_IT`] of the last one, at the revisions they had, and its
    /// subfolders. `along` hears how many are done.
    pub async fn restore_deleted_folder(
        &self,
        path: &str,
        along: Along,
    ) -> Result<(), SessionError> {
        let key = path.to_lowercase();
        let below = self.session.list_deleted(parent(path), true).await?;
        let named = DeletedMetadata {
            name: path.rsplit('/').next().unwrap_or_default().to_string(),
            path_lower: Some(key.clone()),
            path_display: Some(path.to_string()),
        };
        let inside = within(&below, &named).into_iter().cloned().collect();
        let mut gone = Gone {
            entry: Entry {
                kind: Kind::Folder,
                name: named.name.clone(),
                path: path.to_string(),
                path_lower: key.clone(),
                size: None,
                modified: None,
                rev: None,
            },
            files: Vec::new(),
            folders: vec![(path.to_string(), key)],
        };
        let mut files = Vec::new();
        for (d, looked) in self.look_up(inside).await? {
            match looked {
                Looked::File(f) => files.push(f),
                Looked::Folder => gone.folders.push((
                    d.path_display.unwrap_or_default(),
                    d.path_lower.unwrap_or_default(),
                )),
                Looked::Back => {}
            }
        }
        gone.files = with_the_folder(files);
        let total = gone.files.len() + gone.folders.len();
        let now = self
            .bring_back(&gone, &AtomicUsize::new(0), total, &along)
            .await?;
        self.show_at_once(parent(&gone.entry.path_lower), now);
        Ok(())
    }
}

/// The entries of `all` below the deleted folder `folder`.
fn within<'a>(all: &'a [DeletedMetadata], folder: &DeletedMetadata) -> Vec<&'a DeletedMetadata> {
    let below = format!("{}/", folder.path_lower.as_deref().unwrap_or_default());
    all.iter()
        .filter(|d| {
            d.path_lower
                .as_deref()
                .is_some_and(|p| p.starts_with(&below))
        })
        .collect()
}

/// Of the deleted files in a folder, the ones that went with it (within [`WITH_IT`] of the
/// last, or when Dropbox does not say): path and revision.
fn with_the_folder(files: Vec<GoneFile>) -> Vec<(String, String)> {
    let moment = |f: &GoneFile| OffsetDateTime::parse(f.deleted_at.as_deref()?, &Rfc3339).ok();
    let last = files.iter().filter_map(moment).max();
    files
        .into_iter()
        .filter(|f| match (moment(f), last) {
            (Some(went), Some(last)) => last - went <= WITH_IT,
            _ => true,
        })
        .map(|f| (f.path, f.rev))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, deleted_at: Option<&str>) -> GoneFile {
        GoneFile {
            path: format!("/Trip/{name}"),
            rev: format!("rev-{name}"),
            size: 1,
            deleted_at: deleted_at.map(str::to_string),
        }
    }

    #[test]
    fn a_folders_files_deleted_with_it_come_back_and_one_deleted_earlier_stays_deleted() {
        let files = vec![
            file("earlier.txt", Some("2026-12-01T09:00:00Z")),
            file("a.txt", Some("2026-12-05T10:00:00Z")),
            file("b.txt", Some("2026-12-05T10:00:40Z")),
            file("unknown.txt", None),
        ];
        let names: Vec<String> = with_the_folder(files).into_iter().map(|(p, _)| p).collect();
        assert_eq!(names, ["/Trip/a.txt", "/Trip/b.txt", "/Trip/unknown.txt"]);
    }
}
