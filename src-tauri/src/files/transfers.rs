//! The transfers a person can watch and cancel: each download runs in the background into
//! `<target>.part`, is renamed onto its target only when complete (and, for a file, matching
//! Dropbox's content hash), and reports its progress (bytes, speed, time left) at most a
//! few times a second. Transient failures are retried per the session's retry policy with
//! each wait shown (a 429's `Retry-After` included); when they persist the transfer stops
//! as failed with its part kept, and Retry resumes it with a `Range` request. Cancel stops
//! it and removes the part.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::error::{FileProblem, SessionError};
use crate::session::{Retry, Session};

/// Finished transfers kept in the list at most (the oldest go first).
const MAX_FINISHED: usize = 200;

/// How often a running transfer reports its bytes.
const REPORT_EVERY: Duration = Duration::from_millis(200);

/// What a transfer fetches.
#[derive(Clone, Debug)]
pub enum Job {
    /// One revision of a file.
    File { path: String, rev: String },
    /// A folder as a zip archive.
    Zip { path: String },
}

/// Why the person started it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Open,
    Save,
}

/// Where a transfer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Running,
    /// Waiting before trying again (Dropbox asked to slow down, or the network failed).
    Waiting(Duration),
    Done,
    Failed(SessionError),
    Cancelled,
}

/// One transfer as the window shows it.
#[derive(Clone, Debug)]
pub struct Report {
    pub id: u64,
    pub name: String,
    pub purpose: Purpose,
    pub target: PathBuf,
    pub done: u64,
    pub total: u64,
    /// Bytes per second in this attempt so far.
    pub rate: u64,
    pub phase: Phase,
}

/// Hears of every change of a transfer.
pub type Listener = Arc<dyn Fn(Report) + Send + Sync>;

/// How an attempt of a transfer ended, once it has: its file, or why not.
pub type Settled = tokio::sync::watch::Receiver<Option<Result<PathBuf, SessionError>>>;

struct Transfer {
    name: String,
    purpose: Purpose,
    job: Job,
    target: PathBuf,
    done: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
    phase: Phase,
    cancel: CancellationToken,
    /// The end of the latest attempt (`None` while it runs).
    settled: tokio::sync::watch::Sender<Option<Result<PathBuf, SessionError>>>,
    /// When this attempt started and how many bytes were there then.
    started: Instant,
    started_at: u64,
}

impl Transfer {
    /// Running, or waiting to try again.
    fn going(&self) -> bool {
        matches!(self.phase, Phase::Running | Phase::Waiting(_))
    }
}

pub struct Transfers {
    session: Arc<Session>,
    retry: Retry,
    list: Mutex<Vec<(u64, Transfer)>>,
    next: AtomicU64,
    listener: Mutex<Option<Listener>>,
}

impl Transfers {
    pub fn new(session: Arc<Session>) -> Arc<Self> {
        Arc::new(Transfers {
            session,
            retry: Retry::default(),
            list: Mutex::default(),
            next: AtomicU64::new(1),
            listener: Mutex::default(),
        })
    }

    /// Send every change from now on to `listener` (the window).
    pub fn listen(&self, listener: Listener) {
        *self.listener.lock().unwrap_or_else(|e| e.into_inner()) = Some(listener);
    }

