//! The folder browser against fakebox, on the in-memory vault: a 100,000-entry folder
//! listed completely, cached folders shown at once and then brought up to date, a `reset`
//! cursor listed again, a vanished folder falling back to its nearest parent, late pages
//! dropped, and live changes through the long-poll (with `backoff` and `reset`).

mod support;

use std::sync::Arc;
use std::time::Duration;

use dropdesk::browser::Browser;
use dropdesk::dropbox;
use dropdesk::secret::AccessToken;
use serde_json::{json, Value};
use support::*;

/// Wait until the cached folder `key` lists `name` (its listing moves in the background).
async fn until_listed(browser: &Browser, key: &str, name: &str) -> Vec<String> {
    for _ in 0..600 {
        if let Some(w) = browser.window(key, &by_name(), 0, 0) {
            if w.complete {
                let names = all_names(browser, key);
                if names.iter().any(|n| n == name) {
                    return names;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{name} never listed in {key:?}: {:?}",
        browser
            .window(key, &by_name(), 0, 0)
            .map(|_| all_names(browser, key))
    );
}

fn checksum(mut names: Vec<String>) -> (usize, u64) {
    use std::hash::{Hash, Hasher};
    names.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    names.hash(&mut h);
    (names.len(), h.finish())
}

#[tokio::test]
async fn hundred_thousand_entries_list_completely() {
    let mut w = world(
        None,
        |c| c.generate = vec![("/Big".into(), 100_000)],
        Duration::from_secs(60),
    )
    .await;
    connect(&mut w).await;
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    let opened = browser
        .open("/Big", "/big", &by_name(), 50, report)
        .await
        .unwrap();
    assert!(!opened.from_cache);
    let first = browser
        .window(&opened.path_lower, &by_name(), 0, 50)
        .unwrap();
    assert_eq!(first.total, 2000, "the first page shows at once");
    assert!(!first.complete);
    until(&events, "the whole listing", |p| p.complete).await;
    let ours = checksum(all_names(&browser, "/big"));
    // The same folder listed straight from the API, without the cache.
    let (token, _) = w.fakebox.mint_grant();
    let api = dropbox::Client::new(
        dropbox::http_client(),
        url::Url::parse(w.fakebox.base_url()).unwrap(),
    );
    let token = AccessToken::new(token);
    let mut page = api.list_folder(&token, "/big", 2000).await.unwrap();
    let mut names: Vec<String> = Vec::new();
    loop {
        names.extend(page.entries.iter().map(|m| match m {
            dropbox::Metadata::File(f) => f.name.clone(),
            dropbox::Metadata::Folder(f) => f.name.clone(),
            dropbox::Metadata::Deleted(d) => d.name.clone(),
        }));
        if !page.has_more {
            break;
        }
        page = api
            .list_folder_continue(&token, &page.cursor)
            .await
            .unwrap();
    }
    assert_eq!(ours, checksum(names));
    assert_eq!(ours.0, 100_000);
}

#[tokio::test]
async fn cached_folders_show_at_once_then_apply_changes() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    browser
        .open("", "", &by_name(), 50, report.clone())
        .await
        .unwrap();
    browser
        .open(
            "/Photos/Holiday 2025",
            "/photos/holiday 2025",
            &by_name(),
            50,
            report.clone(),
        )
        .await
        .unwrap();
    post(
        &w,
        "files",
        json!({"ops": [
            {"op": "add_file", "path": "/Fresh.txt", "content": "new"},
            {"op": "add_file", "path": "/file2.txt", "content": "changed, longer"},
            {"op": "delete", "path": "/Photos"},
        ]}),
    )
    .await;
    let before = browser.window("", &by_name(), 0, 100).unwrap();
    let opened = browser.open("", "", &by_name(), 50, report).await.unwrap();
    assert!(opened.from_cache, "shown from the cache at once");
    until(&events, "the changes", |p| {
        p.path_lower.is_empty() && p.version > before.version
    })
    .await;
    let names = all_names(&browser, "");
    assert!(names.contains(&"Fresh.txt".to_string()));
    assert!(
        !names.contains(&"Photos".to_string()),
        "deleted folder gone"
    );
    let changed = browser.window("", &by_name(), 0, 100).unwrap();
    let file2 = changed.rows.iter().find(|e| e.name == "file2.txt").unwrap();
    assert_eq!(file2.size, Some(15));
    assert!(
        browser
            .window("/photos/holiday 2025", &by_name(), 0, 1)
            .is_none(),
        "its children's cache dropped too"
    );
}

#[tokio::test]
async fn reset_relists_and_vanished_folders_fall_back() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    browser
        .open("/Documents", "/documents", &by_name(), 50, report.clone())
        .await
        .unwrap();
    post(&w, "reset-cursors", Value::Null).await;
    post(
        &w,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Documents/After reset.txt", "content": "x"}]}),
    )
    .await;
    browser
        .open("/Documents", "/documents", &by_name(), 50, report.clone())
        .await
        .unwrap();
    until(&events, "a re-listing", |p| {
        p.path_lower == "/documents" && p.complete && p.version > 1
    })
    .await;
    let names = until_listed(&browser, "/documents", "After reset.txt").await;
    assert_eq!(
        names.iter().filter(|n| *n == "Taxes").count(),
        1,
        "no duplicates after the reset"
    );

    // A cached folder that vanished: the refresh says so, and opening it again lands on
    // the nearest existing parent with a notice.
    post(
        &w,
        "files",
        json!({"ops": [{"op": "delete", "path": "/Documents"}]}),
    )
    .await;
    browser
        .open("/Documents", "/documents", &by_name(), 50, report.clone())
        .await
        .unwrap();
    until(&events, "the folder reported gone", |p| p.gone).await;
    let opened = browser
        .open(
            "/Documents/Taxes/2025",
            "/documents/taxes/2025",
            &by_name(),
            50,
            report,
        )
        .await
        .unwrap();
    assert_eq!(opened.path, "");
    assert_eq!(opened.vanished.as_deref(), Some("2025"));
    let shown = dropdesk::messages::opened(opened);
    assert!(shown.notice.unwrap().contains("2025"));
}

/// A page that answers after Disconnect belongs to the grant that is gone: it is dropped,
/// never stored, reported or shown as the next account's folder.
#[tokio::test]
async fn pages_that_answer_after_disconnect_are_dropped() {
    let mut w = world(
        None,
        |c| c.generate = vec![("/Big".into(), 5000)],
        Duration::from_secs(60),
    )
    .await;
    connect(&mut w).await;
    post(
        &w,
        "faults",
        json!({"route": "files/list_folder/continue", "delay_ms": 1500, "count": 5}),
    )
    .await;
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    browser
        .open("/Big", "/big", &by_name(), 50, report)
        .await
        .unwrap();
    assert_eq!(
        browser.window("/big", &by_name(), 0, 1).unwrap().total,
        2000
    );
    let shown = w.session.account_id().await.expect("an account shown");
    assert!(browser.disconnect(&shown).await.unwrap().confirmed);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        events.lock().unwrap().is_empty(),
        "{:?}",
        events.lock().unwrap()
    );
    assert!(browser.window("/big", &by_name(), 0, 1).is_none());
    // The next grant starts with an empty cache.
    fb(&w, reqwest::Method::DELETE, "faults", Value::Null).await;
    connect(&mut w).await;
    let (_, report) = recorder();
    let opened = browser
        .open("/Big", "/big", &by_name(), 50, report)
        .await
        .unwrap();
    assert!(!opened.from_cache);
}

