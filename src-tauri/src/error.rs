//! The core's one error type: what a session call can fail with, typed all the way down
//! (keychain, Dropbox API, token endpoint, listener ports). No sentences here: `messages`
//! words each variant for the window, and its match is exhaustive. `is_transient` is the
//! one answer to "may this clear by itself?", used by the retry policy and the window.

use crate::auth::{PortsBusy, TokenError};
use crate::dropbox::ApiError;
use crate::vault::VaultError;

/// What can go wrong with a file on this machine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    /// The cache folder could not be written (disk full, no permission, …).
    #[error("the file could not be written in {folder}: {kind:?}")]
    Disk {
        folder: String,
        kind: std::io::ErrorKind,
    },
    /// What arrived does not match Dropbox's content hash; nothing was kept.
    #[error("the download does not match Dropbox's content hash")]
    Corrupt,
    /// A name that cannot be a file name here.
    #[error("the file's name cannot be used on this computer")]
    NameNotAllowed,
    /// The file is no longer in the folder shown (it changed or vanished meanwhile).
    #[error("the file is no longer there")]
    Gone,
    /// No program could be started to open the file.
    #[error("no program opened the file")]
    NoOpener,
    /// Dropbox has a newer revision than the one being downloaded.
    #[error("the file changed at Dropbox meanwhile")]
    Changed,
    /// The person cancelled the transfer.
    #[error("the transfer was cancelled")]
    Cancelled,
    /// A file the desktop's default program may run rather than show: the person is asked
    /// first, as browsers do.
    #[error("the file is a program")]
    IsProgram,
    /// A file to upload could not be read.
    #[error("the file {file} could not be read: {kind:?}")]
    Unreadable {
        file: String,
        kind: std::io::ErrorKind,
    },
    /// A file changed on this computer (its size or modification time moved) while it was
    /// being uploaded: nothing half old, half new is committed.
    #[error("the file {file} changed while it was being uploaded")]
    ChangedWhileUploading { file: String },
    /// A link: not followed out of what the person chose.
    #[error("not a file")]
    NotAFile,
    /// A folder went up, but not all of its files: how many did not, and the first of
    /// them with why.
    #[error("{refused} files were not uploaded")]
    NotAllUploaded {
        refused: u64,
        first: String,
        why: Box<SessionError>,
    },
    /// What Dropbox committed does not match the content hash of the file read here.
    #[error("the uploaded file does not match the file read here")]
    UploadDamaged,
    /// Dropbox is too full for an upload: how many more bytes it needs room for, and how
    /// many are free now.
    #[error("Dropbox needs room for {needed} more bytes")]
    NoRoom { needed: u64, free: u64 },
    /// A new name Dropbox would refuse, found before asking it.
    #[error("Dropbox would refuse this name ({0:?})")]
    NameRefused(crate::files::names::NameProblem),
    /// A new name that another entry of the folder has, whatever its case.
    #[error("the name is taken in this folder")]
    NameTaken { name: String },
    /// A folder cannot be moved or copied into itself, or into a folder below it.
    #[error("a folder cannot go into itself")]
    IntoItself,
}

impl FileProblem {
    /// Writing into `dest` failed.
    pub fn disk(dest: &std::path::Path, e: &std::io::Error) -> Self {
        FileProblem::Disk {
            folder: dest
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            kind: e.kind(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    File(#[from] FileProblem),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Ports(#[from] PortsBusy),
    /// Dropbox revoked the grant (the app was removed on dropbox.com, say).
    #[error("the grant was revoked")]
    Revoked,
    /// Dropbox's authorize page redirected back with an error other than a denial.
    #[error("Dropbox reported {error} on the authorize page")]
    AuthFailed { error: String, description: String },
    /// Dropbox refused a pasted code (mistyped, already used, expired, or for another
    /// sign-in); the sign-in goes on.
    #[error("the pasted code was refused")]
    CodeRefused,
    /// The loopback listener stopped serving before the browser came back.
    #[error("the sign-in listener stopped")]
    ListenerFailed,
    #[error("not connected")]
    NotConnected,
    #[error("no sign-in is in progress")]
    NotWaiting,
}

impl SessionError {
    /// It may clear by itself (offline, server trouble, rate limit): worth retrying later
    /// without the user doing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            SessionError::Api(e) => e.is_transient(),
            SessionError::Token(e) => e.is_transient(),
            SessionError::Vault(_)
            | SessionError::File(_)
            | SessionError::Ports(_)
            | SessionError::Revoked
            | SessionError::AuthFailed { .. }
            | SessionError::CodeRefused
            | SessionError::ListenerFailed
            | SessionError::NotConnected
            | SessionError::NotWaiting => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn only_network_server_and_rate_limits_are_transient() {
        for e in [
            SessionError::Api(ApiError::Network("timed out")),
            SessionError::Api(ApiError::Server { status: 503 }),
            SessionError::Api(ApiError::RateLimited {
                retry_after: Duration::from_secs(1),
            }),
            SessionError::Token(TokenError::Unavailable("no answer")),
        ] {
            assert!(e.is_transient(), "{e:?}");
        }
        for e in [
            SessionError::Revoked,
            SessionError::NotConnected,
            SessionError::Vault(VaultError::Timeout),
            SessionError::Api(ApiError::Decode("x".into())),
        ] {
            assert!(!e.is_transient(), "{e:?}");
        }
    }
}
