//! The write routes that keep the app folder in order: `files/move_v2`, which also renames
//! (a move within the folder, or one that changes only the case of a name), never
//! autorenamed (a name taken at Dropbox is a `to/conflict` for the caller to report);
//! `files/move_batch_v2` and `copy_batch_v2` with their `check_v2`, `files/delete_batch`
//! with its `check`; a file's revisions (`files/list_revisions`) and
//! `files/restore`, which makes one current again (and brings a deleted file back).

use serde::Deserialize;
use serde_json::json;

use super::{ApiError, Client, FileMetadata, ListFolderResult, Metadata, RouteError};
use crate::secret::AccessToken;

/// The most entries Dropbox takes in one batch.
pub const MAX_BATCH_ENTRIES: usize = 1000;

/// A batch's launch, and its check's answer: a job to poll, still running, or done with
/// each entry's outcome (`T`) in the order asked.
#[derive(Debug, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum BatchJob<T> {
    AsyncJobId {
        async_job_id: String,
    },
    InProgress,
    Complete {
        entries: Vec<T>,
    },
    /// The whole batch failed (`too_many_write_operations`, say): nothing was done.
    #[serde(other)]
    Failed,
}

/// `delete_batch`'s job.
pub type DeleteJob = BatchJob<DeleteOutcome>;
/// `move_batch_v2`'s and `copy_batch_v2`'s job.
pub type RelocationJob = BatchJob<RelocationOutcome>;

/// One entry of a finished move or copy batch.
#[derive(Debug, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum RelocationOutcome {
    /// Where it is now.
    Success {
        success: Metadata,
    },
    Failure {
        failure: RelocationFailure,
    },
}

/// Why one entry of a move or copy batch failed.
#[derive(Debug, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum RelocationFailure {
    RelocationError {
        relocation_error: RouteError,
    },
    #[serde(other)]
    Other,
}

/// One entry of a finished `delete_batch`.
#[derive(Debug, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum DeleteOutcome {
    /// What was there before the delete.
    Success {
        metadata: Metadata,
    },
    Failure {
        failure: RouteError,
    },
}

/// `list_revisions`'s answer: a file's revisions, newest first.
#[derive(Debug, Deserialize)]
pub struct Revisions {
    pub is_deleted: bool,
    /// When the file was deleted, when it is.
    #[serde(default)]
    pub server_deleted: Option<String>,
    pub entries: Vec<FileMetadata>,
}

/// `move_v2`'s answer.
#[derive(Deserialize)]
struct Relocated {
    metadata: Metadata,
}

impl Client {
    /// Move (or rename) the entry at `from` to `to`; what is at `to` now. Something already
    /// at `to` is a `to/conflict`, `from` gone a `from_lookup/not_found`.
    pub async fn move_entry(
        &self,
        token: &AccessToken,
        from: &str,
        to: &str,
    ) -> Result<Metadata, ApiError> {
        let moved: Relocated = self
            .rpc(
                token,
                "files/move_v2",
                Some(json!({"from_path": from, "to_path": to, "autorename": false})),
            )
            .await?;
        Ok(moved.metadata)
    }

    /// Delete the entries at `paths` (at most [`MAX_BATCH_ENTRIES`]) as one job.
    pub async fn delete_batch(
        &self,
        token: &AccessToken,
        paths: &[String],
    ) -> Result<DeleteJob, ApiError> {
        let entries: Vec<_> = paths.iter().map(|p| json!({ "path": p })).collect();
        self.rpc(
            token,
            "files/delete_batch",
            Some(json!({ "entries": entries })),
        )
        .await
    }

    /// How the `delete_batch` job `id` stands.
    pub async fn delete_batch_check(
        &self,
        token: &AccessToken,
        id: &str,
    ) -> Result<DeleteJob, ApiError> {
        self.rpc(
            token,
            "files/delete_batch/check",
            Some(json!({ "async_job_id": id })),
        )
        .await
    }

    /// The first page of everything below the folder `path`, at any depth.
    pub async fn list_folder_recursive(
        &self,
        token: &AccessToken,
        path: &str,
    ) -> Result<ListFolderResult, ApiError> {
        self.rpc(
            token,
            "files/list_folder",
            Some(json!({"path": path, "recursive": true, "limit": 2000,
                        "include_non_downloadable_files": true})),
        )
        .await
    }

    /// The first page of the folder `path` with what was deleted in it (`include_deleted`),
    /// and in its subfolders when `recursive`.
    pub async fn list_folder_with_deleted(
        &self,
        token: &AccessToken,
        path: &str,
        recursive: bool,
    ) -> Result<ListFolderResult, ApiError> {
        self.rpc(
            token,
            "files/list_folder",
            Some(json!({"path": path, "recursive": recursive, "limit": 2000,
                        "include_deleted": true})),
        )
        .await
    }

    /// The file at `path`'s revisions, newest first, at most `limit` (1..100).
    pub async fn list_revisions(
        &self,
        token: &AccessToken,
        path: &str,
        limit: u32,
    ) -> Result<Revisions, ApiError> {
        self.rpc(
            token,
            "files/list_revisions",
            Some(json!({"path": path, "mode": "path", "limit": limit})),
        )
        .await
    }

    /// Make the revision `rev` the file at `path` again (a deleted file comes back).
    pub async fn restore(
        &self,
        token: &AccessToken,
        path: &str,
        rev: &str,
    ) -> Result<FileMetadata, ApiError> {
        self.rpc(
            token,
            "files/restore",
            Some(json!({"path": path, "rev": rev})),
        )
        .await
    }

    /// Move (or, with `copy`, copy) each `(from, to)` (at most [`MAX_BATCH_ENTRIES`]) as
    /// one job, never autorenamed.
    pub async fn relocate_batch(
        &self,
        token: &AccessToken,
        pairs: &[(String, String)],
        copy: bool,
    ) -> Result<RelocationJob, ApiError> {
        let entries: Vec<_> = pairs
            .iter()
            .map(|(from, to)| json!({"from_path": from, "to_path": to}))
            .collect();
        let route = if copy {
            "files/copy_batch_v2"
        } else {
            "files/move_batch_v2"
        };
        self.rpc(
            token,
            route,
            Some(json!({"entries": entries, "autorename": false})),
        )
        .await
    }

    /// How a move (or, with `copy`, copy) batch stands.
    pub async fn relocate_batch_check(
        &self,
        token: &AccessToken,
        id: &str,
        copy: bool,
    ) -> Result<RelocationJob, ApiError> {
        let route = if copy {
            "files/copy_batch/check_v2"
        } else {
            "files/move_batch/check_v2"
        };
        self.rpc(token, route, Some(json!({ "async_job_id": id })))
            .await
    }
}
