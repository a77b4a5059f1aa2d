//! Uploads as the window starts them, through `Browser::propose_upload` (the one entry point both
//! "Upload…" and a drop on the window call; a real drop is made end to end, in the e2e
//! uploads tests, and here the drop's path is tested below the event): each file or folder a transfer in the
//! transfers list that ends with where it went; links refused with why, the rest
//! uploaded; a taken name asked about first and handled as answered (skip, keep both,
//! replace the revision that was there, or nothing), a replace of a file changed
//! meanwhile kept beside it as a conflicted copy and reported so; a failed upload resumed
//! by Retry from where Dropbox has it; an upload refused for want of write access asks
//! for it instead of signing out.

mod support;

use std::path::Path;
use std::sync::Arc;

use dropdesk::browser::Browser;
use dropdesk::error::{FileProblem, SessionError};
use dropdesk::files::{OnConflict, Phase, Purpose, Report};
use serde_json::{json, Value};
use support::*;

struct Rig {
    w: World<'static>,
    browser: Arc<Browser>,
    _cache: tempfile::TempDir,
}

async fn rig() -> Rig {
    let w = writing_world().await;
    let cache = tempfile::tempdir().unwrap();
    let browser = browser_with_files(w.session.clone(), cache.path(), None);
    Rig {
        w,
        browser,
        _cache: cache,
    }
}

impl Rig {
    async fn settled(&self, id: u64) -> Report {
        settled(&self.browser, id).await
    }

    async fn bytes_at(&self, path: &str) -> Vec<u8> {
        self.w.session.download_head(path, 1 << 30).await.unwrap().1
    }
}

#[tokio::test]
async fn picked_or_dropped_through_the_drop_entry_point_not_a_real_drop_files_and_folders_upload_and_links_are_refused(
) {
    let r = rig().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "first").unwrap();
    std::fs::write(dir.path().join("b.txt"), "second").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/inside.txt"), "inside").unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link")).unwrap();
    let picked: Vec<_> = ["a.txt", "sub", "link", "b.txt"]
        .iter()
        .map(|n| dir.path().join(n))
        .collect();
    let enqueued = r
        .browser
        .propose_upload(picked, "/Inbox")
        .await
        .unwrap()
        .expect("no name taken");
    let (started, refused) = (enqueued.started, enqueued.refused);
    assert_eq!(started.len(), 3, "two files and a folder");
    let refused: Vec<(&str, &SessionError)> =
        refused.iter().map(|(name, e)| (name.as_str(), e)).collect();
    assert_eq!(
        refused,
        [("link", &SessionError::File(FileProblem::NotAFile))]
    );
    for id in started {
        let done = r.settled(id).await;
        assert_eq!(done.phase, Phase::Done, "{done:?}");
        assert_eq!(done.purpose, Purpose::Upload);
        let (path, lower) = done.uploaded_to.expect("where it went");
        assert!(path.starts_with("/Inbox/") && lower.starts_with("/inbox/"));
    }
    assert_eq!(r.bytes_at("/Inbox/a.txt").await, b"first");
    assert_eq!(r.bytes_at("/Inbox/b.txt").await, b"second");
    assert_eq!(r.bytes_at("/Inbox/sub/inside.txt").await, b"inside");
}

/// A file named `taken.txt` at Dropbox ("theirs") and one of that name here ("mine");
/// the upload proposed: the taken name comes back, nothing started.
async fn taken(r: &Rig, dir: &Path) -> std::path::PathBuf {
    post(
        &r.w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Taken.txt", "content": "theirs"}]}),
    )
    .await;
    let mine = dir.join("taken.txt");
    std::fs::write(&mine, "mine").unwrap();
    let other = dir.join("other.txt");
    std::fs::write(&other, "other").unwrap();
    let names = r
        .browser
        .propose_upload(vec![mine.clone(), other], "")
        .await
        .unwrap()
        .expect_err("the taken name is asked about");
    assert_eq!(names, ["taken.txt"]);
    assert!(r.browser.files().unwrap().transfers.reports().is_empty());
    mine
}

