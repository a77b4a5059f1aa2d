//! An upload resumes after a restart: where its session stands is kept in the listing
//! store (never a token) after every chunk; the next run lists it stopped, and Resume goes
//! on from the offset Dropbox confirms, in the same session. A finished or cancelled
//! upload leaves nothing to resume; switching accounts mid-upload stops it cleanly, and it
//! resumes only for its own account.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use dropdesk::browser::Browser;
use dropdesk::files::{Phase, Purpose};
use dropdesk::store::ListingStore;
use serde_json::{json, Value};
use support::*;

/// A browser with files and the store at `store`, on `session`, the root open.
async fn browser(
    session: Arc<dropdesk::session::Session>,
    store: &Path,
    cache: &Path,
) -> Arc<Browser> {
    let browser = browser_with_files(session, cache, Some(store));
    let (_, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    browser
}

fn unfinished(store: &Path, account: &str) -> usize {
    ListingStore::open(store)
        .unwrap()
        .unfinished_uploads(account)
        .unwrap()
        .len()
}

#[tokio::test]
async fn an_upload_stopped_by_a_restart_resumes_in_the_same_session() {
    let w = writing_world().await;
    let account = w.session.account_id().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("listings.sqlite3");
    let content: Vec<u8> = (0..(40 << 20) + 7)
        .map(|i: usize| (i % 253) as u8)
        .collect();
    let big = dir.path().join("big.bin");
    std::fs::write(&big, &content).unwrap();

    let first = browser(w.session.clone(), &store, dir.path()).await;
    // After the first chunk the connection fails for good: the run stops there.
    post(
        &w,
        "faults",
        json!({"route": "files/upload_session/append_v2", "status": 503, "count": 4}),
    )
    .await;
    let id = first
        .propose_upload(vec![big], "")
        .await
        .unwrap()
        .unwrap()
        .started[0];
    assert!(matches!(settled(&first, id).await.phase, Phase::Failed(_)));
    assert_eq!(unfinished(&store, &account), 1, "kept for the next run");
    let kept = ListingStore::open(&store)
        .unwrap()
        .unfinished_uploads(&account)
        .unwrap();
    assert_eq!(kept[0].offset, 16 << 20);
    let text = String::from_utf8_lossy(&std::fs::read(&store).unwrap()).to_string();
    assert!(!text.contains("sl."), "no token in the store");
    fb(&w, reqwest::Method::DELETE, "faults", Value::Null).await;
    first.files().unwrap().transfers.cancel_all();
    drop(first);

    // The next run: the same store, a new session from the keychain.
    let session = restart(&w);
    session.restore().await.unwrap();
    let next = browser(session.clone(), &store, dir.path()).await;
    assert_eq!(next.restore_uploads().await, 1);
    assert_eq!(next.restore_uploads().await, 0, "listed once");
    let listed = next.files().unwrap().transfers.reports();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].purpose, Purpose::Upload);
    assert_eq!(listed[0].done, 16 << 20);
    let id = listed[0].id;
    assert!(next.files().unwrap().transfers.retry(id));
    let done = settled(&next, id).await;
    assert_eq!(done.phase, Phase::Done, "{done:?}");
    assert_eq!(
        session.download_head("/big.bin", 1 << 30).await.unwrap().1,
        content
    );
    let starts = state(&w).await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == "/2/files/upload_session/start")
        .count();
    assert_eq!(starts, 1, "the same session went on");
    assert_eq!(unfinished(&store, &account), 0, "nothing left to resume");
}

#[tokio::test]
async fn a_cancelled_upload_leaves_nothing_to_resume() {
    let w = writing_world().await;
    let account = w.session.account_id().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("listings.sqlite3");
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![7u8; 40 << 20]).unwrap();
    let b = browser(w.session.clone(), &store, dir.path()).await;
    post(
        &w,
        "faults",
        json!({"route": "files/upload_session/append_v2", "delay_ms": 3000}),
    )
    .await;
    let id = b
        .propose_upload(vec![big], "")
        .await
        .unwrap()
        .unwrap()
        .started[0];
    for _ in 0..200 {
        if unfinished(&store, &account) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(unfinished(&store, &account), 1, "kept while it runs");
    b.files().unwrap().transfers.cancel(id);
    assert_eq!(settled(&b, id).await.phase, Phase::Cancelled);
    assert_eq!(unfinished(&store, &account), 0);
}

#[tokio::test]
async fn switching_accounts_stops_an_upload_that_resumes_only_for_its_account() {
    let mut w = world(
        None,
        |c| {
            c.app_scopes.push("files.content.write".into());
            c.extra_accounts = vec![fakebox::ExtraAccount::sam()];
        },
        Duration::from_secs(60),
    )
    .await;
    connect_as(&mut w, 1, "Sam Lee").await;
    let sam = w.session.account_id().await.unwrap();
    connect(&mut w).await;
    match ask_to_write(&mut w, "allow").await {
        dropdesk::session::ConnectOutcome::Connected(a) => assert!(a.may_write),
        other => panic!("write access not granted: {other:?}"),
    }
    let alex = w.session.account_id().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("listings.sqlite3");
    let content: Vec<u8> = (0..(40 << 20) + 3)
        .map(|i: usize| (i % 249) as u8)
        .collect();
    let big = dir.path().join("big.bin");
    std::fs::write(&big, &content).unwrap();
    let b = browser(w.session.clone(), &store, dir.path()).await;
    // The first append takes a while: the switch comes while it is on the wire.
    post(
        &w,
        "faults",
        json!({"route": "files/upload_session/append_v2", "delay_ms": 1500}),
    )
    .await;
    b.propose_upload(vec![big], "").await.unwrap().unwrap();
    for _ in 0..200 {
        if unfinished(&store, &alex) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(unfinished(&store, &alex), 1, "kept while it runs");

    b.switch_account(&sam).await.unwrap();
    assert!(
        b.files().unwrap().transfers.reports().is_empty(),
        "the upload stopped with the switch"
    );
    // Whatever was on the wire has landed by now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        w.session.metadata("/big.bin").await.is_err(),
        "nothing went into Sam's Dropbox"
    );
    assert_eq!(b.restore_uploads().await, 0, "nothing to resume for Sam");
    assert_eq!(unfinished(&store, &alex), 1, "kept for Alex");

    b.switch_account(&alex).await.unwrap();
    assert_eq!(b.restore_uploads().await, 1);
    let id = b.files().unwrap().transfers.reports()[0].id;
    assert!(b.files().unwrap().transfers.retry(id));
    let done = settled(&b, id).await;
    assert_eq!(done.phase, Phase::Done, "{done:?}");
    assert_eq!(
        w.session
            .download_head("/big.bin", 1 << 30)
            .await
            .unwrap()
            .1,
        content
    );
    assert_eq!(unfinished(&store, &alex), 0, "nothing left to resume");
}
