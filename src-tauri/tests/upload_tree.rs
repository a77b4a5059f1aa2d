//! A folder from this computer into the app folder with its tree (`files::upload_tree`),
//! against fakebox with a session that may write: the tree lands as it was, small files
//! committed together by `finish_batch_v2` (a thousand at most at a time, never one
//! `files/upload` each), a larger one through its own session; links not followed and
//! taken names listed with why while the rest go up; `too_many_write_operations` waited
//! out as Dropbox says; folders with nothing in them made; 100,000 files with their whole
//! size known from the start; and the folder as the window drops it, one transfer.

mod support;

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use dropdesk::error::{FileProblem, SessionError};
use dropdesk::files::upload_tree::{TreeOutcome, TreeUpload};
use dropdesk::files::Phase;
use dropdesk::session::Retry;
use serde_json::json;
use support::*;
use tokio_util::sync::CancellationToken;

const QUICK: Retry = Retry {
    attempts: 3,
    base: Duration::from_millis(10),
    max_wait: Duration::from_secs(5),
};

fn put(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

async fn upload(w: &World<'_>, root: &Path, waits: &Mutex<Vec<Duration>>) -> TreeOutcome {
    let on_wait = |d: Option<Duration>| {
        if let Some(d) = d {
            waits.lock().unwrap().push(d);
        }
    };
    TreeUpload {
        session: &w.session,
        root,
        into: "/Dest",
        chunk: 1000,
        retry: QUICK,
        on_bytes: &|_, _| {},
        on_wait: &on_wait,
        cancel: &CancellationToken::new(),
    }
    .run()
    .await
    .unwrap()
}

async fn bytes_at(w: &World<'_>, path: &str) -> Vec<u8> {
    w.session.download_head(path, 1 << 20).await.unwrap().1
}

async fn calls(w: &World<'_>, route: &str) -> usize {
    state(w).await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == format!("/2/files/{route}"))
        .count()
}

#[tokio::test]
async fn a_folder_goes_up_with_its_tree_its_small_files_in_one_batch() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Trip");
    put(&root, "notes.txt", b"notes");
    put(&root, "days/1.txt", b"day one");
    put(&root, "days/2.txt", b"day two");
    let big: Vec<u8> = (0..2500u32).map(|i| (i % 251) as u8).collect();
    put(&root, "photos/big.bin", &big);
    std::os::unix::fs::symlink("/etc", root.join("outside")).unwrap();
    let outcome = upload(&w, &root, &Mutex::default()).await;
    assert_eq!(outcome.uploaded, 4);
    assert_eq!(outcome.refused_count, 1);
    assert_eq!(outcome.refused[0].0, "Trip/outside");
    assert_eq!(
        outcome.refused[0].1,
        SessionError::File(FileProblem::NotAFile)
    );
    assert_eq!(bytes_at(&w, "/Dest/Trip/notes.txt").await, b"notes");
    assert_eq!(bytes_at(&w, "/Dest/Trip/days/2.txt").await, b"day two");
    assert_eq!(bytes_at(&w, "/Dest/Trip/photos/big.bin").await, big);
    assert_eq!(calls(&w, "upload_session/finish_batch_v2").await, 1);
    assert_eq!(
        calls(&w, "upload").await,
        0,
        "never one files/upload per file"
    );
}

#[tokio::test]
async fn many_small_files_are_committed_a_thousand_at_a_time() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Many");
    for i in 0..1005 {
        put(
            &root,
            &format!("f{i:04}.txt"),
            format!("file {i}").as_bytes(),
        );
    }
    let outcome = upload(&w, &root, &Mutex::default()).await;
    assert_eq!(outcome.uploaded, 1005);
    assert_eq!(calls(&w, "upload_session/finish_batch_v2").await, 2);
    assert_eq!(bytes_at(&w, "/Dest/Many/f1004.txt").await, b"file 1004");
}

#[tokio::test]
async fn a_taken_name_is_listed_with_why_and_the_rest_go_up() {
    let w = writing_world().await;
    post(
        &w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Dest/Trip/notes.txt", "content": "theirs"}]}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Trip");
    put(&root, "notes.txt", b"mine");
    put(&root, "other.txt", b"other");
    let outcome = upload(&w, &root, &Mutex::default()).await;
    assert_eq!(outcome.uploaded, 1);
    assert_eq!(outcome.refused[0].0, "Trip/notes.txt");
    assert_eq!(
        dropdesk::messages::session(&outcome.refused[0].1).code,
        "name_taken"
    );
    assert_eq!(bytes_at(&w, "/Dest/Trip/notes.txt").await, b"theirs");
    assert_eq!(bytes_at(&w, "/Dest/Trip/other.txt").await, b"other");
}

