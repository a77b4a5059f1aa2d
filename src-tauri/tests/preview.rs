//! The preview panel's data against fakebox: a picture's thumbnail is a real JPEG made by
//! Dropbox's route and is kept in the store, so the second look needs no thumbnail call;
//! a text file shows its first 64 KiB as text; another kind shows only its metadata; a
//! picture Dropbox cannot make a thumbnail of degrades to its metadata.

mod support;

use std::sync::Arc;

use dropdesk::browser::preview::{Body, TEXT_PREVIEW};
use dropdesk::browser::Browser;
use dropdesk::store::ListingStore;
use serde_json::json;
use support::*;

async fn rig(ops: serde_json::Value) -> (World<'static>, Arc<Browser>, tempfile::TempDir) {
    let mut w = memory_world().await;
    connect(&mut w).await;
    post(&w, "files", json!({ "ops": ops })).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(ListingStore::open(&dir.path().join("listings.sqlite3")).unwrap());
    let browser = Browser::with_parts(w.session.clone(), None, Some(store));
    let (_, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    (w, browser, dir)
}

async fn calls(w: &World<'_>, path: &str) -> usize {
    state(w).await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == path)
        .count()
}

#[tokio::test]
async fn a_picture_shows_a_thumbnail_that_is_kept_for_the_next_look() {
    let (w, browser, _dir) =
        rig(json!([{"op": "add_image", "path": "/Harbour.png", "width": 800, "height": 400}]))
            .await;
    let first = browser.preview("/harbour.png").await.unwrap();
    let Body::Picture(t) = &first.body else {
        panic!("a thumbnail: {:?}", first.body)
    };
    assert_eq!(t.mime, "image/jpeg");
    assert_eq!(&t.bytes[..3], &[0xff, 0xd8, 0xff], "JPEG bytes");
    assert!(first.meta.content_hash.is_some());
    let asked = calls(&w, "/2/files/get_thumbnail_v2").await;
    assert_eq!(asked, 1);

    // Kept is written off the async threads; it is there soon after.
    let mut again = browser.preview("/harbour.png").await.unwrap();
    for _ in 0..50 {
        if calls(&w, "/2/files/get_thumbnail_v2").await == asked {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        again = browser.preview("/harbour.png").await.unwrap();
    }
    assert_eq!(again.body, first.body, "the same thumbnail");
    let before = calls(&w, "/2/files/get_thumbnail_v2").await;
    browser.preview("/harbour.png").await.unwrap();
    assert_eq!(
        calls(&w, "/2/files/get_thumbnail_v2").await,
        before,
        "the kept thumbnail is used"
    );
}

#[tokio::test]
async fn a_text_file_shows_its_first_64_kib_as_text() {
    let long = "line of text\n".repeat(10_000);
    let (_w, browser, _dir) = rig(json!([
        {"op": "add_file", "path": "/Short.md", "content": "# Hello\n"},
        {"op": "add_file", "path": "/Long.log", "content": long}
    ]))
    .await;
    let short = browser.preview("/short.md").await.unwrap();
    assert_eq!(
        short.body,
        Body::Text {
            text: "# Hello\n".into(),
            whole: true
        }
    );
    let Body::Text { text, whole } = browser.preview("/long.log").await.unwrap().body else {
        panic!("text")
    };
    assert_eq!(text.len(), TEXT_PREVIEW);
    assert!(long.starts_with(&text));
    assert!(!whole);
}

#[tokio::test]
async fn another_kind_of_file_or_a_broken_picture_shows_its_metadata_only() {
    let (_w, browser, _dir) = rig(json!([
        {"op": "add_file", "path": "/Archive.zip", "size": 5000},
        {"op": "add_file", "path": "/Broken.jpg", "content": "not a picture"}
    ]))
    .await;
    let zip = browser.preview("/archive.zip").await.unwrap();
    assert_eq!(zip.body, Body::None);
    assert_eq!(zip.meta.size, 5000);
    assert!(!zip.meta.rev.is_empty());
    let broken = browser.preview("/broken.jpg").await.unwrap();
    assert_eq!(broken.body, Body::None);
    assert_eq!(broken.meta.name, "Broken.jpg");
}
