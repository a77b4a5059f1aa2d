//! The uploader (`files::upload`) against fakebox, with a session that may write: one
//! request for a small file, a session a chunk at a time for a larger one, a lost answer
//! sent again and continued after the bytes that arrived, a resume after the app stopped
//! from the offset Dropbox confirms, a session Dropbox no longer has started over, a file
//! changing while it is read refused, cancel committing nothing. Every committed file's
//! bytes are compared with fakebox's.

mod support;

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use dropdesk::error::FileProblem;
use dropdesk::files::upload::{Local, Resume, Upload};
use dropdesk::session::{Retry, SessionError};
use serde_json::{json, Value};
use support::*;
use tokio_util::sync::CancellationToken;

/// `len` bytes that differ from chunk to chunk.
fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 1000) as u8).collect()
}

fn file_with(dir: &Path, name: &str, bytes: &[u8]) -> Local {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    Local::of(&path).unwrap()
}

const QUICK: Retry = Retry {
    attempts: 3,
    base: Duration::from_millis(10),
    max_wait: Duration::from_secs(2),
};

/// What an upload told its caller.
#[derive(Default)]
struct Heard {
    saved: Mutex<Vec<Option<Resume>>>,
    bytes: Mutex<Vec<u64>>,
}

async fn run(
    w: &World<'_>,
    local: &Local,
    to: &str,
    chunk: usize,
    resume: Option<Resume>,
    heard: &Heard,
    cancel: &CancellationToken,
) -> Result<dropdesk::dropbox::FileMetadata, SessionError> {
    let commit = adding(to);
    let on_bytes = |done: u64, _total: u64| heard.bytes.lock().unwrap().push(done);
    let on_saved = |r: Option<&Resume>| heard.saved.lock().unwrap().push(r.cloned());
    Upload {
        session: &w.session,
        local,
        commit: &commit,
        chunk,
        retry: QUICK,
        on_bytes: &on_bytes,
        on_saved: &on_saved,
        on_wait: &|_| {},
        cancel,
    }
    .run(resume)
    .await
}

async fn at_fakebox(w: &World<'_>, path: &str) -> Vec<u8> {
    let (meta, bytes) = w.session.download_head(path, 1 << 30).await.unwrap();
    assert_eq!(meta.size as usize, bytes.len());
    bytes
}

/// The upload routes fakebox was asked for, in order.
async fn routes(w: &World<'_>) -> Vec<String> {
    state(w).await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["path"].as_str())
        .filter(|p| p.starts_with("/2/files/upload"))
        .map(|p| p.trim_start_matches("/2/files/").to_string())
        .collect()
}

async fn fault(w: &World<'_>, f: Value) {
    post(w, "faults", f).await;
}

#[tokio::test]
async fn a_small_file_goes_in_one_request_and_matches_its_content_hash() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let local = file_with(dir.path(), "note.txt", b"a small note");
    let heard = Heard::default();
    let meta = run(
        &w,
        &local,
        "/Notes/note.txt",
        4 << 20,
        None,
        &heard,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(meta.name, "note.txt");
    assert_eq!(routes(&w).await, ["upload"]);
    assert_eq!(at_fakebox(&w, "/Notes/note.txt").await, b"a small note");
    assert!(heard.saved.lock().unwrap().is_empty(), "nothing to resume");
}

#[tokio::test]
async fn a_larger_file_goes_a_chunk_at_a_time_through_a_session() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(10_500);
    let local = file_with(dir.path(), "big.bin", &bytes);
    let heard = Heard::default();
    let meta = run(
        &w,
        &local,
        "/big.bin",
        1000,
        None,
        &heard,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(meta.size, 10_500);
    let sent = routes(&w).await;
    assert_eq!(sent.first().unwrap(), "upload_session/start");
    assert_eq!(
        sent.iter()
            .filter(|r| *r == "upload_session/append_v2")
            .count(),
        9
    );
    assert_eq!(sent.last().unwrap(), "upload_session/finish");
    assert_eq!(at_fakebox(&w, "/big.bin").await, bytes);
    assert_eq!(heard.saved.lock().unwrap().last().unwrap(), &None);
    assert_eq!(*heard.bytes.lock().unwrap().last().unwrap(), 10_500);
}

