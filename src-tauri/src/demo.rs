//! Demo mode: when no Dropbox app key is configured (or with `--demo`), Dropdesk starts
//! fakebox in-process, on a thread and runtime of its own and without its test control
//! surface, on a free loopback port with a sample app folder, and registers its own
//! redirect URIs there. Everything else (browser, consent page, callback, keychain) is
//! the real flow; only Dropbox is emulated.

use url::Url;

use crate::config::{Config, Endpoints};

pub const DEMO_APP_KEY: &str = "dropdeskdemo";

/// A running demo Dropbox and the settings that point at it.
pub struct Demo {
    pub server: fakebox::Fakebox,
    pub endpoints: Endpoints,
    pub app_key: String,
}

/// Start the emulator; the error is fakebox's own description of what failed.
pub async fn start(config: &Config) -> Result<Demo, String> {
    let mut emulator = fakebox::Config {
        app_key: DEMO_APP_KEY.into(),
        app_name: "Dropdesk".into(),
        redirect_uris: config
            .redirect_ports
            .iter()
            .map(|&p| Config::redirect_uri(p))
            .collect(),
        sample: true,
        ..fakebox::Config::default()
    };
    // The demo's app may also write, as a registered Dropdesk app does (asked for on the
    // first upload).
    emulator.app_scopes.push(crate::auth::WRITE_SCOPE.into());
    let server = tokio::task::spawn_blocking(move || fakebox::Fakebox::spawn(emulator))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let base = Url::parse(server.base_url()).map_err(|e| e.to_string())?;
    Ok(Demo {
        endpoints: Endpoints::single(&base),
        app_key: DEMO_APP_KEY.into(),
        server,
    })
}
