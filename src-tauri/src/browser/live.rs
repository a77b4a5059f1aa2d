//! Live updates: while a folder is open, one long-poll at a time waits on its cursor
//! (`files/list_folder/longpoll`, notify host); when Dropbox says something changed, the
//! changes since the cursor are fetched and reported like any page, with the changed rows
//! named so the window can highlight them. Dropbox's `backoff` is honoured; a lost network
//! is retried quietly with backoff, and reported as a problem only after it persists.

use std::sync::Arc;
use std::time::Duration;

use super::{Browser, Reporter};
use crate::dropbox::RouteError;
use crate::error::SessionError;

/// Failed long-polls in a row before the window hears that Dropdesk is offline.
const OFFLINE_AFTER: u32 = 3;

impl Browser {
    /// Watch `key` for changes, instead of whatever folder was watched before.
    pub(super) fn watch(self: &Arc<Self>, generation: u64, key: &str, report: Reporter) {
        let me = self.clone();
        let key = key.to_string();
        let task = tokio::spawn(async move { me.live(generation, &key, report).await });
        let handle = task.abort_handle();
        let previous = self
            .watcher
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace(handle.clone());
        if let Some(previous) = previous {
            previous.abort();
        }
        self.track(handle);
    }

    async fn live(self: &Arc<Self>, generation: u64, key: &str, report: Reporter) {
        let mut failures = 0u32;
        loop {
            let cursor = {
                let cache = self.cache();
                if cache.generation != generation {
                    return;
                }
                match cache.folders.get(key) {
                    None => return,
                    // Still paging in, or being refreshed: its cursor is about to move.
                    Some(l) if l.loading || !l.complete => None,
                    Some(l) => Some(l.cursor.clone()),
                }
            };
            let Some(cursor) = cursor else {
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            };
            match self.session.longpoll(&cursor).await {
                Ok(answer) => {
                    failures = 0;
                    if answer.changes {
                        self.fill(generation, key, cursor, &report).await;
                    }
                    if let Some(secs) = answer.backoff {
                        tokio::time::sleep(Duration::from_secs(secs.min(600))).await;
                    }
                }
                // The cursor expired: fetching from it lists the folder again.
                Err(SessionError::Api(e)) if e.route_error() == Some(RouteError::Reset) => {
                    self.fill(generation, key, cursor, &report).await;
                }
                Err(e) if e.is_transient() => {
                    failures += 1;
                    if failures == OFFLINE_AFTER {
                        self.report_failure(generation, key, e, &report);
                    }
                    let wait = 1u64 << failures.min(6);
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                }
                Err(e) => {
                    self.report_failure(generation, key, e, &report);
                    return;
                }
            }
        }
    }
}