#[tokio::test]
async fn a_lost_answer_is_sent_again_and_the_upload_goes_on_after_the_bytes_that_arrived() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(5000);
    let local = file_with(dir.path(), "b.bin", &bytes);
    // The second chunk arrives, its answer is cut off.
    fault(
        &w,
        json!({"route": "files/upload_session/append_v2", "drop_after": 0}),
    )
    .await;
    let heard = Heard::default();
    run(
        &w,
        &local,
        "/b.bin",
        1000,
        None,
        &heard,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(at_fakebox(&w, "/b.bin").await, bytes);
    let log = state(&w).await["requests"].clone();
    let refused = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == "/2/files/upload_session/append_v2" && e["status"] == 409)
        .count();
    assert_eq!(refused, 1, "one incorrect_offset told where to go on");
}

#[tokio::test]
async fn an_upload_stopped_midway_resumes_from_the_offset_dropbox_confirms() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(8000);
    let local = file_with(dir.path(), "c.bin", &bytes);
    // The connection fails for good after three chunks: the upload stops.
    fault(
        &w,
        json!({"route": "files/upload_session/append_v2", "status": 503, "count": 4}),
    )
    .await;
    let heard = Heard::default();
    let failed = run(
        &w,
        &local,
        "/c.bin",
        1000,
        None,
        &heard,
        &CancellationToken::new(),
    )
    .await;
    assert!(failed.is_err());
    let resume = heard
        .saved
        .lock()
        .unwrap()
        .last()
        .cloned()
        .flatten()
        .expect("a resume point");
    assert_eq!(resume.offset, 1000);
    fb(&w, reqwest::Method::DELETE, "faults", Value::Null).await;
    // A new run (after a restart) asks Dropbox and goes on; no new session.
    let again = Heard::default();
    run(
        &w,
        &local,
        "/c.bin",
        1000,
        Some(resume),
        &again,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(at_fakebox(&w, "/c.bin").await, bytes);
    let starts = routes(&w)
        .await
        .iter()
        .filter(|r| *r == "upload_session/start")
        .count();
    assert_eq!(starts, 1);
}

#[tokio::test]
async fn a_resume_for_a_session_dropbox_no_longer_has_starts_over() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(3000);
    let local = file_with(dir.path(), "d.bin", &bytes);
    let stale = Resume {
        session_id: "pid_upload_session:gone".into(),
        offset: 2000,
    };
    run(
        &w,
        &local,
        "/d.bin",
        1000,
        Some(stale),
        &Heard::default(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(at_fakebox(&w, "/d.bin").await, bytes);
}

#[tokio::test]
async fn a_file_that_changes_while_it_is_read_is_not_committed() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let local = file_with(dir.path(), "e.bin", &content(5000));
    let path = local.path.clone();
    let commit = adding("/e.bin");
    let on_bytes = |done: u64, _: u64| {
        if done == 2000 {
            std::fs::write(&path, content(6000)).unwrap();
        }
    };
    let e = Upload {
        session: &w.session,
        local: &local,
        commit: &commit,
        chunk: 1000,
        retry: QUICK,
        on_bytes: &on_bytes,
        on_saved: &|_| {},
        on_wait: &|_| {},
        cancel: &CancellationToken::new(),
    }
    .run(None)
    .await
    .unwrap_err();
    assert!(
        matches!(
            e,
            SessionError::File(FileProblem::ChangedWhileUploading { .. })
        ),
        "{e:?}"
    );
    assert!(
        w.session.metadata("/e.bin").await.is_err(),
        "nothing committed"
    );
}

#[tokio::test]
async fn a_file_that_is_not_there_is_unreadable_with_its_name() {
    let e = Local::of(Path::new("/nonexistent/dropdesk/file.txt")).unwrap_err();
    match e {
        SessionError::File(FileProblem::Unreadable { file, kind }) => {
            assert!(file.contains("file.txt"));
            assert_eq!(kind, std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn cancel_commits_nothing() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let local = file_with(dir.path(), "f.bin", &content(5000));
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let commit = adding("/f.bin");
    let on_bytes = move |done: u64, _: u64| {
        if done >= 2000 {
            stop.cancel();
        }
    };
    let e = Upload {
        session: &w.session,
        local: &local,
        commit: &commit,
        chunk: 1000,
        retry: QUICK,
        on_bytes: &on_bytes,
        on_saved: &|_| {},
        on_wait: &|_| {},
        cancel: &cancel,
    }
    .run(None)
    .await
    .unwrap_err();
    assert_eq!(e, SessionError::File(FileProblem::Cancelled));
    assert!(w.session.metadata("/f.bin").await.is_err());
    assert!(!routes(&w)
        .await
        .contains(&"upload_session/finish".to_string()));
}
