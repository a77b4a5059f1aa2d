//! The session against fakebox, on the in-memory vault (these scenarios are not about the
//! keychain, so they run in parallel): the listener's judgement of stray requests, the
//! sign-in timeout, single-flight refresh, revocation met by parallel calls, retries with
//! backoff, and expiry in the middle of a paged listing.

mod support;

use std::time::Duration;

use dropdesk::messages;
use std::sync::Arc;

use dropdesk::session::{ConnectOutcome, Heard, SessionError};
use dropdesk::vault::{Vault, VaultError};
use dropdesk::view::Status;
use serde_json::{json, Value};
use support::*;

#[tokio::test]
async fn wrong_state_and_junk_do_not_end_the_flow() {
    let mut w = memory_world().await;
    w.session.start_connect().await.unwrap();
    let url = w.urls.recv().await.unwrap();
    let port = w.ports[0];
    let c = reqwest::Client::new();
    for junk in [
        "/callback?code=x&state=forged",
        "/favicon.ico",
        "/callback",
        "/",
    ] {
        let r = c
            .get(format!("http://127.0.0.1:{port}{junk}"))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{junk}");
    }
    let r = c
        .post(format!("http://127.0.0.1:{port}/callback"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    // The real approval still completes.
    let b = browser();
    let callback = decide(&b, &url, "allow").await;
    assert_eq!(b.get(&callback).send().await.unwrap().status(), 200);
    assert!(matches!(
        approve_in_window(&w.session).await.unwrap(),
        ConnectOutcome::Connected(_)
    ));
}

#[tokio::test]
async fn unregistered_redirect_uri_never_redirects_and_the_flow_times_out() {
    let mut w = world(
        None,
        |c| c.redirect_uris = vec!["http://127.0.0.1:1/callback".into()],
        Duration::from_secs(2),
    )
    .await;
    w.session.start_connect().await.unwrap();
    let url = w.urls.recv().await.unwrap();
    let b = browser();
    let authorize = open_start(&b, &url).await;
    let r = b.get(&authorize).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    assert!(r.text().await.unwrap().contains("Invalid redirect_uri"));
    assert_eq!(
        approve_in_window(&w.session).await.unwrap(),
        ConnectOutcome::TimedOut
    );
    // The port is free again after the timeout.
    std::net::TcpListener::bind(("127.0.0.1", w.ports[0])).expect("port released");
}

#[tokio::test]
async fn expiry_refreshes_once_for_many_parallel_calls() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let before = w.vault.current().unwrap().unwrap();
    fb(&w, reqwest::Method::DELETE, "log", Value::Null).await;
    post(&w, "expire-access-tokens", Value::Null).await;
    let calls = (0..20).map(|_| {
        let s = w.session.clone();
        tokio::spawn(async move { s.list_folder("/Documents").await })
    });
    for call in calls {
        call.await
            .unwrap()
            .expect("every call succeeds after one refresh");
    }
    let log = state(&w).await["requests"].clone();
    let refreshes = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["detail"] == "grant_type=refresh_token")
        .count();
    assert_eq!(refreshes, 1, "single-flight refresh: {log}");
    let after = w.vault.current().unwrap().unwrap();
    assert!(
        !after.access_token.same_as(&before.access_token),
        "new token written back"
    );
    assert_eq!(
        after.refresh_token.map(|r| r.expose().to_string()),
        before.refresh_token.map(|r| r.expose().to_string()),
        "refresh token kept"
    );
}

/// Removed on dropbox.com while many calls are in flight (the account fetch and a listing
/// at start-up): one of them finds out and drops the grant, and every other one must also
/// say "revoked", not "not connected", whichever finishes first.
#[tokio::test]
async fn a_revocation_met_by_parallel_calls_is_revoked_for_each() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    post(&w, "unlink", Value::Null).await;
    let listings = (0..8).map(|_| {
        let s = w.session.clone();
        tokio::spawn(async move { s.list_folder("").await.map(drop) })
    });
    let accounts = (0..4).map(|_| {
        let s = w.session.clone();
        tokio::spawn(async move { s.account().await.map(drop) })
    });
    let calls: Vec<_> = listings.chain(accounts).collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), Err(SessionError::Revoked));
    }
    assert!(w.vault.current().unwrap().is_none());
    match messages::status(w.session.status().await, None) {
        Status::Disconnected { problem: Some(p) } => assert_eq!(p.code, "revoked", "{p:?}"),
        other => panic!("expected the revoked message, got {other:?}"),
    }
    // Connecting again starts clean.
    connect(&mut w).await;
    assert!(matches!(
        messages::status(w.session.status().await, None),
        Status::Connected { .. }
    ));
}