async fn all_settled(r: &Rig, enqueued: &dropdesk::files::Enqueued) -> Vec<Report> {
    let mut out = Vec::new();
    for id in &enqueued.started {
        out.push(r.settled(*id).await);
    }
    out
}

#[tokio::test]
async fn a_taken_name_answered_skip_leaves_theirs_and_uploads_the_rest() {
    let r = rig().await;
    let dir = tempfile::tempdir().unwrap();
    taken(&r, dir.path()).await;
    let e = r.browser.confirm_upload(Some(OnConflict::Skip)).unwrap();
    assert_eq!(e.started.len(), 1);
    all_settled(&r, &e).await;
    assert_eq!(r.bytes_at("/Taken.txt").await, b"theirs");
    assert_eq!(r.bytes_at("/other.txt").await, b"other");
}

#[tokio::test]
async fn a_taken_name_answered_keep_both_puts_the_upload_beside_it() {
    let r = rig().await;
    let dir = tempfile::tempdir().unwrap();
    taken(&r, dir.path()).await;
    let e = r
        .browser
        .confirm_upload(Some(OnConflict::KeepBoth))
        .unwrap();
    assert_eq!(e.started.len(), 2);
    all_settled(&r, &e).await;
    assert_eq!(r.bytes_at("/Taken.txt").await, b"theirs");
    assert_eq!(r.bytes_at("/taken (1).txt").await, b"mine");
}

#[tokio::test]
async fn a_taken_name_answered_replace_replaces_the_revision_that_was_there() {
    let r = rig().await;
    let dir = tempfile::tempdir().unwrap();
    taken(&r, dir.path()).await;
    let e = r.browser.confirm_upload(Some(OnConflict::Replace)).unwrap();
    for done in all_settled(&r, &e).await {
        assert_eq!(done.phase, Phase::Done, "{done:?}");
    }
    assert_eq!(r.bytes_at("/Taken.txt").await, b"mine");
}

#[tokio::test]
async fn replace_of_a_file_changed_at_dropbox_meanwhile_keeps_both_and_says_so() {
    let r = rig().await;
    let dir = tempfile::tempdir().unwrap();
    taken(&r, dir.path()).await;
    // Someone else changes it between the question and the answer.
    post(
        &r.w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Taken.txt", "content": "theirs, newer"}]}),
    )
    .await;
    let e = r.browser.confirm_upload(Some(OnConflict::Replace)).unwrap();
    let ended = all_settled(&r, &e).await;
    let replace = ended
        .iter()
        .find(|t| t.name == "taken.txt")
        .expect("the replace");
    assert_eq!(replace.phase, Phase::Done, "{replace:?}");
    assert!(replace.conflicted, "the transfer says it is a conflict");
    let (kept, _) = replace.uploaded_to.clone().expect("where it went");
    assert_eq!(kept, "/taken (conflicted copy).txt");
    assert_eq!(r.bytes_at("/Taken.txt").await, b"theirs, newer");
    assert_eq!(r.bytes_at(&kept).await, b"mine");
}

#[tokio::test]
async fn a_taken_name_answered_cancel_starts_nothing() {
    let r = rig().await;
    let dir = tempfile::tempdir().unwrap();
    taken(&r, dir.path()).await;
    assert!(r.browser.confirm_upload(None).unwrap().started.is_empty());
    assert!(r.browser.files().unwrap().transfers.reports().is_empty());
}