    fn list(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Transfer)>> {
        self.list.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The parts of the transfers that may still carry on: running, waiting, or failed
    /// (Retry resumes them).
    pub fn parts(&self) -> Vec<PathBuf> {
        self.list()
            .iter()
            .filter(|(_, t)| !matches!(t.phase, Phase::Done | Phase::Cancelled))
            .map(|(_, t)| part_of(&t.target))
            .collect()
    }

    /// Every transfer of this run, oldest first.
    pub fn reports(&self) -> Vec<Report> {
        self.list().iter().map(|(id, t)| report(*id, t)).collect()
    }

    /// Start fetching `job` into `target`; the answer is the transfer's id and its end.
    /// A transfer into the same target that is still going is not started twice (two
    /// writers of one part would spoil it): its id and end are the answer.
    pub fn start(
        self: &Arc<Self>,
        name: &str,
        purpose: Purpose,
        job: Job,
        target: PathBuf,
    ) -> (u64, Settled) {
        let mut list = self.list();
        if let Some((id, t)) = list.iter().find(|(_, t)| t.target == target && t.going()) {
            return (*id, t.settled.subscribe());
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (settled, end) = tokio::sync::watch::channel(None);
        let transfer = Transfer {
            name: name.to_string(),
            purpose,
            job,
            target,
            done: Arc::default(),
            total: Arc::default(),
            phase: Phase::Running,
            cancel: CancellationToken::new(),
            settled,
            started: Instant::now(),
            started_at: 0,
        };
        let first = report(id, &transfer);
        list.push((id, transfer));
        // Keep the newest finished ones; what still runs always stays.
        let finished = list.iter().filter(|(_, t)| !t.going()).count();
        let mut extra = finished.saturating_sub(MAX_FINISHED);
        list.retain(|(_, t)| {
            let drop = extra > 0 && !t.going();
            extra -= usize::from(drop);
            !drop
        });
        drop(list);
        self.tell(first);
        self.spawn(id);
        (id, end)
    }

    /// Resume a failed transfer (after the bytes it kept) or start a cancelled one again.
    pub fn retry(self: &Arc<Self>, id: u64) -> bool {
        let restart = self.update(id, |t| {
            if !matches!(t.phase, Phase::Failed(_) | Phase::Cancelled) {
                return false;
            }
            t.phase = Phase::Running;
            t.cancel = CancellationToken::new();
            t.settled.send_replace(None);
            true
        });
        if restart == Some(true) {
            self.spawn(id);
        }
        restart == Some(true)
    }

    /// Stop a transfer; what it fetched is removed.
    pub fn cancel(&self, id: u64) {
        self.update(id, |t| t.cancel.cancel());
    }

    /// Stop every transfer (on Disconnect) and forget them; the listener hears that each
    /// that was still going is cancelled.
    pub fn cancel_all(&self) {
        let stopped: Vec<(u64, Transfer)> = self.list().drain(..).collect();
        for (id, mut t) in stopped {
            t.cancel.cancel();
            if t.going() {
                t.phase = Phase::Cancelled;
                t.settled
                    .send_replace(Some(Err(FileProblem::Cancelled.into())));
                self.tell(report(id, &t));
            }
        }
    }

    /// Change transfer `id` and tell the listener.
    fn update<T>(&self, id: u64, f: impl FnOnce(&mut Transfer) -> T) -> Option<T> {
        let (out, report) = {
            let mut list = self.list();
            let (_, t) = list.iter_mut().find(|(i, _)| *i == id)?;
            let out = f(t);
            (out, report(id, t))
        };
        self.tell(report);
        Some(out)
    }

    fn tell(&self, report: Report) {
        let listener = self
            .listener
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(listener) = listener {
            listener(report);
        }
    }

    fn spawn(self: &Arc<Self>, id: u64) {
        let this = self.clone();
        tokio::spawn(async move {
            let result = this.run(id).await;
            let phase = match &result {
                Ok(_) => Phase::Done,
                Err(SessionError::File(FileProblem::Cancelled)) => Phase::Cancelled,
                Err(e) => Phase::Failed(e.clone()),
            };
            this.update(id, |t| {
                t.phase = phase;
                t.settled.send_replace(Some(result));
            });
        });
    }

    async fn run(self: &Arc<Self>, id: u64) -> Result<PathBuf, SessionError> {
        let Some((job, target, done, total, cancel)) = self.update(id, |t| {
            t.started = Instant::now();
            t.started_at = t.done.load(Ordering::Relaxed);
            (
                t.job.clone(),
                t.target.clone(),
                t.done.clone(),
                t.total.clone(),
                t.cancel.clone(),
            )
        }) else {
            return Err(SessionError::File(FileProblem::Cancelled));
        };
        let part = part_of(&target);
        let last = Mutex::new(Instant::now());
        let on_bytes = |d: u64, n: u64| {
            done.store(d, Ordering::Relaxed);
            total.store(n, Ordering::Relaxed);
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() >= REPORT_EVERY {
                *last = Instant::now();
                self.update(id, |_| ());
            }
        };
        let mut attempt = 0;
        let result = loop {
            let fetched = match &job {
                Job::File { path, rev } => self
                    .session
                    .download(path, Some(rev), &part, &on_bytes, &cancel)
                    .await
                    .map(drop),
                Job::Zip { path } => self
                    .session
                    .download_zip(path, &part, &on_bytes, &cancel)
                    .await
                    .map(drop),
            };
            match fetched {
                Err(e) if e.is_transient() => match self.retry.delay(&e, attempt) {
                    Some(wait) => {
                        attempt += 1;
                        self.update(id, |t| t.phase = Phase::Waiting(wait));
                        tokio::select! {
                            () = cancel.cancelled() => break Err(FileProblem::Cancelled.into()),
                            () = tokio::time::sleep(wait) => {}
                        }
                        self.update(id, |t| t.phase = Phase::Running);
                    }
                    // The part stays for a resume.
                    None => return Err(e),
                },
                other => break other,
            }
        };
        match result {
            Ok(()) => {
                std::fs::rename(&part, &target).map_err(|e| FileProblem::disk(&target, &e))?;
                Ok(target)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                Err(e)
            }
        }
    }
}

/// The longest file name most file systems take, in bytes.
const NAME_MAX: usize = 255;

/// Where a transfer into `target` writes until it is complete: `<name>.part`, or for a
/// name too long to take the suffix (251 to 255 bytes), its beginning, a hash of the whole
/// name and the suffix, so that the part's name fits and stays the same for a resume.
pub fn part_of(target: &Path) -> PathBuf {
    const SUFFIX: &str = ".part";
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    if name.len() + SUFFIX.len() <= NAME_MAX {
        return target.with_file_name(format!("{name}{SUFFIX}"));
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, name.as_bytes());
    let hash: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut keep = NAME_MAX - SUFFIX.len() - hash.len() - 1;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    target.with_file_name(format!("{}~{hash}{SUFFIX}", &name[..keep]))
}

fn report(id: u64, t: &Transfer) -> Report {
    let done = t.done.load(Ordering::Relaxed);
    let secs = t.started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        (done.saturating_sub(t.started_at) as f64 / secs) as u64
    } else {
        0
    };
    Report {
        id,
        name: t.name.clone(),
        purpose: t.purpose,
        target: t.target.clone(),
        done,
        total: t.total.load(Ordering::Relaxed),
        rate,
        phase: t.phase.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_name_always_fits_and_stays_the_same() {
        let dir = Path::new("/tmp");
        assert_eq!(part_of(&dir.join("a.txt")), dir.join("a.txt.part"));
        for len in [250, 251, 255] {
            let name = format!(
                "{}.txt",
                "é".repeat((len - 4) / 2) + &"x".repeat((len - 4) % 2)
            );
            assert_eq!(name.len(), len);
            let part = part_of(&dir.join(&name));
            let part_name = part.file_name().unwrap().to_str().unwrap();
            assert!(part_name.len() <= NAME_MAX, "{len}: {}", part_name.len());
            assert!(part_name.ends_with(".part"));
            assert_eq!(part, part_of(&dir.join(&name)), "the same for a resume");
        }
    }
}
