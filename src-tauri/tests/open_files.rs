//! Opening files: the download lands in the private cache under its own name, checked
//! against Dropbox's content hash, and goes to the opener; the same revision opens again
//! from the cache, a new one is downloaded; a damaged download keeps nothing; Disconnect
//! removes every copy.

mod support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use dropdesk::browser::Browser;
use dropdesk::error::{FileProblem, SessionError};
use dropdesk::files::{Files, Programs};
use serde_json::{json, Value};
use support::*;

struct Opened(Mutex<Vec<PathBuf>>);

async fn browser_with_files(w: &World<'_>, root: PathBuf) -> (Arc<Browser>, Arc<Opened>) {
    let opened = Arc::new(Opened(Mutex::default()));
    let sink = opened.clone();
    let files = Files::new(
        w.session.clone(),
        root,
        1 << 20,
        Arc::new(move |p: &std::path::Path| {
            sink.0.lock().unwrap().push(p.to_path_buf());
            Ok(())
        }),
    );
    let browser = Browser::with_parts(w.session.clone(), Some(files), None);
    let (_, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    (browser, opened)
}

fn downloads(state: &Value) -> usize {
    state["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/2/files/download")
        .count()
}

#[tokio::test]
async fn a_file_opens_from_a_private_cache_and_again_without_a_download() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cache/dropdesk/files");
    let (browser, opened) = browser_with_files(&w, root.clone()).await;
    let path = browser
        .open_file("/file2.txt", Programs::Ask)
        .await
        .expect("opens");
    assert_eq!(path.file_name().unwrap(), "file2.txt", "under its own name");
    assert!(path.starts_with(&root));
    let content = std::fs::read(&path).unwrap();
    assert!(!content.is_empty());
    assert_eq!(
        opened.0.lock().unwrap().as_slice(),
        std::slice::from_ref(&path)
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700, "private folders");
    let before = downloads(&state(&w).await);
    assert_eq!(
        browser
            .open_file("/file2.txt", Programs::Ask)
            .await
            .unwrap(),
        path
    );
    assert_eq!(
        downloads(&state(&w).await),
        before,
        "the same revision: no download"
    );

    // A new revision is downloaded anew once the folder has heard of it.
    post(
        &w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/file2.txt", "content": "changed at Dropbox"}]}),
    )
    .await;
    let newer = loop {
        let p = browser
            .open_file("/file2.txt", Programs::Ask)
            .await
            .unwrap();
        if p != path {
            break p;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(
        std::fs::read_to_string(&newer).unwrap(),
        "changed at Dropbox"
    );

    let shown = w.session.account_id().await.expect("an account shown");
    assert!(browser.disconnect(&shown).await.unwrap().confirmed);
    assert!(!root.exists(), "Disconnect removes every copy");
}

#[tokio::test]
async fn a_damaged_download_keeps_nothing() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    post(
        &w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Damaged.txt", "content": "real bytes",
            "content_hash": "0000000000000000000000000000000000000000000000000000000000000000"}]}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("files");
    let (browser, opened) = browser_with_files(&w, root.clone()).await;
    let err = browser
        .open_file("/damaged.txt", Programs::Ask)
        .await
        .unwrap_err();
    assert_eq!(err, SessionError::File(FileProblem::Corrupt));
    assert!(opened.0.lock().unwrap().is_empty(), "nothing opened");
    let left: Vec<_> = e2e::fixture::files_below(&root);
    assert!(left.is_empty(), "no file under any name: {left:?}");
    assert_eq!(
        browser
            .open_file("/not-here.txt", Programs::Ask)
            .await
            .unwrap_err(),
        SessionError::File(FileProblem::Gone)
    );
}