#[tokio::test]
async fn transient_failures_are_retried_with_backoff() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    fb(&w, reqwest::Method::DELETE, "log", Value::Null).await;
    post(
        &w,
        "faults",
        json!([
            {"route": "files/list_folder", "status": 500},
            {"route": "files/list_folder", "status": 429, "retry_after": 1},
            {"route": "files/list_folder", "drop": true},
        ]),
    )
    .await;
    let started = std::time::Instant::now();
    w.session.list_folder("").await.expect("retried to success");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    let statuses: Vec<u64> = state(&w).await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/2/files/list_folder")
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [500, 429, 200, 200],
        "one try per fault, then success"
    );
}

#[tokio::test]
async fn expiry_during_a_paged_listing_continues() {
    let mut w = world(
        None,
        |c| c.generate = vec![("/big".into(), 5000)],
        Duration::from_secs(60),
    )
    .await;
    connect(&mut w).await;
    let mut page = w.session.list_folder("/big").await.unwrap();
    let mut count = page.changes.len();
    post(&w, "expire-access-tokens", Value::Null).await;
    while page.has_more {
        page = w
            .session
            .list_folder_continue(&page.cursor)
            .await
            .expect("continues transparently");
        count += page.changes.len();
    }
    assert_eq!(count, 5000);
}

/// Login CSRF: someone who learns the sign-in's URLs approves in their own browser. Their
/// callback lacks the cookie the user's browser got from its start link, so it is refused
/// and the sign-in goes on; a start link opened a second time is refused too, without
/// ending it; the user's own browser still connects.
#[tokio::test]
async fn a_callback_from_another_browser_is_refused_and_the_sign_in_goes_on() {
    let mut w = memory_world().await;
    w.session.start_connect().await.unwrap();
    let url = w.urls.recv().await.unwrap();
    let user = browser();
    let authorize = open_start(&user, &url).await;
    let other = browser();
    let callback = consent(&other, &authorize, "allow").await;
    let refused = other.get(&callback).send().await.unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("did not start here"));
    let again = other.get(start_link_of(&url)).send().await.unwrap();
    assert_eq!(again.status(), 410, "a start link opens Dropbox once");
    assert!(w.session.start_link().is_ok(), "the sign-in goes on");
    assert!(w.vault.current().unwrap().is_none(), "nothing stored");
    let mine = consent(&user, &authorize, "allow").await;
    assert_eq!(user.get(&mine).send().await.unwrap().status(), 200);
    assert!(matches!(
        approve_in_window(&w.session).await.unwrap(),
        ConnectOutcome::Connected(_)
    ));
}

/// Reconnecting while a grant is held replaces it: the old one is revoked at Dropbox, the
/// keychain keeps only the new one, and the next start restores the new one.
#[tokio::test]
async fn a_replaced_grant_is_revoked_and_the_new_one_kept() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let first = w.vault.current().unwrap().unwrap();
    connect(&mut w).await;
    let grants = state(&w).await["grants"].clone();
    assert_eq!(grants[0]["revoked"], true, "{grants}");
    assert_eq!(grants[1]["revoked"], false, "{grants}");
    let kept = w.vault.current().unwrap().unwrap();
    assert!(!kept.access_token.same_as(&first.access_token));
    assert!(w.session.restore().await.is_ok());
}

/// Signing account A in again while account B is in use replaces A's grant in the keychain:
/// A's earlier grant is revoked at Dropbox (no Disconnect could reach it any more), and
/// B's stays live.
#[tokio::test]
async fn signing_an_account_in_again_while_another_is_in_use_revokes_its_earlier_grant() {
    let mut w = world(
        None,
        |c| c.extra_accounts = vec![fakebox::ExtraAccount::sam()],
        Duration::from_secs(60),
    )
    .await;
    connect_as(&mut w, 0, "Alex Morgan").await;
    connect_as(&mut w, 1, "Sam Lee").await;
    connect_as(&mut w, 0, "Alex Morgan").await;
    let grants = state(&w).await["grants"].clone();
    let revoked: Vec<bool> = (0..3)
        .map(|i| grants[i]["revoked"].as_bool().unwrap())
        .collect();
    assert_eq!(
        revoked,
        [true, false, false],
        "A's first grant revoked, B's and A's new one live: {grants}"
    );
}

