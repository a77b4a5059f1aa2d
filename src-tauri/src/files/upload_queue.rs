//! What the window asks to upload (files and folders picked or dropped) made into
//! transfers: a file whose name is taken in the target folder is never replaced without
//! the person's say. The taken names are found first; the window asks "replace, keep
//! both or skip", and the answer applies to all of them. Replace replaces only the
//! revision the person was shown (`update` with its rev, autorenamed): a file changed at
//! Dropbox meanwhile stays as it is, the upload lands beside it as Dropbox's "conflicted
//! copy", and the transfer says so. Nothing is lost.

use std::collections::HashMap;

use futures_util::future::join_all;
use std::path::PathBuf;

use super::{upload, FileProblem, Files, Job, OnConflict, Purpose, SessionError};
use crate::dropbox::{Commit, WriteMode};

/// What an upload of picked or dropped files started, and what it refused with why (by
/// file name).
#[derive(Debug, Default)]
pub struct Enqueued {
    pub started: Vec<u64>,
    pub refused: Vec<(String, SessionError)>,
}

/// Names taken in the target folder (lower case), with the revision there.
type Taken = HashMap<String, String>;

/// Uploads waiting for the person's answer about taken names.
pub(super) struct Waiting {
    picked: Vec<PathBuf>,
    folder: String,
    taken: Taken,
}

impl Files {
    /// Put each of `picked` (files and folders on this computer the person chose) into
    /// the app folder's `folder`, a transfer each (a folder with its tree). A file whose
    /// name is in `taken` is handled as `how` says (none: as any other); any other name
    /// found taken at Dropbox meanwhile is never replaced (the transfer fails with
    /// `name_taken`). Returns the transfers started, and what was refused with why (a
    /// link, an unreadable file or a name that is not text).
    fn upload(
        &self,
        picked: &[PathBuf],
        folder: &str,
        taken: &Taken,
        how: Option<OnConflict>,
    ) -> Enqueued {
        let (mut started, mut refused) = (Vec::new(), Vec::new());
        for path in picked {
            // Its name only: the window never learns where on this computer it is.
            let shown = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let name = match path.file_name().map(|n| n.to_str()) {
                Some(Some(name)) => name.to_string(),
                _ => {
                    refused.push((shown, FileProblem::NameNotAllowed.into()));
                    continue;
                }
            };
            let to = format!("{folder}/{name}");
            match std::fs::symlink_metadata(path) {
                Ok(m) if m.is_file() => {}
                Ok(m) if m.is_dir() => {
                    let job = Job::UploadTree {
                        root: path.clone(),
                        into: folder.to_string(),
                    };
                    started.push(
                        self.transfers
                            .start(&name, Purpose::Upload, job, PathBuf::from(to), false)
                            .0,
                    );
                    continue;
                }
                Ok(_) => {
                    refused.push((shown, FileProblem::NotAFile.into()));
                    continue;
                }
                Err(e) => {
                    let unreadable = FileProblem::Unreadable {
                        file: shown.clone(),
                        kind: e.kind(),
                    };
                    refused.push((shown, unreadable.into()));
                    continue;
                }
            }
            let local = match upload::Local::of(path) {
                Ok(local) => local,
                Err(e) => {
                    refused.push((shown, e));
                    continue;
                }
            };
            let (mode, autorename) = match (taken.get(&name.to_lowercase()), how) {
                (Some(_), Some(OnConflict::Skip)) => continue,
                // Only the revision the person was shown: if it changed meanwhile, Dropbox
                // keeps this one beside it as a conflicted copy.
                (Some(rev), Some(OnConflict::Replace)) => (WriteMode::Update(rev.clone()), true),
                (Some(_), Some(OnConflict::KeepBoth)) => (WriteMode::Add, true),
                _ => (WriteMode::Add, false),
            };
            let commit = Commit {
                path: to.clone(),
                mode,
                autorename,
                client_modified: Some(crate::dropbox::timestamp(local.modified)),
            };
            let job = Job::Upload { local, commit };
            started.push(
                self.transfers
                    .start(&name, Purpose::Upload, job, PathBuf::from(to), false)
                    .0,
            );
        }
        Enqueued { started, refused }
    }

    /// Upload `picked` into `folder` at once when no file's name is taken there; else
    /// keep them waiting and return the taken names, for [`Files::confirm_upload`].
    pub async fn propose_upload(
        &self,
        picked: Vec<PathBuf>,
        folder: &str,
    ) -> Result<Enqueued, Vec<String>> {
        // Each picked file's name looked up at Dropbox, eight at a time (a round trip
        // each), so that picking hundreds of files does not wait for hundreds in turn.
        let session = self.transfers.session();
        let files: Vec<&str> = picked
            .iter()
            .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()))
            .collect();
        let (mut taken, mut names) = (Taken::new(), Vec::new());
        for some in files.chunks(super::upload_tree::PARALLEL) {
            let looked_up = join_all(some.iter().map(|name| async move {
                match session.metadata(&format!("{folder}/{name}")).await {
                    Ok(crate::dropbox::Metadata::File(there)) => {
                        Some((name.to_string(), there.rev))
                    }
                    _ => None,
                }
            }))
            .await;
            for (name, rev) in looked_up.into_iter().flatten() {
                taken.insert(name.to_lowercase(), rev);
                names.push(name);
            }
        }
        if taken.is_empty() {
            return Ok(self.upload(&picked, folder, &taken, None));
        }
        *self
            .pending_upload
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(Waiting {
            picked,
            folder: folder.to_string(),
            taken,
        });
        Err(names)
    }

    /// Go on with the uploads [`Files::propose_upload`] kept waiting, taken names handled
    /// per `on_conflict`; `None` drops them.
    pub fn confirm_upload(&self, on_conflict: Option<OnConflict>) -> Enqueued {
        let waiting = self
            .pending_upload
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match (waiting, on_conflict) {
            (Some(w), Some(how)) => self.upload(&w.picked, &w.folder, &w.taken, Some(how)),
            _ => Enqueued::default(),
        }
    }
}
