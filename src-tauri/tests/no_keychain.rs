//! With no Secret Service to talk to, the keychain fails loudly and usefully: a clear,
//! actionable problem, and no silent fallback store.

use std::sync::Arc;
use std::time::Duration;

use dropdesk::auth::OAuth;
use dropdesk::config::Endpoints;
use dropdesk::secret::AccessToken;
use dropdesk::session::{Retry, Session, Settings};
use dropdesk::vault::{self, Keychain, Keyring, StoredGrant, Vault, VaultError};
use dropdesk::view::{Action, Status};
use dropdesk::{dropbox, messages};

#[tokio::test]
async fn no_secret_service_is_an_actionable_problem() {
    // A bus address where nothing listens (this test binary has no other tests).
    let dir = std::env::temp_dir().join(format!("dropdesk-nobus-{}", std::process::id()));
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}/bus", dir.display()),
    );
    let vault = Arc::new(Keychain::new("test.dropdesk.nobus"));
    let grant = StoredGrant {
        account_id: "dbid:x".into(),
        access_token: AccessToken::new("sl.not-stored"),
        refresh_token: None,
        expires_at: None,
        scopes: vec![],
    };
    let saved = vault.save(&grant).unwrap_err();
    assert!(matches!(saved, VaultError::Unavailable(_)), "{saved:?}");
    assert!(matches!(
        vault.current().unwrap_err(),
        VaultError::Unavailable(_)
    ));

    let base = url::Url::parse("http://127.0.0.1:9/").unwrap();
    let endpoints = Endpoints::single(&base);
    let http = dropbox::http_client();
    let session = Session::new(
        OAuth::new("key", &endpoints, http.clone()),
        dropbox::Client::new(http, endpoints.api.clone()),
        Keyring::new(vault, vault::TIMEOUT),
        Settings {
            ports: vec![],
            auth_timeout: Duration::from_secs(1),
            retry: Retry::default(),
        },
        Arc::new(|_: &str| Ok(())),
    );
    match messages::status(session.restore().await, None) {
        Status::Problem { problem, .. } => {
            assert_eq!(problem.code, "keychain_unavailable");
            assert_eq!(problem.title, "No keychain available");
            assert!(
                problem.message.contains("gnome-keyring-daemon"),
                "{}",
                problem.message
            );
            assert_eq!(problem.action, Action::Retry);
        }
        other => panic!("{other:?}"),
    }
}