/// Only an answer that says the token is dead confirms a revoke: a 401 for another reason
/// (here a missing permission) leaves the user told to check on dropbox.com.
#[tokio::test]
async fn only_a_dead_token_confirms_a_revoke() {
    for (tag, confirmed) in [("invalid_access_token", true), ("missing_scope", false)] {
        let mut w = memory_world().await;
        connect(&mut w).await;
        post(
            &w,
            "faults",
            json!({"route": "auth/token/revoke", "status": 401, "auth_tag": tag}),
        )
        .await;
        let done = disconnect_shown(&w.session).await;
        assert_eq!(done.confirmed, confirmed, "{tag}");
        assert!(
            w.vault.current().unwrap().is_none(),
            "deleted locally either way"
        );
    }
}

/// Search reaches the whole app folder: a file three folders down is found by the
/// beginnings of its words, whatever their accents; more matches than asked are cut.
#[tokio::test]
async fn search_finds_a_file_three_folders_down() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let (found, truncated) = w.session.search("cafe mull", 200).await.unwrap();
    let paths: Vec<&str> = found.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/Documents/Taxes/2025/Receipts/Café Müller 2025-03-14.jpg"]
    );
    assert!(!truncated);
    let (some, truncated) = w.session.search("2025", 2).await.unwrap();
    assert_eq!(some.len(), 2);
    assert!(truncated, "more than two match 2025");
}

/// The in-memory vault, whose grant writes wait for the test to let each one go, with the
/// answer it gives.
#[derive(Default)]
struct HeldVault {
    inner: dropdesk::vault::MemoryVault,
    answers: std::sync::Mutex<Option<std::sync::mpsc::Receiver<Result<(), VaultError>>>>,
}

impl Vault for HeldVault {
    fn store(&self) -> dropdesk::vault::Store {
        self.inner.store()
    }
    fn load(&self, id: &str) -> Result<Option<dropdesk::vault::StoredGrant>, VaultError> {
        self.inner.load(id)
    }
    fn save(&self, grant: &dropdesk::vault::StoredGrant) -> Result<(), VaultError> {
        let answer = self.answers.lock().unwrap().as_ref().map(|rx| rx.recv());
        match answer {
            Some(Ok(Err(e))) => Err(e),
            _ => self.inner.save(grant),
        }
    }
    fn delete(&self, id: &str) -> Result<(), VaultError> {
        self.inner.delete(id)
    }
    fn index(&self) -> Result<dropdesk::vault::AccountIndex, VaultError> {
        self.inner.index()
    }
    fn set_index(&self, index: &dropdesk::vault::AccountIndex) -> Result<(), VaultError> {
        self.inner.set_index(index)
    }
}

/// Approve in the "browser" and wait for the sign-in in the background; the names it hears
/// early come through the returned channel.
async fn sign_in_held(
    w: &mut World<'_>,
) -> (
    tokio::task::JoinHandle<ConnectOutcome>,
    tokio::sync::mpsc::UnboundedReceiver<String>,
) {
    w.session.start_connect().await.unwrap();
    let url = w.urls.recv().await.unwrap();
    let b = browser();
    let callback = decide(&b, &url, "allow").await;
    let (tx, named) = tokio::sync::mpsc::unbounded_channel();
    let session = w.session.clone();
    let finished = tokio::spawn(async move {
        let asked = session.clone();
        session
            .finish_connect(move |heard| match heard {
                Heard::Asking(_) => asked.confirm_connect(true).unwrap(),
                Heard::Named(a) => drop(tx.send(a.display_name)),
            })
            .await
            .unwrap()
    });
    tokio::spawn(async move { b.get(&callback).send().await });
    (finished, named)
}

