//! Delete with Undo. Selected entries go as one batch (`delete_batch`, polled until done,
//! 1,000 a batch) and leave the cached listing at once. What each was is kept first (a
//! file's revision; everything a folder held, listed before it goes), so that Undo brings
//! it back: each file restored to the revision it had, folders with nothing else in them
//! made again. Kept in memory for this run, the last [`KEPT`] deletes; what could not be
//! brought back stays to be tried again.

use std::sync::Arc;

use futures_util::{stream, StreamExt};

use super::{batch, parent, Browser};
use crate::dropbox::organize::{DeleteOutcome, MAX_BATCH_ENTRIES};
use crate::dropbox::{ApiError, Metadata, PathError, RouteError};
use crate::error::FileProblem;
use crate::listing::Change;
use crate::session::SessionError;
use crate::view::{Entry, Kind};

/// Deletes kept to undo, at most.
pub const KEPT: usize = 20;
/// Restores running at once during an Undo.
const RESTORING_AT_ONCE: usize = 4;

/// How a delete or an undo goes along: entries done of all.
pub type Along = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// One entry deleted, and what bringing it back takes.
#[derive(Clone, Debug)]
pub(super) struct Gone {
    pub(super) entry: Entry,
    /// Every file it was or held: path and revision.
    pub(super) files: Vec<(String, String)>,
    /// Every folder it was or held: path and key.
    pub(super) folders: Vec<(String, String)>,
}

/// The deletes that may still be undone, newest last.
#[derive(Default)]
pub(super) struct Undoable {
    next: u64,
    kept: Vec<(u64, Vec<Gone>)>,
}

/// What a delete did.
#[derive(Debug)]
pub struct Deleted {
    /// Hands the delete to [`Browser::undo_delete`]; `None` when nothing was deleted.
    pub undo: Option<u64>,
    pub deleted: usize,
    /// The names not deleted, and why.
    pub problems: Vec<(String, SessionError)>,
}

/// What an Undo brought back.
#[derive(Debug)]
pub struct Undone {
    pub restored: usize,
    /// The names not brought back, and why; Undo may be tried again for them.
    pub problems: Vec<(String, SessionError)>,
}

const ROUTE: &str = "files/delete_batch";

impl Browser {
    fn undoable(&self) -> std::sync::MutexGuard<'_, Undoable> {
        self.undoable.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The grant is gone: nothing of its deletes can be undone from here.
    pub(super) fn forget_undoable(&self) {
        self.undoable().kept.clear();
    }

    /// Delete the entries at `paths` (keys of cached folders) as one batch; `along` hears
    /// how many are done. Nothing is asked first: [`Browser::undo_delete`] brings them
    /// back. An entry gone meanwhile is reported `Gone`; the others are still deleted.
    pub async fn delete(&self, paths: &[String], along: Along) -> Result<Deleted, SessionError> {
        let entries = self.entries(paths)?;
        let mut gone = Vec::with_capacity(entries.len());
        for entry in entries {
            gone.push(self.what_it_holds(entry).await?);
        }
        let total = gone.len();
        let mut deleted = Vec::new();
        let mut problems = Vec::new();
        for chunk in gone.chunks(MAX_BATCH_ENTRIES) {
            let paths: Vec<String> = chunk.iter().map(|g| g.entry.path.clone()).collect();
            let outcomes = match self.delete_batch(&paths).await {
                Ok(outcomes) => outcomes,
                Err(e) if deleted.is_empty() => return Err(e),
                Err(e) => {
                    problems.extend(chunk.iter().map(|g| (g.entry.name.clone(), e.clone())));
                    continue;
                }
            };
            let mut outcomes = outcomes.into_iter();
            for g in chunk {
                match outcomes.next() {
                    Some(DeleteOutcome::Success { metadata }) => {
                        let mut g = g.clone();
                        // The revision deleted, which may be newer than the listing's.
                        if let (Metadata::File(f), Kind::File) = (metadata, g.entry.kind) {
                            g.files = vec![(g.entry.path.clone(), f.rev)];
                        }
                        deleted.push(g);
                    }
                    Some(DeleteOutcome::Failure {
                        failure:
                            RouteError::PathLookup {
                                path_lookup: PathError::NotFound,
                            },
                    }) => problems.push((g.entry.name.clone(), FileProblem::Gone.into())),
                    Some(DeleteOutcome::Failure { failure }) => problems.push((
                        g.entry.name.clone(),
                        SessionError::Api(ApiError::Route {
                            route: ROUTE.into(),
                            error: failure,
                            summary: String::new(),
                        }),
                    )),
                    None => problems.push((g.entry.name.clone(), batch::failed(ROUTE))),
                }
            }
            along(deleted.len() + problems.len(), total);
        }
        for g in &deleted {
            let key = &g.entry.path_lower;
            self.show_at_once(parent(key), [Change::Removed(key.clone())]);
        }
        let count = deleted.len();
        let undo = (!deleted.is_empty()).then(|| self.keep_undo(deleted));
        Ok(Deleted {
            undo,
            deleted: count,
            problems,
        })
    }