#[tokio::test]
async fn too_many_write_operations_is_waited_out_as_dropbox_says() {
    let w = writing_world().await;
    post(
        &w,
        "faults",
        json!({"route": "files/upload_session/finish_batch_v2", "status": 429,
               "retry_after": 1, "rate_limit_reason": "too_many_write_operations"}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Busy");
    put(&root, "a.txt", b"a");
    let waits = Mutex::default();
    let outcome = upload(&w, &root, &waits).await;
    assert_eq!(outcome.uploaded, 1);
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(1)]);
}

#[tokio::test]
async fn a_dropped_folder_is_one_transfer_that_says_what_did_not_go_up() {
    let w = writing_world().await;
    post(
        &w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Trip/taken.txt", "content": "theirs"}]}),
    )
    .await;
    let cache = tempfile::tempdir().unwrap();
    let browser = browser_with_files(w.session.clone(), cache.path(), None);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Trip");
    put(&root, "a.txt", b"a");
    put(&root, "taken.txt", b"mine");
    let started = browser
        .propose_upload(vec![root], "")
        .await
        .unwrap()
        .expect("a folder is never asked about")
        .started;
    assert_eq!(started.len(), 1);
    let last = settled(&browser, started[0]).await;
    match &last.phase {
        Phase::Failed(e) => {
            let p = dropdesk::messages::session(e);
            assert_eq!(p.code, "not_all_uploaded");
            assert!(p.message.contains("Trip/taken.txt"), "{}", p.message);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(bytes_at(&w, "/Trip/a.txt").await, b"a");
    assert_eq!(last.done, last.total);
}

#[tokio::test]
async fn a_folder_of_100000_files_shows_its_whole_size_from_the_start_and_all_go_up() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Huge");
    for d in 0..100 {
        std::fs::create_dir_all(root.join(format!("d{d:02}"))).unwrap();
        for f in 0..1000 {
            std::fs::write(root.join(format!("d{d:02}/f{f:03}.txt")), b"x").unwrap();
        }
    }
    let reports = Mutex::new(Vec::new());
    let on_bytes = |done: u64, total: u64| reports.lock().unwrap().push((done, total));
    let outcome = TreeUpload {
        session: &w.session,
        root: &root,
        into: "/Dest",
        chunk: 1000,
        retry: QUICK,
        on_bytes: &on_bytes,
        on_wait: &|_| {},
        cancel: &CancellationToken::new(),
    }
    .run()
    .await
    .unwrap();
    assert_eq!(outcome.uploaded, 100_000);
    assert_eq!(outcome.refused_count, 0);
    let reports = reports.into_inner().unwrap();
    assert_eq!(
        reports[0],
        (0, 100_000),
        "the whole size before any file goes"
    );
    assert!(
        reports.windows(2).all(|p| p[0].0 <= p[1].0),
        "progress only grows"
    );
    assert_eq!(reports.last(), Some(&(100_000, 100_000)));
    assert_eq!(bytes_at(&w, "/Dest/Huge/d99/f999.txt").await, b"x");
}

/// `path` is a folder at fakebox.
async fn is_folder(w: &World<'_>, path: &str) -> bool {
    matches!(
        w.session.metadata(path).await,
        Ok(dropdesk::dropbox::Metadata::Folder(_))
    )
}

#[tokio::test]
async fn folders_with_nothing_in_them_are_made_too() {
    let w = writing_world().await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Trip");
    put(&root, "day 1/beach.txt", b"sand");
    std::fs::create_dir_all(root.join("day 2")).unwrap();
    std::fs::create_dir_all(root.join("day 3/evening")).unwrap();
    let outcome = upload(&w, &root, &Mutex::default()).await;
    assert_eq!(outcome.uploaded, 1);
    assert_eq!(outcome.refused_count, 0, "{:?}", outcome.refused);
    assert!(is_folder(&w, "/Dest/Trip/day 2").await, "an empty folder");
    assert!(
        is_folder(&w, "/Dest/Trip/day 3/evening").await,
        "an empty folder below another"
    );
    assert_eq!(
        calls(&w, "create_folder_v2").await,
        2,
        "only the empty ones"
    );
    assert_eq!(bytes_at(&w, "/Dest/Trip/day 1/beach.txt").await, b"sand");

    // The chosen folder itself, empty; and once more, when Dropbox already has it.
    let empty = dir.path().join("Nothing yet");
    std::fs::create_dir_all(&empty).unwrap();
    for _ in 0..2 {
        let outcome = upload(&w, &empty, &Mutex::default()).await;
        assert_eq!(outcome.refused_count, 0, "{:?}", outcome.refused);
        assert!(is_folder(&w, "/Dest/Nothing yet").await);
    }
}
