//! The write routes that keep the app folder in order: `files/move_v2`, which also renames
//! (a move within the folder, or one that changes only the case of a name). Never
//! autorenamed: a name taken at Dropbox is a `to/conflict` for the caller to report.

use serde::Deserialize;
use serde_json::json;

use super::{ApiError, Client, Metadata};
use crate::secret::AccessToken;

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
}
