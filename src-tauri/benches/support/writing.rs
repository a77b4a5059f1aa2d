//! A session that may write, for the benchmarks: fakebox's grant on the in-memory
//! keychain, speaking https to the TLS front.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use dropdesk::auth::OAuth;
use dropdesk::config::Endpoints;
use dropdesk::dropbox;
use dropdesk::secret::{AccessToken, RefreshToken};
use dropdesk::session::{Retry, Session, Settings};
use dropdesk::vault::{self, now_unix, Keyring, MemoryVault, StoredGrant};

/// An HTTPS client that trusts the front's own CA.
pub fn https(ca_path: &Path) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(&std::fs::read(ca_path).unwrap()).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap()
}

/// A session that may write (fakebox's grant `access`, `refresh`), on the in-memory
/// keychain, speaking https to the front.
pub async fn writing_session(
    app_key: &str,
    (access, refresh): (String, String),
    base: &str,
    http: reqwest::Client,
) -> Arc<Session> {
    let endpoints = Endpoints::single(&url::Url::parse(&format!("{base}/")).unwrap());
    let vault = Arc::new(MemoryVault::default());
    let keyring = Keyring::new(vault, vault::TIMEOUT);
    keyring
        .keep(&StoredGrant {
            account_id: "dbid:bench".into(),
            access_token: AccessToken::new(access),
            refresh_token: Some(RefreshToken::new(refresh)),
            expires_at: Some(now_unix() + 3600),
            scopes: vec!["files.content.write".into()],
        })
        .await
        .unwrap();
    let session = Session::new(
        OAuth::new(app_key, &endpoints, http.clone()),
        dropbox::Client::new(http, endpoints.api.clone()),
        keyring,
        Settings {
            ports: vec![],
            auth_timeout: Duration::from_secs(60),
            retry: Retry::default(),
        },
        Arc::new(|_: &str| Ok(())),
    );
    let _ = session.restore().await;
    session
}
