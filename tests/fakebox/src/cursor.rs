//! Listing cursors: opaque to clients, tamper-evident, and self-contained (no server
//! memory per cursor). A cursor is either mid-listing (resume after a key) or finished
//! (report changes after a sequence number). Bumping the tree's epoch invalidates them all.

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The listed folder's lower-case key (`""` is the root).
    pub folder: String,
    pub recursive: bool,
    pub limit: usize,
    /// Mid-listing: the last key handed out. `None` once the listing finished.
    pub after: Option<String>,
    /// Changes after this sequence number are reported once the listing finished.
    pub since: u64,
    pub epoch: u64,
    /// Whose app folder (an index into the accounts).
    #[serde(default)]
    pub account: usize,
    /// `include_deleted`: the listing's last page also names what was deleted in it.
    #[serde(default)]
    pub deleted: bool,
}

fn tag(key: &[u8; 32], payload: &[u8]) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(key);
    h.update(payload);
    let digest = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// Seal any state into an opaque cursor that only this server can open.
pub fn seal<T: serde::Serialize>(key: &[u8; 32], state: &T) -> String {
    let payload = serde_json::to_vec(state).expect("cursor serializes");
    let mut raw = tag(key, &payload).to_vec();
    raw.extend_from_slice(&payload);
    format!("AA{}", B64.encode(raw))
}

/// `None` for anything this server did not hand out.
pub fn open<T: serde::de::DeserializeOwned>(key: &[u8; 32], text: &str) -> Option<T> {
    let raw = B64.decode(text.strip_prefix("AA")?).ok()?;
    if raw.len() < 16 {
        return None;
    }
    let (mac, payload) = raw.split_at(16);
    if mac != tag(key, payload) {
        return None;
    }
    serde_json::from_slice(payload).ok()
}

impl Cursor {
    pub fn encode(&self, key: &[u8; 32]) -> String {
        seal(key, self)
    }

    /// `None` for anything this server did not hand out.
    pub fn decode(text: &str, key: &[u8; 32]) -> Option<Cursor> {
        open(key, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let key = [7u8; 32];
        let c = Cursor {
            folder: "/a".into(),
            recursive: false,
            limit: 10,
            after: Some("/a/b".into()),
            since: 3,
            epoch: 1,
            account: 1,
            deleted: false,
        };
        let text = c.encode(&key);
        assert_eq!(Cursor::decode(&text, &key), Some(c));
        assert_eq!(Cursor::decode(&text, &[8u8; 32]), None);
        let mut bad = text.clone();
        bad.pop();
        bad.push('x');
        assert_eq!(Cursor::decode(&bad, &key), None);
        assert_eq!(Cursor::decode("garbage", &key), None);
        assert_eq!(Cursor::decode("", &key), None);
    }
}
