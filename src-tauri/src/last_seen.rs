//! What the window showed last: the names of the account in use (never a token or an
//! id), in a small file beside the log (folder 0700, file 0600), so that a start paints
//! it at once while the keychain and Dropbox answer. Written whenever an account is shown
//! connected, removed whenever none is; the window corrects it as soon as the core knows.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::view::{AccountView, Status};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastSeen {
    pub display_name: String,
    pub email: String,
    pub initials: String,
}

/// The platform's place for the file.
pub fn default_path() -> Option<PathBuf> {
    let base = dirs::state_dir().or_else(dirs::data_local_dir)?;
    Some(base.join("dropdesk").join("last-seen.json"))
}

/// What the file says, if it says anything readable.
pub fn read(path: &Path) -> Option<LastSeen> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Keep the file true to an account now shown (`Some`), or to none (`None`).
pub fn note(path: &Path, account: Option<&AccountView>) {
    let done = match account {
        Some(a) => write(
            path,
            &LastSeen {
                display_name: a.display_name.clone(),
                email: a.email.clone(),
                initials: a.initials.clone(),
            },
        ),
        None => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    };
    if let Err(e) = done {
        log::warn!("could not note the account shown last: {e}");
    }
}

/// Keep the file true to what a status shows: an account, none, or (a problem) as it was.
pub fn note_status(path: &Path, status: &Status) {
    match status {
        Status::Connected { account, .. } => note(path, Some(account)),
        Status::Disconnected { .. } => note(path, None),
        Status::Problem { .. } => {}
    }
}

fn write(path: &Path, seen: &LastSeen) -> std::io::Result<()> {
    crate::files::write_private(
        path,
        &serde_json::to_vec(seen).map_err(std::io::Error::other)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{Profile, Store};

    fn alex() -> AccountView {
        AccountView::offline(
            Profile {
                account_id: "dbid:1".into(),
                display_name: "Alex Morgan".into(),
                email: "alex@example.com".into(),
                initials: "AM".into(),
            },
            Store::Memory,
        )
    }

    #[test]
    fn the_account_shown_is_kept_privately_and_removed_when_none_is() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/dropdesk/last-seen.json");
        assert_eq!(read(&path), None);
        note(&path, Some(&alex()));
        let seen = read(&path).unwrap();
        assert_eq!(seen.display_name, "Alex Morgan");
        assert_eq!(seen.initials, "AM");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("dbid:1"), "no id: {text}");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        note_status(&path, &Status::Disconnected { problem: None });
        assert_eq!(read(&path), None);
        note(&path, None);
    }

    #[test]
    fn a_damaged_file_reads_as_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("last-seen.json");
        std::fs::write(&path, "{not json").unwrap();
        assert_eq!(read(&path), None);
    }
}
