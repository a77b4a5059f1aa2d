//! The routes that put files in: `files/upload` (one request, for a file that fits in one
//! chunk) and an upload session for anything larger (`upload_session/start`, `append_v2`
//! and `finish` on the content host), plus `upload_session/finish_batch_v2` on the API host,
//! which commits up to 1,000 closed sessions at once, and `create_folder_v2` for a folder
//! that holds no file. Every request carries the content
//! hash of its own bytes, so Dropbox refuses bytes damaged on the way
//! (`content_hash_mismatch`) instead of storing them. This is only the wire: reading
//! files, chunking and resuming belong to the caller.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    answer, header_json, network, ApiError, Client, FileMetadata, HashedBytes, RouteError,
};
use crate::secret::AccessToken;

/// `create_folder_v2`'s answer.
#[derive(Deserialize)]
struct FolderMade {
    metadata: super::FolderMetadata,
}

/// The most `finish_batch_v2` takes at once.
pub const MAX_BATCH: usize = 1000;

/// What a commit does when the name is taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// Never replace: a different file there is a conflict.
    Add,
    /// Replace whatever file is there.
    Overwrite,
    /// Replace only this revision: if the file changed at Dropbox meanwhile, a conflict.
    Update(String),
}

/// Where and how a file is committed (Dropbox's `CommitInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    pub path: String,
    pub mode: WriteMode,
    /// On a conflict, write beside it under a free name instead ("name (1).ext").
    pub autorename: bool,
    /// The file's modification time on this computer, `%Y-%m-%dT%H:%M:%SZ`.
    pub client_modified: Option<String>,
}

impl Commit {
    fn to_json(&self) -> Value {
        let mode = match &self.mode {
            WriteMode::Add => json!("add"),
            WriteMode::Overwrite => json!("overwrite"),
            WriteMode::Update(rev) => json!({".tag": "update", "update": rev}),
        };
        let mut v = json!({"path": self.path, "mode": mode, "autorename": self.autorename});
        if let Some(when) = &self.client_modified {
            v["client_modified"] = json!(when);
        }
        v
    }
}

/// A closed session to commit in a batch: its id, its length, where it goes.
#[derive(Clone, Debug)]
pub struct Finish {
    pub session_id: String,
    pub size: u64,
    pub commit: Commit,
}

/// One entry of a batch's answer: the file, or why it was not committed.
pub type Committed = Result<FileMetadata, RouteError>;

#[derive(Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
enum BatchEntry {
    Success(FileMetadata),
    Failure { failure: RouteError },
}

impl BatchEntry {
    fn committed(self) -> Committed {
        match self {
            BatchEntry::Success(meta) => Ok(meta),
            BatchEntry::Failure { failure } => Err(failure),
        }
    }
}

#[derive(Deserialize)]
struct BatchResult {
    entries: Vec<BatchEntry>,
}

#[derive(Deserialize)]
struct Started {
    session_id: String,
}

