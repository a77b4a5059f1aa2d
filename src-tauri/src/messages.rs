//! The one place that turns every failure into words a person can act on: a title, a
//! message, and the action the UI offers (Retry, Reconnect, …). Never includes a token.

use serde::Serialize;

use crate::auth::TokenError;
use crate::dropbox::ApiError;
use crate::session::SessionError;
use crate::vault::VaultError;

/// What the UI's button should do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Retry,
    Reconnect,
    Dismiss,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub title: String,
    pub message: String,
    pub action: Action,
    /// It may clear by itself (offline, server trouble): the UI retries on its own.
    pub transient: bool,
}

impl Problem {
    fn new(title: &str, message: impl Into<String>, action: Action) -> Self {
        Problem {
            title: title.into(),
            message: message.into(),
            action,
            transient: false,
        }
    }

    fn transient(mut self) -> Self {
        self.transient = true;
        self
    }
}

pub fn keychain(e: &VaultError) -> Problem {
    match e {
        VaultError::Unavailable(detail) => Problem::new(
            "No keychain available",
            format!(
                "Dropdesk keeps your Dropbox sign-in only in the system keychain, and none answered ({detail}). \
                 On GNOME, start GNOME Keyring (gnome-keyring-daemon --start --components=secrets); on KDE, enable \
                 KWallet's Secret Service; then retry."
            ),
            Action::Retry,
        ),
        VaultError::Locked(_) => Problem::new(
            "Keychain locked",
            "Your keychain is locked or refused access. Unlock your login keyring (for example in Passwords and Keys), then retry.",
            Action::Retry,
        ),
        VaultError::Timeout => Problem::new(
            "Keychain not answering",
            "The keychain did not answer in time. If an unlock prompt is open, answer it, then retry.",
            Action::Retry,
        ),
        VaultError::Corrupt => Problem::new(
            "Saved sign-in unreadable",
            "The Dropbox sign-in saved in your keychain cannot be read. Disconnect and connect again.",
            Action::Reconnect,
        ),
        VaultError::Other(detail) => Problem::new(
            "Keychain error",
            format!("The keychain failed: {detail}. Retry, or restart your session's keyring."),
            Action::Retry,
        ),
    }
}

pub fn api(e: &ApiError) -> Problem {
    match e {
        ApiError::Network(_) => Problem::new(
            "You're offline",
            "Dropdesk cannot reach Dropbox. Check your connection; your sign-in is kept.",
            Action::Retry,
        )
        .transient(),
        ApiError::RateLimited { retry_after } => Problem::new(
            "Dropbox asked to slow down",
            format!("Try again in {} seconds.", retry_after.as_secs()),
            Action::Retry,
        )
        .transient(),
        ApiError::Server { status } => Problem::new(
            "Dropbox is having trouble",
            format!("Dropbox answered with a server error ({status}). Your sign-in is kept; try again shortly."),
            Action::Retry,
        )
        .transient(),
        ApiError::Route { summary } if summary.starts_with("path/not_found") => Problem::new(
            "Folder not found",
            "This folder no longer exists in your app folder.",
            Action::Retry,
        ),
        other => Problem::new("Dropbox error", other.to_string(), Action::Retry),
    }
}

pub fn revoked() -> Problem {
    Problem::new(
        "Dropbox access was revoked",
        "Dropdesk's access was removed (perhaps on dropbox.com). Reconnect to keep using Dropdesk.",
        Action::Reconnect,
    )
}

impl From<SessionError> for Problem {
    fn from(e: SessionError) -> Self {
        session(&e)
    }
}

pub fn session(e: &SessionError) -> Problem {
    match e {
        SessionError::Vault(v) => keychain(v),
        SessionError::Api(a) => api(a),
        SessionError::Revoked => revoked(),
        SessionError::Ports(p) => Problem::new("Sign-in listener unavailable", p.to_string(), Action::Retry),
        SessionError::Token(TokenError::Rejected { error, description }) => Problem::new(
            "Dropbox refused the sign-in",
            format!("Dropbox said: {error} {description}. Connect again to start over."),
            Action::Reconnect,
        ),
        SessionError::Token(TokenError::Unavailable(_)) => Problem::new(
            "Dropbox could not be reached",
            "The sign-in server could not be reached or failed. Check your connection and retry; your sign-in is kept.",
            Action::Retry,
        )
        .transient(),
        SessionError::AuthFailed { error, description } => Problem::new(
            "Dropbox could not connect Dropdesk",
            format!(
                "Dropbox reported '{error}' {description}. If you set your own app key, check its redirect URIs and \
                 permissions in the App Console."
            ),
            Action::Reconnect,
        ),
        SessionError::NotConnected => Problem::new(
            "Not connected",
            "Connect Dropbox first.",
            Action::Reconnect,
        ),
        SessionError::NotWaiting => Problem::new(
            "No sign-in in progress",
            "Use Connect Dropbox to start one.",
            Action::Dismiss,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keychain_messages_say_how_to_fix() {
        let p = keychain(&VaultError::Unavailable("ServiceUnknown".into()));
        assert!(p.message.contains("gnome-keyring-daemon"));
        assert_eq!(p.action, Action::Retry);
        assert!(keychain(&VaultError::Locked("x".into()))
            .message
            .contains("Unlock"));
        assert_eq!(keychain(&VaultError::Corrupt).action, Action::Reconnect);
    }

    #[test]
    fn revoked_offers_reconnect_and_offline_offers_retry() {
        assert_eq!(session(&SessionError::Revoked).action, Action::Reconnect);
        let offline = session(&SessionError::Api(ApiError::Network("x".into())));
        assert_eq!(offline.action, Action::Retry);
        assert!(offline.message.contains("kept"));
        assert!(offline.transient);
        assert!(!session(&SessionError::Revoked).transient);
    }
}