async fn open_root(w: &World<'_>) -> (Arc<Browser>, Events) {
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    (browser, events)
}

async fn add(w: &World<'_>, path: &str) {
    post(
        w,
        "files",
        json!({"ops": [{"op": "add_file", "path": path, "content": "new"}]}),
    )
    .await;
}

/// A change at Dropbox reaches the open folder by itself, through the long-poll, with
/// the changed row named so the window can highlight it.
#[tokio::test]
async fn changes_reach_an_open_folder_without_a_refresh() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let (browser, events) = open_root(&w).await;
    add(&w, "/Live.txt").await;
    until(&events, "the new file", |p| {
        p.fresh.contains(&"/live.txt".to_string())
    })
    .await;
    assert!(all_names(&browser, "").contains(&"Live.txt".to_string()));
    let before = browser.window("", &by_name(), 0, 1).unwrap().version;
    post(
        &w,
        "files",
        json!({"ops": [{"op": "delete", "path": "/Live.txt"}]}),
    )
    .await;
    until(&events, "the deletion", |p| p.version > before).await;
    assert!(!all_names(&browser, "").contains(&"Live.txt".to_string()));
}

fn longpolls(state: &Value) -> usize {
    state["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/2/files/list_folder/longpoll")
        .count()
}

/// Dropbox's `backoff` is honoured: no long-poll before it has passed.
#[tokio::test]
async fn the_longpoll_backoff_is_honoured() {
    let mut w = world(
        None,
        |c| c.longpoll_backoff = Some(3),
        Duration::from_secs(60),
    )
    .await;
    connect(&mut w).await;
    let (_browser, events) = open_root(&w).await;
    add(&w, "/One.txt").await;
    until(&events, "the first change", |p| {
        p.fresh.contains(&"/one.txt".to_string())
    })
    .await;
    let polls = longpolls(&state(&w).await);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        longpolls(&state(&w).await),
        polls,
        "no long-poll during the backoff"
    );
    add(&w, "/Two.txt").await;
    until(&events, "the second change after the backoff", |p| {
        p.fresh.contains(&"/two.txt".to_string())
    })
    .await;
    assert!(longpolls(&state(&w).await) > polls);
}

