//! Instant and offline start: listings are kept on disk per account; a start without a
//! network shows the account as last seen and its folder from the store, says how old it
//! is, catches up once Dropbox answers again; Disconnect and a revocation delete what was
//! kept, and a live change is written to it.

mod support;

use std::sync::Arc;
use std::time::Duration;

use dropdesk::browser::Browser;
use dropdesk::messages;
use dropdesk::store::ListingStore;
use serde_json::{json, Value};
use support::*;

/// Dropbox unreachable, as when the network is gone.
async fn go_offline(w: &World<'_>) {
    post(w, "faults", e2e::fixture::offline_faults()).await;
}

/// `check` polled every 50 ms until it gives something, for up to 5 s.
async fn eventually<T>(mut check: impl FnMut() -> Option<T>) -> Option<T> {
    for _ in 0..100 {
        if let Some(v) = check() {
            return Some(v);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

#[tokio::test]
async fn an_offline_start_shows_the_stored_folder_and_disconnect_forgets_it() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let account = w.vault.current().unwrap().unwrap().account_id;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(ListingStore::open(&dir.path().join("listings.sqlite3")).unwrap());
    let online = Browser::with_parts(w.session.clone(), None, Some(store.clone()));
    let (_, report) = recorder();
    online.open("", "", &by_name(), 50, report).await.unwrap();
    let kept = eventually(|| store.load(&account, "", &mut drop).unwrap()).await;
    assert!(kept.is_some(), "the listing is written to the store");

    // The next start, offline.
    go_offline(&w).await;
    let again = restart(&w);
    let shown = again.restore().await.expect("the account as last seen");
    assert!(shown.offline);
    assert_eq!(shown.display_name, "Alex Morgan");
    let offline = Browser::with_parts(again.clone(), None, Some(store.clone()));
    let (events, report) = recorder();
    let opened = offline
        .open("", "", &by_name(), 50, report.clone())
        .await
        .unwrap();
    assert!(
        opened.from_cache && opened.saved_at.is_some(),
        "from the store at once"
    );
    assert!(all_names(&offline, "").contains(&"Documents".to_string()));
    let failed = until(&events, "the offline note", |p| p.problem.is_some()).await;
    let said = messages::progress(failed).problem.unwrap();
    assert_eq!(said.code, "offline");
    assert!(
        said.message
            .starts_with("Offline — showing the folder as of {time}"),
        "{}",
        said.message
    );
    assert!(said.as_of.is_some());

    // Back online: the same folder catches up by itself through its cursor.
    fb(&w, reqwest::Method::DELETE, "faults", Value::Null).await;
    post(
        &w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/While offline.txt", "content": "x"}]}),
    )
    .await;
    offline.open("", "", &by_name(), 50, report).await.unwrap();
    until(&events, "the catch-up", |p| {
        p.problem.is_none() && p.saved_at.is_none() && p.complete
    })
    .await;

    let done = offline.disconnect(&shown.account_id).await.unwrap();
    assert!(done.was_connected);
    let gone = eventually(|| {
        store
            .load(&account, "", &mut drop)
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
    assert!(
        gone.is_some(),
        "Disconnect deletes the account's stored folders"
    );
}

/// What is stored of `folder`: its cursor and entry names, sorted.
fn stored(store: &ListingStore, account: &str, folder: &str) -> Option<(String, Vec<String>)> {
    let mut names = Vec::new();
    let kept = store
        .load(account, folder, &mut |e| names.push(e.name))
        .unwrap()?;
    names.sort();
    Some((kept.cursor, names))
}

#[tokio::test]
async fn a_live_change_is_written_to_the_stored_folder() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let account = w.vault.current().unwrap().unwrap().account_id;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(ListingStore::open(&dir.path().join("listings.sqlite3")).unwrap());
    let browser = Browser::with_parts(w.session.clone(), None, Some(store.clone()));
    let (events, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    let first = eventually(|| stored(&store, &account, "")).await;
    let (cursor, names) = first.expect("the listing is written to the store");
    assert!(!names.contains(&"Arrived live.txt".to_string()));

    post(
        &w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Arrived live.txt", "content": "x"},
                       {"op": "delete", "path": "/Documents"}]}),
    )
    .await;
    until(&events, "the change arrives by the long-poll", |p| {
        p.fresh.iter().any(|f| f == "/arrived live.txt")
    })
    .await;
    let after = eventually(|| stored(&store, &account, "").filter(|(c, _)| *c != cursor)).await;
    let (_, now) = after.expect("the store follows the change, with the new cursor");
    assert!(now.contains(&"Arrived live.txt".to_string()), "{now:?}");
    assert!(!now.contains(&"Documents".to_string()), "{now:?}");
    let mut expected = all_names(&browser, "");
    expected.sort();
    assert_eq!(now, expected, "the store holds what the window shows");
}

#[tokio::test]
async fn a_revocation_forgets_the_stored_folders() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let account = w.vault.current().unwrap().unwrap().account_id;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(ListingStore::open(&dir.path().join("listings.sqlite3")).unwrap());
    let browser = Browser::with_parts(w.session.clone(), None, Some(store.clone()));
    let (events, report) = recorder();
    browser
        .open("", "", &by_name(), 50, report.clone())
        .await
        .unwrap();
    let kept = eventually(|| stored(&store, &account, "")).await;
    assert!(kept.is_some(), "the listing is written to the store");

    // The user removes the app at Dropbox; the next refresh meets the refusal.
    post(&w, "unlink", Value::Null).await;
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    until(&events, "the refresh is refused", |p| {
        p.problem == Some(dropdesk::session::SessionError::Revoked)
    })
    .await;
    let gone = eventually(|| stored(&store, &account, "").is_none().then_some(())).await;
    assert!(
        gone.is_some(),
        "what was stored of the account is forgotten"
    );
}