    /// What bringing `entry` back would take: its revision, or everything the folder holds
    /// (listed now, before it goes).
    async fn what_it_holds(&self, entry: Entry) -> Result<Gone, SessionError> {
        let mut gone = Gone {
            files: Vec::new(),
            folders: Vec::new(),
            entry,
        };
        let e = &gone.entry;
        match e.kind {
            Kind::File => {
                if let Some(rev) = &e.rev {
                    gone.files.push((e.path.clone(), rev.clone()));
                }
            }
            Kind::Folder => {
                gone.folders.push((e.path.clone(), e.path_lower.clone()));
                let mut page = self.session.list_folder_recursive(&e.path).await?;
                loop {
                    for change in page.changes {
                        if let Change::Upsert(x) = change {
                            match (x.kind, x.rev) {
                                (Kind::File, Some(rev)) => gone.files.push((x.path, rev)),
                                (Kind::Folder, _) => gone.folders.push((x.path, x.path_lower)),
                                (Kind::File, None) => {}
                            }
                        }
                    }
                    if !page.has_more {
                        break;
                    }
                    page = self.session.list_folder_continue(&page.cursor).await?;
                }
            }
        }
        Ok(gone)
    }

    /// Run one `delete_batch` to its end: each entry's outcome, in order.
    async fn delete_batch(&self, paths: &[String]) -> Result<Vec<DeleteOutcome>, SessionError> {
        let launched = self.session.delete_batch(paths).await?;
        batch::finish(ROUTE, launched, |id| async move {
            self.session.delete_batch_check(&id).await
        })
        .await
    }

    fn keep_undo(&self, gone: Vec<Gone>) -> u64 {
        let mut undoable = self.undoable();
        undoable.next += 1;
        let id = undoable.next;
        undoable.kept.push((id, gone));
        if undoable.kept.len() > KEPT {
            undoable.kept.remove(0);
        }
        id
    }

    /// Bring back what the delete `undo` took: every file at the revision it had, and the
    /// folders that held no file. `along` hears how many are done. What could not be
    /// brought back can be tried again with the same `undo`.
    pub async fn undo_delete(&self, undo: u64, along: Along) -> Result<Undone, SessionError> {
        let gone = {
            let mut undoable = self.undoable();
            let at = undoable
                .kept
                .iter()
                .position(|(id, _)| *id == undo)
                .ok_or(SessionError::File(FileProblem::Gone))?;
            undoable.kept.remove(at).1
        };
        let total: usize = gone.iter().map(|g| g.files.len() + g.folders.len()).sum();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let mut restored = 0;
        let mut problems = Vec::new();
        let mut left = Vec::new();
        for g in gone {
            match self.bring_back(&g, &done, total, &along).await {
                Ok(Some(now)) => {
                    restored += 1;
                    self.show_at_once(parent(&g.entry.path_lower), [now]);
                }
                Ok(None) => {}
                Err(e) if matches!(e, SessionError::Revoked | SessionError::NotConnected) => {
                    return Err(e)
                }
                Err(e) => {
                    problems.push((g.entry.name.clone(), e));
                    left.push(g);
                }
            }
        }
        if !left.is_empty() {
            self.undoable().kept.push((undo, left));
        }
        Ok(Undone { restored, problems })
    }

    /// Restore one deleted entry: its files (a few at once), then its folders that hold
    /// no restored file (a restore makes the folders above a file). The entry as it is
    /// now, for the listing.
    pub(super) async fn bring_back(
        &self,
        g: &Gone,
        done: &std::sync::atomic::AtomicUsize,
        total: usize,
        along: &Along,
    ) -> Result<Option<Change>, SessionError> {
        use std::sync::atomic::Ordering;
        let step = || along(done.fetch_add(1, Ordering::Relaxed) + 1, total);
        let session = &self.session;
        let mut restores = stream::iter(g.files.clone())
            .map(|(path, rev)| async move { session.restore_revision(&path, &rev).await })
            .buffer_unordered(RESTORING_AT_ONCE);
        let mut first_problem = None;
        let mut top = None;
        while let Some(answer) = restores.next().await {
            step();
            match answer {
                Ok(file) if g.entry.kind == Kind::File => top = Some(Metadata::File(file).into()),
                Ok(_) => {}
                Err(e) => {
                    first_problem.get_or_insert(e);
                }
            }
        }
        drop(restores);
        if let Some(e) = first_problem {
            return Err(e);
        }
        let lower_files: Vec<String> = g.files.iter().map(|(p, _)| p.to_lowercase()).collect();
        for (path, key) in &g.folders {
            let below = format!("{key}/");
            if !lower_files.iter().any(|f| f.starts_with(&below)) {
                match self.session.create_folder(path).await {
                    Ok(_) => {}
                    Err(SessionError::Api(ApiError::Route {
                        error:
                            RouteError::Path {
                                path:
                                    PathError::Conflict {
                                        conflict: crate::dropbox::Conflict::Folder,
                                    },
                            },
                        ..
                    })) => {}
                    Err(e) => return Err(e),
                }
            }
            step();
        }
        Ok(match g.entry.kind {
            Kind::File => top,
            Kind::Folder => Some(Change::Upsert(g.entry.clone())),
        })
    }
}
