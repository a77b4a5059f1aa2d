//! Write access, asked for only when first used: the sign-in keeps asking for the read
//! scopes; the write sign-in (`Access::Write`, the same PKCE flow with
//! `include_granted_scopes=user`) gets a grant that may read and write, which replaces the
//! old one in the keychain while the old one is revoked at Dropbox. Declining leaves the
//! read-only grant as it was. Against fakebox, on the in-memory vault.

mod support;

use bytes::Bytes;
use dropdesk::dropbox::{ApiError, AuthError};
use dropdesk::session::{ConnectOutcome, SessionError};
use serde_json::Value;
use support::*;

async fn writable_world() -> World<'static> {
    world(
        None,
        |c| c.app_scopes.push("files.content.write".into()),
        std::time::Duration::from_secs(60),
    )
    .await
}

fn live_grants(state: &Value) -> Vec<Value> {
    state["grants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["revoked"] == false)
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_write_grant_replaces_the_read_grant_which_is_revoked() {
    let mut w = writable_world().await;
    connect(&mut w).await;
    assert!(!w.session.may_write().await, "sign-in asks to read only");
    let refused = w
        .session
        .upload(&adding("/note.txt"), Bytes::from_static(b"hi"))
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        SessionError::Api(ApiError::Unauthorized(AuthError::MissingScope))
    );

    let ConnectOutcome::Connected(account) = ask_to_write(&mut w, "allow").await else {
        panic!("the write sign-in connects");
    };
    assert!(account.may_write, "the account panel can say it may write");
    assert!(w.session.may_write().await);
    let kept = w.vault.current().unwrap().expect("a grant in the keychain");
    assert!(kept.scopes.iter().any(|s| s == "files.content.write"));
    assert!(kept.scopes.iter().any(|s| s == "files.content.read"));
    let live = live_grants(&state(&w).await);
    assert_eq!(live.len(), 1, "the read-only grant was revoked: {live:?}");

    let meta = w
        .session
        .upload(&adding("/note.txt"), Bytes::from_static(b"hi"))
        .await
        .unwrap();
    assert_eq!(meta.size, 2);
    assert!(w.session.list_folder("").await.is_ok(), "still browses");
}

#[tokio::test]
async fn declining_write_access_leaves_browsing_as_it_was() {
    let mut w = writable_world().await;
    connect(&mut w).await;
    let before = w.vault.current().unwrap().unwrap();
    assert_eq!(ask_to_write(&mut w, "deny").await, ConnectOutcome::Declined);
    assert!(!w.session.may_write().await);
    let after = w.vault.current().unwrap().unwrap();
    assert!(after.access_token.same_as(&before.access_token));
    assert_eq!(live_grants(&state(&w).await).len(), 1);
    assert!(w.session.list_folder("").await.is_ok());
}
