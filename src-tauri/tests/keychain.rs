//! The core against fakebox and a real keychain (gnome-keyring's Secret Service in a
//! private D-Bus session), read back with `secret-tool`: what is stored on connect, kept
//! through failures, and removed on revocation and Disconnect, for one account and for two
//! side by side. The keyring crate's D-Bus library reads the session bus address once per
//! process, so the scenarios of one process share one desktop session (each with its own
//! fakebox and keychain service); cargo-nextest runs each in a process of its own. This
//! file has its own test harness (libtest-mimic) so that each scenario is a named test.

mod support;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dropdesk::listing::Change;
use dropdesk::messages;
use dropdesk::session::{ConnectOutcome, SessionError};
use dropdesk::vault::Store;
use dropdesk::view::{Action, Kind, Status};
use e2e::desktop::Desktop;
use fakebox::{Config, Fakebox};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{json, Value};
use support::*;

async fn connect_stores_the_grant_and_a_replayed_callback_is_refused(desktop: &Desktop) {
    let mut w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    let callback = connect(&mut w).await;
    assert!(has_grant(&w), "secret-tool finds the grant");
    assert_eq!(
        w.session.store().await,
        Store::GnomeKeyring,
        "says where it is kept"
    );
    let stored = w.vault.current().unwrap().expect("grant in keychain");
    assert!(stored.refresh_token.is_some());
    assert!(stored.scopes.contains(&"files.metadata.read".to_string()));
    // The listener has closed: replaying the callback reaches nobody.
    assert!(reqwest::get(&callback).await.is_err(), "listener is gone");
    // The code itself is single-use at Dropbox too.
    assert_eq!(state(&w).await["codes_used"], 1);
    // Restoring from the keychain needs no browser.
    let account = w.session.restore().await.expect("restored");
    assert_eq!(account.email, "alex.morgan@example.com");
    let page = w.session.list_folder("").await.unwrap();
    assert!(page.changes.iter().any(
        |c| matches!(c, Change::Upsert(e) if e.name == "Documents" && e.kind == Kind::Folder)
    ));
}

async fn denial_is_declined_and_stores_nothing(desktop: &Desktop) {
    let mut w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    w.session.start_connect().await.unwrap();
    let url = w.urls.recv().await.unwrap();
    let b = browser();
    let callback = decide(&b, &url, "deny").await;
    assert!(callback.contains("error=access_denied"));
    b.get(&callback).send().await.unwrap();
    assert_eq!(
        approve_in_window(&w.session).await.unwrap(),
        ConnectOutcome::Declined
    );
    assert!(!has_grant(&w));
}

async fn refresh_failures_keep_the_grant_and_revocation_drops_it(desktop: &Desktop) {
    let mut w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    post(&w, "expire-access-tokens", Value::Null).await;
    for (status, retry_after) in [(500, 0), (429, 1), (503, 0)] {
        // More failures than the session retries: the user sees an error, the grant stays.
        post(&w, "faults", json!({"route": "/oauth2/token", "status": status, "retry_after": retry_after, "count": 10})).await;
        let err = w.session.list_folder("").await.unwrap_err();
        assert!(!matches!(err, SessionError::Revoked), "{status}: {err:?}");
        assert!(has_grant(&w), "grant kept after {status}");
        fb(&w, reqwest::Method::DELETE, "faults", Value::Null).await;
    }
    post(
        &w,
        "faults",
        json!({"route": "/oauth2/token", "drop": true, "count": 10}),
    )
    .await;
    assert!(w.session.list_folder("").await.is_err());
    assert!(has_grant(&w), "grant kept after dropped connections");
    fb(&w, reqwest::Method::DELETE, "faults", Value::Null).await;
    // Recovers once Dropbox answers again.
    assert!(w.session.list_folder("").await.is_ok());

    // Removed on dropbox.com: the next call finds out, and the local item goes.
    post(&w, "unlink", Value::Null).await;
    let err = w.session.list_folder("").await.unwrap_err();
    assert_eq!(err, SessionError::Revoked);
    assert!(!has_grant(&w));
    let shown = messages::session(&err);
    assert_eq!(shown.code, "revoked");
    assert_eq!(shown.action, Action::Reconnect);
    assert!(matches!(
        messages::status(w.session.status().await, None),
        Status::Disconnected { .. }
    ));
}

