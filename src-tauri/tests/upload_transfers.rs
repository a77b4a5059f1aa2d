//! Uploads as the window starts them, through `Browser::upload` (the one entry point both
//! "Upload…" and a drop on the window call; a real drop cannot be made under Xvfb, so the
//! drop's path is tested here, below the event): each file or folder a transfer in the
//! transfers list that ends with where it went; links refused with why, the rest
//! uploaded; a taken name never replaced; a failed upload resumed by Retry from where
//! Dropbox has it.

mod support;

use std::path::Path;
use std::sync::Arc;

use dropdesk::browser::Browser;
use dropdesk::error::{FileProblem, SessionError};
use dropdesk::files::{Files, Phase, Purpose, Report};
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
    let files = Files::new(
        w.session.clone(),
        cache.path().join("files"),
        1 << 30,
        Arc::new(|_: &Path| Ok(())),
    );
    let browser = Browser::with_parts(w.session.clone(), Some(files), None);
    Rig {
        w,
        browser,
        _cache: cache,
    }
}

impl Rig {
    async fn settled(&self, id: u64) -> Report {
        for _ in 0..600 {
            let last = self
                .browser
                .files()
                .unwrap()
                .transfers
                .reports()
                .into_iter()
                .find(|r| r.id == id)
                .expect("listed");
            if !matches!(last.phase, Phase::Running | Phase::Waiting(_)) {
                return last;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("transfer {id} did not settle");
    }

    async fn bytes_at(&self, path: &str) -> Vec<u8> {
        self.w.session.download_head(path, 1 << 30).await.unwrap().1
    }
}

#[tokio::test]
async fn picked_or_dropped_files_and_folders_upload_and_links_are_refused_with_why() {
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
    let enqueued = r.browser.upload(&picked, "/Inbox").unwrap();
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

#[tokio::test]
async fn a_taken_name_is_never_replaced() {
    let r = rig().await;
    post(
        &r.w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Taken.txt", "content": "theirs"}]}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("taken.txt");
    std::fs::write(&mine, "mine").unwrap();
    let started = r.browser.upload(&[mine], "").unwrap().started;
    let failed = r.settled(started[0]).await;
    match failed.phase {
        Phase::Failed(e) => assert_eq!(dropdesk::messages::session(&e).code, "name_taken"),
        other => panic!("{other:?}"),
    }
    assert_eq!(r.bytes_at("/Taken.txt").await, b"theirs");
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
    let started = r.browser.upload(&[big], "").unwrap().started;
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