#[tokio::test]
async fn retry_resumes_a_failed_upload_from_where_dropbox_has_it() {
    let r = rig().await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    // Three chunks of 16 MiB and a bit: the second append keeps failing.
    let content: Vec<u8> = (0..(48 << 20) + 123)
        .map(|i: usize| (i % 251) as u8)
        .collect();
    std::fs::write(&big, &content).unwrap();
    post(
        &r.w,
        "faults",
        json!({"route": "files/upload_session/append_v2", "status": 503, "count": 4}),
    )
    .await;
    let started = r
        .browser
        .propose_upload(vec![big], "")
        .await
        .unwrap()
        .unwrap()
        .started;
    let id = started[0];
    let failed = r.settled(id).await;
    assert!(matches!(failed.phase, Phase::Failed(_)), "{failed:?}");
    fb(&r.w, reqwest::Method::DELETE, "faults", Value::Null).await;
    assert!(r.browser.files().unwrap().transfers.retry(id));
    let done = r.settled(id).await;
    assert_eq!(done.phase, Phase::Done, "{done:?}");
    assert_eq!(r.bytes_at("/big.bin").await, content);
    let log = state(&r.w).await["requests"].clone();
    let starts = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == "/2/files/upload_session/start")
        .count();
    assert_eq!(starts, 1, "Retry went on in the same session");
}

#[tokio::test]
async fn an_upload_refused_for_want_of_write_access_asks_for_it_and_keeps_the_sign_in() {
    let mut r = rig().await;
    // The write permission is withdrawn after it was granted.
    r.w.fakebox.take_back_scope("files.content.write");
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.txt");
    std::fs::write(&mine, "mine").unwrap();
    let started = r
        .browser
        .propose_upload(vec![mine], "")
        .await
        .unwrap()
        .unwrap()
        .started;
    let failed = r.settled(started[0]).await;
    let shown = dropdesk::messages::transfer(failed);
    let problem = shown.problem.expect("it failed");
    assert_eq!(
        (problem.code, problem.action),
        ("write_not_allowed", dropdesk::view::Action::AllowWriting)
    );
    assert!(!r.w.session.may_write().await, "held as read-only now");
    r.w.session
        .account()
        .await
        .expect("still signed in, browsing as before");

    match ask_to_write(&mut r.w, "allow").await {
        dropdesk::session::ConnectOutcome::Connected(a) => assert!(a.may_write),
        other => panic!("write access not granted: {other:?}"),
    }
    assert!(r.browser.files().unwrap().transfers.retry(started[0]));
    let done = r.settled(started[0]).await;
    assert_eq!(done.phase, Phase::Done, "{done:?}");
    assert_eq!(r.bytes_at("/mine.txt").await, b"mine");
}

#[tokio::test]
async fn a_full_dropbox_says_how_much_more_room_the_upload_needs() {
    let r = rig().await;
    r.w.fakebox.leave_free(1_000);
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![7u8; 5_000]).unwrap();
    let started = r
        .browser
        .propose_upload(vec![big], "")
        .await
        .unwrap()
        .unwrap()
        .started;
    let failed = r.settled(started[0]).await;
    match &failed.phase {
        Phase::Failed(SessionError::File(FileProblem::NoRoom { needed, free })) => {
            assert_eq!((*needed, *free), (4_000, 1_000));
        }
        other => panic!("{other:?}"),
    }
    let problem = dropdesk::messages::transfer(failed).problem.unwrap();
    assert_eq!(problem.code, "insufficient_space");
    assert!(
        problem.message.contains("4.0 KB more"),
        "{}",
        problem.message
    );
}

#[tokio::test]
async fn a_folder_too_big_for_a_full_dropbox_says_how_much_more_room_it_needs() {
    let r = rig().await;
    r.w.fakebox.leave_free(1_000);
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    std::fs::write(tree.join("a.bin"), vec![1u8; 3_000]).unwrap();
    std::fs::write(tree.join("b.bin"), vec![2u8; 3_000]).unwrap();
    let started = r
        .browser
        .propose_upload(vec![tree], "")
        .await
        .unwrap()
        .unwrap()
        .started;
    let failed = r.settled(started[0]).await;
    let Phase::Failed(SessionError::File(FileProblem::NotAllUploaded { refused, why, .. })) =
        &failed.phase
    else {
        panic!("{failed:?}");
    };
    assert_eq!(*refused, 2);
    assert_eq!(
        **why,
        SessionError::File(FileProblem::NoRoom {
            needed: 5_000,
            free: 1_000
        })
    );
}
