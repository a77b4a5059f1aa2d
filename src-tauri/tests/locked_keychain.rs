//! A locked keychain with no prompter to unlock it (its own process and desktop session,
//! since it locks the session's whole keyring): Dropdesk says the keychain is locked,
//! promptly and without hanging, keeps nothing in a worse state, and recovers after the
//! keyring is unlocked and the user presses Retry.

mod support;

use std::time::Duration;

use dropdesk::messages;
use dropdesk::session::SessionError;
use dropdesk::vault::VaultError;
use dropdesk::view::{Action, Status};
use e2e::desktop::Desktop;
use support::*;

#[tokio::test]
async fn a_locked_keychain_is_explained_and_recovers_after_unlock() {
    let desktop = Desktop::start().expect("desktop session");
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        desktop.var("DBUS_SESSION_BUS_ADDRESS").unwrap(),
    );
    let mut w = world(Some(&desktop), |_| {}, Duration::from_secs(60)).await;
    connect(&mut w).await;
    assert!(has_grant(&w));
    desktop.without_prompter().unwrap();
    desktop.lock_keychain().unwrap();
    // At start-up the keychain refuses, and the window says why, without hanging.
    let restored = tokio::time::timeout(Duration::from_secs(15), w.session.restore())
        .await
        .expect("the keychain call is bounded");
    let err = restored.unwrap_err();
    assert!(
        matches!(err, SessionError::Vault(VaultError::Locked(_))),
        "{err:?}"
    );
    match messages::status(Err(err), None) {
        Status::Problem { problem, .. } => {
            assert_eq!(problem.code, "keychain_locked");
            assert_eq!(problem.action, Action::Retry);
        }
        other => panic!("{other:?}"),
    }
    // The user unlocks the keyring and presses Retry: the grant was never lost.
    desktop.unlock_keychain().unwrap();
    let account = w.session.restore().await.expect("restored after unlock");
    assert_eq!(account.display_name, "Alex Morgan");
    assert!(has_grant(&w));
}
