//! Move to…, Copy to…, paste and drags: entries of cached folders moved (or copied) into
//! another folder of the app folder as one batch (`move_batch_v2` or `copy_batch_v2`,
//! polled, 1,000 a batch). Nothing is overwritten: a name the target folder has (whatever
//! its case) is reported taken, before any request when its listing is cached; a folder
//! put into itself is refused. Moved entries leave their folder's listing at once and show
//! in the target's.

use super::delete::Along;
use super::{batch, parent, Browser};
use crate::dropbox::organize::{RelocationFailure, RelocationOutcome, MAX_BATCH_ENTRIES};
use crate::dropbox::{ApiError, Conflict, PathError, RouteError};
use crate::error::FileProblem;
use crate::files::names;
use crate::listing::Change;
use crate::session::SessionError;
use crate::view::Entry;

/// What a move or copy did.
#[derive(Debug)]
pub struct Relocated {
    pub done: usize,
    /// The names not moved or copied, and why.
    pub problems: Vec<(String, SessionError)>,
}

/// Why an entry could not go, as the person is told.
fn why(entry: &Entry, route: &str, failure: RelocationFailure) -> SessionError {
    let error = match failure {
        RelocationFailure::RelocationError { relocation_error } => relocation_error,
        RelocationFailure::Other => RouteError::Other,
    };
    match error {
        RouteError::To {
            to:
                PathError::Conflict {
                    conflict: Conflict::File | Conflict::Folder,
                },
        } => FileProblem::NameTaken {
            name: entry.name.clone(),
        }
        .into(),
        RouteError::FromLookup {
            from_lookup: PathError::NotFound,
        } => FileProblem::Gone.into(),
        RouteError::CantMoveFolderIntoItself => FileProblem::IntoItself.into(),
        error => SessionError::Api(ApiError::Route {
            route: route.into(),
            error,
            summary: String::new(),
        }),
    }
}

impl Browser {
    /// Move (or, with `copy`, copy) the entries at `paths` (keys of cached folders) into
    /// the folder `into` (its path and key, `""` for the root); `along` hears how many are
    /// done. An entry already in that folder is left where it is by a move.
    pub async fn relocate(
        &self,
        paths: &[String],
        (into, into_lower): (&str, &str),
        copy: bool,
        along: Along,
    ) -> Result<Relocated, SessionError> {
        let route = if copy {
            "files/copy_batch_v2"
        } else {
            "files/move_batch_v2"
        };
        let mut problems = Vec::new();
        let mut todo = Vec::new();
        for e in self.entries(paths)? {
            let inside =
                into_lower == e.path_lower || into_lower.starts_with(&format!("{}/", e.path_lower));
            if !copy && parent(&e.path_lower) == into_lower {
                continue;
            } else if inside {
                problems.push((e.name.clone(), FileProblem::IntoItself.into()));
            } else if self.entry(&names::key_in(into_lower, &e.name)).is_some() {
                let name = e.name.clone();
                problems.push((name.clone(), FileProblem::NameTaken { name }.into()));
            } else {
                todo.push(e);
            }
        }
        let total = todo.len() + problems.len();
        let mut done = 0;
        for chunk in todo.chunks(MAX_BATCH_ENTRIES) {
            let pairs: Vec<(String, String)> = chunk
                .iter()
                .map(|e| (e.path.clone(), format!("{into}/{}", e.name)))
                .collect();
            let outcomes = match self.relocate_batch(route, &pairs, copy).await {
                Ok(outcomes) => outcomes,
                Err(e) if done == 0 => return Err(e),
                Err(e) => {
                    problems.extend(chunk.iter().map(|x| (x.name.clone(), e.clone())));
                    continue;
                }
            };
            let mut outcomes = outcomes.into_iter();
            for e in chunk {
                match outcomes.next() {
                    Some(RelocationOutcome::Success { success }) => {
                        done += 1;
                        if !copy {
                            let key = &e.path_lower;
                            self.show_at_once(parent(key), [Change::Removed(key.clone())]);
                        }
                        self.show_at_once(into_lower, [Change::from(success)]);
                    }
                    Some(RelocationOutcome::Failure { failure }) => {
                        problems.push((e.name.clone(), why(e, route, failure)))
                    }
                    None => problems.push((e.name.clone(), batch::failed(route))),
                }
            }
            along(done + problems.len(), total);
        }
        Ok(Relocated { done, problems })
    }

    async fn relocate_batch(
        &self,
        route: &str,
        pairs: &[(String, String)],
        copy: bool,
    ) -> Result<Vec<RelocationOutcome>, SessionError> {
        let launched = self.session.relocate_batch(pairs, copy).await?;
        batch::finish(route, launched, |id| async move {
            self.session.relocate_batch_check(&id, copy).await
        })
        .await
    }

    /// The folders in the folder `path` (its key `path_lower`), by name: from its cached
    /// listing when it has one, else as Dropbox lists it (every page), without opening it
    /// (the folder in view keeps its watch). For the folder picker.
    pub async fn subfolders(
        &self,
        path: &str,
        path_lower: &str,
    ) -> Result<Vec<Entry>, SessionError> {
        let cached = self.cache().folders.get(path_lower).map(|l| {
            l.snapshot()
                .entries()
                .filter(|e| e.kind == crate::view::Kind::Folder)
                .collect::<Vec<_>>()
        });
        let mut folders = match cached {
            Some(folders) => folders,
            None => {
                let mut folders = Vec::new();
                let mut page = self.session.list_folder(path).await?;
                loop {
                    folders.extend(page.changes.into_iter().filter_map(|c| match c {
                        Change::Upsert(e) if e.kind == crate::view::Kind::Folder => Some(e),
                        _ => None,
                    }));
                    if !page.has_more {
                        break;
                    }
                    page = self.session.list_folder_continue(&page.cursor).await?;
                }
                folders
            }
        };
        folders.sort_by_key(|e| crate::listing::natural_key(&e.name));
        Ok(folders)
    }
}