async fn disconnect_revokes_at_dropbox_and_deletes_locally(desktop: &Desktop) {
    let mut w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    let done = disconnect_shown(&w.session).await;
    assert!(done.confirmed && done.was_connected, "{done:?}");
    assert!(!has_grant(&w));
    assert_eq!(state(&w).await["grants"][0]["revoked"], true);
    assert!(matches!(
        messages::status(w.session.status().await, None),
        Status::Disconnected { problem: None }
    ));
}

async fn disconnect_while_dropbox_is_down_still_deletes_and_says_so(desktop: &Desktop) {
    let mut w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    let stored = w.vault.current().unwrap().unwrap();
    // Take Dropbox away.
    let spare = Fakebox::start(Config::default()).await.unwrap();
    std::mem::replace(&mut w.fakebox, spare).shutdown().await;
    let done = messages::disconnected(disconnect_shown(&w.session).await);
    assert!(!done.revoke_confirmed);
    assert!(done.message.contains("dropbox.com"), "{}", done.message);
    assert!(!has_grant(&w));
    assert!(!desktop
        .keychain_items(&w.service)
        .contains(&stored.account_id));
    // Secrets never show in messages.
    assert!(!done.message.contains(stored.access_token.expose()));
}

async fn disconnect_during_a_refresh_leaves_nothing_behind(desktop: &Desktop) {
    let mut w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    post(&w, "expire-access-tokens", Value::Null).await;
    post(
        &w,
        "faults",
        json!({"route": "/oauth2/token", "delay_ms": 700}),
    )
    .await;
    let listing = {
        let s = w.session.clone();
        tokio::spawn(async move { s.list_folder("").await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let done = disconnect_shown(&w.session).await;
    assert!(done.confirmed);
    let _ = listing.await.expect("no panic");
    assert!(!has_grant(&w), "no token written back after the delete");
    assert!(matches!(
        messages::status(w.session.status().await, None),
        Status::Disconnected { .. }
    ));
    assert_eq!(state(&w).await["grants"][0]["revoked"], true);
}

/// A call whose token is refused even after a refresh drops the grant as revoked, but
/// only the grant it was made with: if the user disconnected and connected again while the
/// call was on its way, the new grant stays.
async fn a_late_refusal_never_drops_a_newer_grant(desktop: &Desktop) {
    let mut w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    // The listing's token is refused; so is the refreshed one, but only after 3 s.
    post(
        &w,
        "faults",
        json!([
            {"route": "files/list_folder", "status": 401},
            {"route": "files/list_folder", "status": 401, "delay_ms": 3000},
        ]),
    )
    .await;
    let listing = {
        let s = w.session.clone();
        tokio::spawn(async move { s.list_folder("").await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(disconnect_shown(&w.session).await.confirmed);
    connect(&mut w).await;
    let newer = w.vault.current().unwrap().expect("the new grant is stored");
    assert!(listing.await.unwrap().is_err(), "the old call failed");
    let kept = w.vault.current().unwrap().expect("the new grant is kept");
    assert!(kept.access_token.same_as(&newer.access_token));
    assert!(has_grant(&w));
    assert!(matches!(
        messages::status(w.session.status().await, None),
        Status::Connected { .. }
    ));
}

/// An item Dropdesk cannot read is not a dead end: the window offers Reconnect, and
/// Its Reconnect removes the item (the window shows no account to disconnect) so that a
/// new sign-in can start clean.
async fn a_corrupt_keychain_item_can_be_removed(desktop: &Desktop) {
    let w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    keyring::Entry::new(&w.service, "accounts")
        .unwrap()
        .set_password("not a grant")
        .unwrap();
    let err = w.session.restore().await.unwrap_err();
    let shown = messages::session(&err);
    assert_eq!(
        (shown.code, shown.action),
        ("keychain_corrupt", Action::Reconnect)
    );
    assert_eq!(w.session.account_id().await, None, "no account shown");
    w.session.forget_unreadable().await.unwrap();
    assert!(!desktop.keychain_items(&w.service).contains("not a grant"));
    assert_eq!(
        w.session.restore().await.unwrap_err(),
        SessionError::NotConnected
    );
}

/// Two accounts side by side, each its own keychain item: the one connected last is in
/// use, switching works both ways, a restart restores the one used last, and Disconnect
/// removes only the account in use; the other is there at the next start.
async fn two_accounts_side_by_side_and_disconnect_one(desktop: &Desktop) {
    let mut w = world(
        Some(desktop),
        |c| c.extra_accounts = vec![fakebox::ExtraAccount::sam()],
        Duration::from_secs(60),
    )
    .await;
    connect(&mut w).await;
    connect_as(&mut w, 1, "Sam Lee").await;
    let items = desktop.keychain_items(&w.service);
    assert_eq!(items.matches("label = account:dbid:").count(), 2, "{items}");
    let (accounts, current) = w.session.accounts().await.unwrap();
    let names: Vec<&str> = accounts.iter().map(|a| a.display_name.as_str()).collect();
    assert_eq!(names, ["Alex Morgan", "Sam Lee"]);
    let (alex, sam) = (
        accounts[0].account_id.clone(),
        accounts[1].account_id.clone(),
    );
    assert_eq!(current.as_deref(), Some(sam.as_str()));
    assert_eq!(
        w.session.switch(&alex).await.unwrap().display_name,
        "Alex Morgan"
    );
    let listing = w.session.list_folder("").await.unwrap();
    assert!(
        listing
            .changes
            .iter()
            .any(|c| matches!(c, Change::Upsert(e) if e.name == "Documents")),
        "Alex's own folder"
    );

    // A restart restores the account used last.
    let again = restart(&w);
    assert_eq!(again.restore().await.unwrap().display_name, "Alex Morgan");
    let done = disconnect_shown(&again).await;
    assert!(done.confirmed && done.remaining, "{done:?}");
    let after = restart(&w);
    assert_eq!(after.restore().await.unwrap().display_name, "Sam Lee");
    let grants = state(&w).await["grants"].clone();
    assert_eq!(grants[0]["revoked"], true, "Alex's grant revoked: {grants}");
    assert_eq!(grants[1]["revoked"], false, "Sam's kept: {grants}");
    let items = desktop.keychain_items(&w.service);
    assert_eq!(items.matches("label = account:dbid:").count(), 1, "{items}");
}

/// Dropdesk removed on dropbox.com by one user: only that account goes to the reconnect
/// state; the other is still there to switch to.
async fn a_revocation_of_one_account_leaves_the_other(desktop: &Desktop) {
    let mut w = world(
        Some(desktop),
        |c| c.extra_accounts = vec![fakebox::ExtraAccount::sam()],
        Duration::from_secs(60),
    )
    .await;
    connect_as(&mut w, 1, "Sam Lee").await;
    connect(&mut w).await;
    post(&w, "unlink", json!({"account": 0})).await;
    assert_eq!(
        w.session.list_folder("").await.unwrap_err(),
        SessionError::Revoked
    );
    assert!(matches!(
        messages::status(w.session.status().await, None),
        Status::Disconnected { problem: Some(_) }
    ));
    let (accounts, _) = w.session.accounts().await.unwrap();
    let names: Vec<&str> = accounts.iter().map(|a| a.display_name.as_str()).collect();
    assert_eq!(names, ["Sam Lee"], "only the revoked account is gone");
    let sam = accounts[0].account_id.clone();
    assert_eq!(
        w.session.switch(&sam).await.unwrap().display_name,
        "Sam Lee"
    );
}

/// Items this vault keeps are the keyring crate's own (its attributes, label and
/// collection): what earlier Dropdesks wrote with keyring's client is read, what this one
/// writes keyring's client reads, and a grant written back that way is updated in place,
/// not doubled.
async fn items_are_shared_with_the_keyring_crates_own_client(desktop: &Desktop) {
    let mut w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    let stored = w.vault.current().unwrap().expect("grant in keychain");
    let theirs = |user: &str| keyring::Entry::new(&w.service, user).unwrap();
    let user = format!("account:{}", stored.account_id);
    let index = theirs("accounts")
        .get_password()
        .expect("keyring reads the index");
    assert!(index.contains(&stored.account_id), "{index}");
    let record = theirs(&user)
        .get_password()
        .expect("keyring reads the grant");
    theirs(&user).delete_credential().unwrap();
    assert!(w.vault.current().unwrap().is_none(), "deleted by keyring");
    theirs(&user).set_password(&record).unwrap();
    let back = w
        .vault
        .current()
        .unwrap()
        .expect("written by keyring, read here");
    assert_eq!(back.account_id, stored.account_id);
    w.vault.save(&back).unwrap();
    let items = desktop.keychain_items(&w.service);
    assert_eq!(items.matches("label = account:dbid:").count(), 1, "{items}");
    disconnect_shown(&w.session).await;
    assert!(matches!(
        theirs(&user).get_password(),
        Err(keyring::Error::NoEntry)
    ));
}

/// Every call goes over one kept connection to the Secret Service; when another daemon
/// takes the Secret Service over (a restart, a new login), the next call reaches it.
async fn the_keychain_is_reached_again_after_its_daemon_is_replaced(desktop: &Desktop) {
    let mut w = world(Some(desktop), |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    let stored = w.vault.current().unwrap().expect("grant in keychain");
    desktop.unlock_keychain().unwrap();
    let again = w.vault.current().expect("read from the new daemon");
    assert_eq!(again.map(|g| g.account_id), Some(stored.account_id.clone()));
    w.vault.save(&stored).expect("written to the new daemon");
    assert!(has_grant(&w));
}

/// The desktop session every scenario of this process shares, started by the first
/// scenario that runs (listing the scenarios starts nothing) and stopped by `main`. Under
/// cargo-nextest each scenario is a process of its own, and so has a desktop of its own.
static DESKTOP: Mutex<Option<Arc<Desktop>>> = Mutex::new(None);

fn desktop() -> Arc<Desktop> {
    let mut shared = DESKTOP.lock().unwrap_or_else(|e| e.into_inner());
    shared
        .get_or_insert_with(|| {
            let desktop = Desktop::start().expect("desktop session");
            // Before any D-Bus connection: libdbus reads the address once per process.
            std::env::set_var(
                "DBUS_SESSION_BUS_ADDRESS",
                desktop.var("DBUS_SESSION_BUS_ADDRESS").unwrap(),
            );
            Arc::new(desktop)
        })
        .clone()
}

fn scenario<F, Fut>(name: &str, f: F) -> Trial
where
    F: FnOnce(Arc<Desktop>) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    Trial::test(name, move || {
        let desktop = desktop();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| Failed::from(e.to_string()))?;
        runtime.block_on(f(desktop));
        Ok(())
    })
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        vec![$(scenario(stringify!($name), |d| async move { $name(&d).await })),*]
    };
}

fn main() {
    let mut args = Arguments::from_args();
    // One scenario at a time: one of them replaces the session's keyring daemon.
    args.test_threads = Some(1);
    let trials = scenarios!(
        connect_stores_the_grant_and_a_replayed_callback_is_refused,
        denial_is_declined_and_stores_nothing,
        refresh_failures_keep_the_grant_and_revocation_drops_it,
        disconnect_revokes_at_dropbox_and_deletes_locally,
        disconnect_while_dropbox_is_down_still_deletes_and_says_so,
        disconnect_during_a_refresh_leaves_nothing_behind,
        a_late_refusal_never_drops_a_newer_grant,
        items_are_shared_with_the_keyring_crates_own_client,
        the_keychain_is_reached_again_after_its_daemon_is_replaced,
        a_corrupt_keychain_item_can_be_removed,
        two_accounts_side_by_side_and_disconnect_one,
        a_revocation_of_one_account_leaves_the_other,
    );
    let conclusion = libtest_mimic::run(&args, trials);
    drop(DESKTOP.lock().unwrap_or_else(|e| e.into_inner()).take());
    conclusion.exit();
}
