//! fakebox with its test control surface: JSON routes under `/__fakebox/` that expire or
//! revoke tokens, inject faults, change files and report what was issued and requested
//! (never a token value). Tests depend on this crate; the app depends on `fakebox` alone,
//! so its demo emulator cannot be steered by another local process however the app is
//! built.
//!
//! - `POST /__fakebox/expire-access-tokens`: all live access tokens now get 401
//!   `expired_access_token`. Answers `{"expired": n}`.
//! - `POST /__fakebox/unlink` (`{"account": n}`: one user only): as if the user removed the
//!   app on dropbox.com; every grant is revoked (access tokens get `invalid_access_token`, refresh gets `invalid_grant`).
//! - `POST /__fakebox/reset-cursors`: every cursor handed out so far gets 409 `reset`.
//! - `POST /__fakebox/faults`: `{"route": "files/list_folder" | "/oauth2/token", "status":
//!   401|429|500|503|…, "auth_tag": "missing_scope"…, "retry_after": s, "delay_ms": ms,
//!   "drop": bool, "drop_after": bytes, "count": n, "after": n}` (or a list): the next
//!   `count` requests to that path (once `after` of them have gone through untouched) get
//!   the status (429 with a `Retry-After` header and a RateLimitError body), are delayed,
//!   have their connection closed before a complete response, or (`drop_after`) their
//!   body cut off after that many bytes. `DELETE` clears them.
//! - `POST /__fakebox/files`: `{"ops": [{"op": "add_file", "path", "content"? | "size"?,
//!   "content_hash"? (reported instead of the true one), "modified_by"?: n (made by that
//!   user, as in a shared folder: named in `sharing_info.modified_by`)},
//!   {"op": "add_image", "path", "width", "height"} (a PNG gradient),
//!   {"op": "add_folder", "path"}, {"op": "delete", "path"}, {"op": "generate", "path",
//!   "count"}], "account"?: n}` (the first user's folder unless said), seen by cursors and
//!   long-polls.
//! - `GET /__fakebox/state`: grants (id, client, scopes, revoked, refresh count), the count
//!   of live access tokens, codes issued and used, and the request log (method, path,
//!   status, and the grant type for token calls); never a token value.
//!   `DELETE /__fakebox/log` empties the log.
//!

mod routes;

pub use routes::{MAX_FILE_SIZE, MAX_GENERATE};

use fakebox::{Config, Fakebox, StartError};

/// A fakebox on the current tokio runtime, serving the control routes beside Dropbox's.
pub async fn start(config: Config) -> Result<Fakebox, StartError> {
    Fakebox::start_with(config, routes::routes()).await
}