/// A cursor that Dropbox resets while the folder is watched: it is listed again, and
/// changes after that still arrive by themselves.
#[tokio::test]
async fn a_reset_cursor_is_listed_again_and_watching_goes_on() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let (browser, events) = open_root(&w).await;
    let before = browser.window("", &by_name(), 0, 1).unwrap().version;
    post(&w, "reset-cursors", Value::Null).await;
    add(&w, "/After reset.txt").await;
    until(&events, "the relisting", |p| {
        p.complete && p.version > before
    })
    .await;
    until_listed(&browser, "", "After reset.txt").await;
    add(&w, "/Later.txt").await;
    until(&events, "a change after the reset", |p| {
        p.fresh.contains(&"/later.txt".to_string())
    })
    .await;
}

/// Pages of one account that answer after switching to another never reach it: not
/// stored, not reported, and the next account shows only its own folder.
#[tokio::test]
async fn pages_of_one_account_never_reach_the_next() {
    let mut w = world(
        None,
        |c| {
            c.generate = vec![("/Big".into(), 5000)];
            c.extra_accounts = vec![fakebox::ExtraAccount::sam()];
        },
        Duration::from_secs(60),
    )
    .await;
    connect_as(&mut w, 1, "Sam Lee").await;
    connect(&mut w).await;
    let (accounts, _) = w.session.accounts().await.unwrap();
    let sam = accounts
        .iter()
        .find(|a| a.display_name == "Sam Lee")
        .unwrap()
        .account_id
        .clone();
    post(
        &w,
        "faults",
        json!({"route": "files/list_folder/continue", "delay_ms": 1500, "count": 5}),
    )
    .await;
    let browser = Browser::new(w.session.clone());
    let (events, report) = recorder();
    browser
        .open("/Big", "/big", &by_name(), 50, report)
        .await
        .unwrap();
    assert_eq!(
        browser.switch_account(&sam).await.unwrap().display_name,
        "Sam Lee"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        events.lock().unwrap().is_empty(),
        "{:?}",
        events.lock().unwrap()
    );
    assert!(browser.window("/big", &by_name(), 0, 1).is_none());
    fb(&w, reqwest::Method::DELETE, "faults", Value::Null).await;
    let (_, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    let names = all_names(&browser, "");
    assert!(names.contains(&"Sam's notes.txt".to_string()), "{names:?}");
    assert!(
        !names.contains(&"Big".to_string()),
        "nothing of Alex's: {names:?}"
    );
}

/// Two accounts; the one on screen (Alex) is revoked at Dropbox, and the preview, not the
/// listing, is what finds out. The keychain's "current" account is Sam's now, but the
/// window still names Alex: Disconnect of Alex touches nothing of Sam's.
#[tokio::test]
async fn a_revocation_met_by_the_preview_never_turns_disconnect_on_another_account() {
    let mut w = world(
        None,
        |c| c.extra_accounts = vec![fakebox::ExtraAccount::sam()],
        Duration::from_secs(60),
    )
    .await;
    connect_as(&mut w, 1, "Sam Lee").await;
    connect(&mut w).await;
    let alex = w.session.account_id().await.expect("Alex in use");
    let browser = Browser::new(w.session.clone());
    let (_, report) = recorder();
    browser.open("", "", &by_name(), 50, report).await.unwrap();
    until_listed(&browser, "", "Notes with spaces.txt").await;
    post(&w, "unlink", json!({"account": 0})).await;
    let seen = browser.preview("/notes with spaces.txt").await;
    assert_eq!(
        dropdesk::messages::session(&seen.unwrap_err()).code,
        "revoked",
        "the preview meets the revocation"
    );
    let sam = w
        .vault
        .current()
        .unwrap()
        .expect("Sam's grant is current now");
    assert_ne!(sam.account_id, alex);

    let done = browser.disconnect(&alex).await.unwrap();
    assert!(
        !done.was_connected,
        "Alex's grant was gone already: {done:?}"
    );
    assert!(done.remaining);
    assert!(
        w.vault.load(&sam.account_id).unwrap().is_some(),
        "Sam's kept"
    );
    let grants = state(&w).await["grants"].clone();
    assert_eq!(grants[0]["account"], 1, "{grants}");
    assert_eq!(grants[0]["revoked"], false, "Sam's grant is live: {grants}");
}

/// A folder is keyed by the `path_lower` Dropbox gave for it, never by lower-casing its
/// path here (Rust's lower-casing is not Dropbox's). fakebox lower-cases as Rust does,
/// so the two cannot be told apart by their answers; what is checked is that the key is
/// the one given, whatever the path's case (Dropbox's `path_display` may carry stale case).
#[tokio::test]
async fn a_folder_is_keyed_by_the_path_lower_dropbox_gave() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let browser = Browser::new(w.session.clone());
    let (_, report) = recorder();
    let opened = browser
        .open("/DOCUMENTS", "/documents", &by_name(), 50, report.clone())
        .await
        .unwrap();
    assert_eq!(opened.path_lower, "/documents");
    assert!(browser.window("/documents", &by_name(), 0, 10).is_some());
    let again = browser
        .open("/Documents", "/documents", &by_name(), 50, report)
        .await
        .unwrap();
    assert!(again.from_cache, "the same folder, from the cache");
}