/// A time as Dropbox takes it: UTC, `%Y-%m-%dT%H:%M:%SZ`, whole seconds.
pub fn timestamp(t: std::time::SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Long enough for a chunk over a slow uplink: a minute, plus a second per 64 KiB.
fn time_for(len: usize) -> Duration {
    Duration::from_secs(60 + len as u64 / 65_536)
}

impl Client {
    /// POST `bytes` to an upload-style route with its argument in `Dropbox-API-Arg`.
    async fn send_bytes<T: serde::de::DeserializeOwned>(
        &self,
        token: &AccessToken,
        route: &str,
        mut arg: Value,
        bytes: HashedBytes,
    ) -> Result<T, ApiError> {
        arg["content_hash"] = json!(bytes.content_hash());
        let bytes = bytes.bytes().clone();
        let url = self
            .content
            .join(&format!("2/{route}"))
            .expect("route paths are valid");
        let response = self
            .http
            .post(url)
            .timeout(time_for(bytes.len()))
            .bearer_auth(token.expose())
            .header("Dropbox-API-Arg", header_json(&arg))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .map_err(network)?;
        answer(route, response).await
    }

    /// Commit a small file in one request.
    pub async fn upload(
        &self,
        token: &AccessToken,
        commit: &Commit,
        bytes: impl Into<HashedBytes>,
    ) -> Result<FileMetadata, ApiError> {
        self.send_bytes(token, "files/upload", commit.to_json(), bytes.into())
            .await
    }

    /// Open a session with its first bytes (maybe none); `close` when they are all.
    /// Returns the session's id.
    pub async fn upload_session_start(
        &self,
        token: &AccessToken,
        bytes: impl Into<HashedBytes>,
        close: bool,
    ) -> Result<String, ApiError> {
        let started: Started = self
            .send_bytes(
                token,
                "files/upload_session/start",
                json!({ "close": close }),
                bytes.into(),
            )
            .await?;
        Ok(started.session_id)
    }

    /// Add bytes to a session at `offset` (what Dropbox has so far). A wrong offset is
    /// `incorrect_offset` with the one Dropbox has.
    pub async fn upload_session_append(
        &self,
        token: &AccessToken,
        session_id: &str,
        offset: u64,
        bytes: impl Into<HashedBytes>,
        close: bool,
    ) -> Result<(), ApiError> {
        let arg = json!({"cursor": {"session_id": session_id, "offset": offset}, "close": close});
        let _: Value = self
            .send_bytes(token, "files/upload_session/append_v2", arg, bytes.into())
            .await?;
        Ok(())
    }

    /// Add the last bytes (maybe none) at `offset` and commit the session's file.
    pub async fn upload_session_finish(
        &self,
        token: &AccessToken,
        session_id: &str,
        offset: u64,
        bytes: impl Into<HashedBytes>,
        commit: &Commit,
    ) -> Result<FileMetadata, ApiError> {
        let arg = json!({
            "cursor": {"session_id": session_id, "offset": offset},
            "commit": commit.to_json(),
        });
        self.send_bytes(token, "files/upload_session/finish", arg, bytes.into())
            .await
    }

    /// Make a folder (and any parents missing); a name taken is a `path/conflict`.
    pub async fn create_folder(
        &self,
        token: &AccessToken,
        path: &str,
    ) -> Result<super::FolderMetadata, ApiError> {
        let made: FolderMade = self
            .rpc(
                token,
                "files/create_folder_v2",
                Some(json!({"path": path, "autorename": false})),
            )
            .await?;
        Ok(made.metadata)
    }

    /// Commit up to [`MAX_BATCH`] closed sessions in one request; each entry succeeds or
    /// fails on its own, in the order given.
    pub async fn upload_session_finish_batch(
        &self,
        token: &AccessToken,
        entries: &[Finish],
    ) -> Result<Vec<Committed>, ApiError> {
        const ROUTE: &str = "files/upload_session/finish_batch_v2";
        let entries: Vec<Value> = entries
            .iter()
            .map(|f| {
                json!({
                    "cursor": {"session_id": f.session_id, "offset": f.size},
                    "commit": f.commit.to_json(),
                })
            })
            .collect();
        let response = self
            .http
            .post(self.url(ROUTE))
            .timeout(Duration::from_secs(300))
            .bearer_auth(token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json!({ "entries": entries }).to_string())
            .send()
            .await
            .map_err(network)?;
        let result: BatchResult = answer(ROUTE, response).await?;
        Ok(result
            .entries
            .into_iter()
            .map(BatchEntry::committed)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_is_sent_as_dropbox_reads_it() {
        let mut commit = Commit {
            path: "/Notes/a.txt".into(),
            mode: WriteMode::Update("015f".into()),
            autorename: false,
            client_modified: Some("2026-12-05T10:00:00Z".into()),
        };
        assert_eq!(
            commit.to_json(),
            json!({"path": "/Notes/a.txt", "mode": {".tag": "update", "update": "015f"},
                   "autorename": false, "client_modified": "2026-12-05T10:00:00Z"})
        );
        commit.mode = WriteMode::Add;
        commit.client_modified = None;
        assert_eq!(commit.to_json()["mode"], "add");
        assert!(commit.to_json().get("client_modified").is_none());
    }

    #[test]
    fn times_are_whole_utc_seconds() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_764_930_061_999);
        assert_eq!(timestamp(t), "2025-12-05T10:21:01Z");
    }

    #[test]
    fn a_batch_answer_keeps_each_entry_in_order() {
        let body = r#"{"entries": [
            {".tag": "success", "name": "a.txt", "id": "id:a", "server_modified": "2026-12-05T10:00:00Z", "size": 1, "rev": "01"},
            {".tag": "failure", "failure": {".tag": "lookup_failed", "lookup_failed": {".tag": "not_closed"}}},
            {".tag": "failure", "failure": {".tag": "path", "path": {".tag": "conflict", "conflict": {".tag": "file"}}}}
        ]}"#;
        let parsed: BatchResult = serde_json::from_str(body).unwrap();
        let out: Vec<Committed> = parsed
            .entries
            .into_iter()
            .map(BatchEntry::committed)
            .collect();
        assert_eq!(out[0].as_ref().unwrap().name, "a.txt");
        assert_eq!(
            out[1].as_ref().unwrap_err(),
            &RouteError::LookupFailed {
                lookup_failed: crate::dropbox::UploadSessionError::NotClosed
            }
        );
        assert_eq!(
            out[2].as_ref().unwrap_err(),
            &RouteError::Path {
                path: crate::dropbox::PathError::Conflict {
                    conflict: crate::dropbox::Conflict::File
                }
            }
        );
    }
}