/// The account's name is known before its grant is in the keychain, and heard at once;
/// the sign-in is connected only once the grant is kept.
#[tokio::test]
async fn the_name_is_heard_while_the_grant_is_written_and_connected_only_after() {
    let (answer, answers) = std::sync::mpsc::channel();
    let vault = Arc::new(HeldVault::default());
    *vault.answers.lock().unwrap() = Some(answers);
    let mut w = vault_world(vault.clone()).await;
    let (finished, mut named) = sign_in_held(&mut w).await;
    assert_eq!(named.recv().await.as_deref(), Some("Alex Morgan"));
    assert!(
        vault.inner.grants.lock().unwrap().is_empty(),
        "not kept yet"
    );
    assert!(
        !finished.is_finished(),
        "not connected before the grant is kept"
    );
    answer.send(Ok(())).unwrap();
    match finished.await.unwrap() {
        ConnectOutcome::Connected(a) => assert_eq!(a.display_name, "Alex Morgan"),
        other => panic!("not connected: {other:?}"),
    }
    assert_eq!(vault.inner.grants.lock().unwrap().len(), 1);
}

/// A grant the keychain refuses is never reported connected, and is revoked at Dropbox,
/// though its name was already heard.
#[tokio::test]
async fn a_grant_the_keychain_refuses_is_never_connected_though_named() {
    let (answer, answers) = std::sync::mpsc::channel();
    let vault = Arc::new(HeldVault::default());
    *vault.answers.lock().unwrap() = Some(answers);
    let mut w = vault_world(vault.clone()).await;
    let (finished, mut named) = sign_in_held(&mut w).await;
    assert_eq!(named.recv().await.as_deref(), Some("Alex Morgan"));
    answer
        .send(Err(VaultError::Locked("refused".into())))
        .unwrap();
    match finished.await.unwrap() {
        ConnectOutcome::Failed(SessionError::Vault(VaultError::Locked(_))) => {}
        other => panic!("expected the keychain's refusal, got {other:?}"),
    }
    assert!(vault.inner.grants.lock().unwrap().is_empty());
    let grants = state(&w).await["grants"].clone();
    assert_eq!(grants[0]["revoked"], true, "{grants}");
}

/// More matches than one page of `search_v2` (100) are followed through
/// `search/continue_v2`: every match comes back once, in Dropbox's order, none cut.
#[tokio::test]
async fn search_follows_its_cursor_past_the_first_page() {
    let mut w = memory_world().await;
    connect(&mut w).await;
    let ops: Vec<Value> = (0..150)
        .map(|i| json!({"op": "add_file", "path": format!("/Many/Match {i:03}.txt"), "content": "x"}))
        .collect();
    post(&w, "files", json!({ "ops": ops })).await;
    let (found, truncated) = w.session.search("match", 1000).await.unwrap();
    assert!(!truncated);
    let mut paths: Vec<String> = found.iter().map(|e| e.path.clone()).collect();
    assert_eq!(paths.len(), 150, "every match, past the first 100");
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 150, "none twice");
    let (some, truncated) = w.session.search("match", 120).await.unwrap();
    assert_eq!(some.len(), 120);
    assert!(truncated, "cut at the limit, in the second page");
}

/// Only an account not connected here is asked about: signing in the account in use
/// again (a reconnect) is not, and neither is one whose grant was just found revoked.
#[tokio::test]
async fn only_a_new_account_is_asked_about() {
    let mut w = memory_world().await;
    let asked = |w: &World<'_>| {
        let (tx, rx) = std::sync::mpsc::channel();
        let s = w.session.clone();
        let done = tokio::spawn(async move {
            let answer = s.clone();
            s.finish_connect(move |heard| {
                if let Heard::Asking(a) = heard {
                    let _ = tx.send(a.display_name);
                    answer.confirm_connect(true).unwrap();
                }
            })
            .await
            .unwrap()
        });
        (done, rx)
    };
    for (round, expected) in [
        ("first", true),
        ("reconnect", false),
        ("after a revoke", false),
    ] {
        if round == "after a revoke" {
            post(&w, "unlink", Value::Null).await;
            assert_eq!(
                w.session.list_folder("").await.unwrap_err(),
                SessionError::Revoked
            );
        }
        w.session.start_connect().await.unwrap();
        let url = w.urls.recv().await.unwrap();
        let b = browser();
        let callback = decide(&b, &url, "allow").await;
        let (done, names) = asked(&w);
        assert_eq!(b.get(&callback).send().await.unwrap().status(), 200);
        assert!(matches!(done.await.unwrap(), ConnectOutcome::Connected(_)));
        let heard: Vec<String> = names.try_iter().collect();
        assert_eq!(!heard.is_empty(), expected, "{round}: {heard:?}");
    }
}
