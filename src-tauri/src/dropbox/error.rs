//! What can go wrong in a Dropbox API call, decoded by serde from the status and body
//! exactly as Dropbox sends them: 400 plain text, 401 with an `AuthError` tag, 409 with a
//! route error (`path/not_found`, `reset`, …) and its `error_summary`, 429 with
//! `Retry-After`, 5xx. Carries no token and no free text from the body: the UI and the log
//! see the status, the route and Dropbox's error tags only.

use std::time::Duration;

use serde::Deserialize;

/// The `.tag` of a 401's `error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum AuthError {
    /// Refresh and retry once.
    ExpiredAccessToken,
    /// Revoked or unknown; a refresh tells the two apart.
    InvalidAccessToken,
    /// The app lacks a permission this call needs.
    MissingScope,
    UserSuspended,
    #[serde(other)]
    Other,
}

/// A 409's `error` for the routes Dropdesk calls: the listing's (`path`, `reset`), and
/// the uploads' (`path` with a write failure, an upload session's lookup errors, flat from
/// `append_v2` or under `lookup_failed` from `finish`), a move's (`from_lookup`, `to`), a
/// delete's and a restore's (`path_lookup`, `path_write`, `invalid_revision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum RouteError {
    /// `files/upload` calls the field `reason`, the other routes `path`.
    Path {
        #[serde(alias = "reason")]
        path: PathError,
    },
    /// The cursor is no longer valid: list again from scratch.
    Reset,
    /// A move's source could not be found (`from_lookup/not_found`: moved or deleted
    /// meanwhile).
    FromLookup {
        from_lookup: PathError,
    },
    /// A move's destination cannot be written (`to/conflict`: the name is taken).
    To {
        to: PathError,
    },
    /// What a delete or restore was to act on could not be found.
    PathLookup {
        path_lookup: PathError,
    },
    /// Where a restore was to write is taken by a folder, say.
    PathWrite {
        path_write: PathError,
    },
    /// A restore named a revision the file never had.
    InvalidRevision,
    /// A folder cannot go into itself or a folder below it.
    CantMoveFolderIntoItself,
    /// A copy would not fit in the space left.
    InsufficientQuota,
    LookupFailed {
        lookup_failed: UploadSessionError,
    },
    /// `append_v2`'s lookup errors come flat.
    IncorrectOffset {
        correct_offset: u64,
    },
    Closed,
    NotFound,
    NotClosed,
    TooLarge,
    /// The request carried more than 150 MiB.
    PayloadTooLarge,
    /// The bytes Dropbox received do not match the request's `content_hash`.
    ContentHashMismatch,
    #[serde(other)]
    Other,
}

/// What is wrong at a path: it cannot be found (lookups), or cannot be written there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum PathError {
    NotFound,
    NotFolder,
    /// Something is in the way: a `file`, a `folder`, or a file where a parent folder
    /// should be.
    Conflict {
        conflict: Conflict,
    },
    InsufficientSpace,
    DisallowedName,
    MalformedPath,
    NoWritePermission,
    #[serde(other)]
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum Conflict {
    File,
    Folder,
    FileAncestor,
    #[serde(other)]
    Other,
}

/// Why an upload session could not take bytes or be finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum UploadSessionError {
    /// Dropbox has `correct_offset` bytes of this session: go on from there.
    IncorrectOffset {
        correct_offset: u64,
    },
    NotFound,
    Closed,
    NotClosed,
    TooLarge,
    #[serde(other)]
    Other,
}

impl RouteError {
    /// The folder asked for does not exist (any more), or is not a folder.
    pub fn is_missing_folder(&self) -> bool {
        matches!(
            self,
            RouteError::Path {
                path: PathError::NotFound | PathError::NotFolder
            }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 401.
    #[error("Dropbox refused the access token ({0:?})")]
    Unauthorized(AuthError),
    /// 409: an endpoint-specific error; `summary` is Dropbox's stable tag path, for the log.
    #[error("Dropbox could not do {route}: {summary}")]
    Route {
        route: String,
        error: RouteError,
        summary: String,
    },
    /// 429: wait this long.
    #[error("Dropbox asked to slow down for {} s", retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    /// 5xx.
    #[error("Dropbox had a server error ({status})")]
    Server { status: u16 },
    /// 400 and other statuses: a bug on our side or an app misconfiguration.
    #[error("Dropbox refused the request to {route} ({status})")]
    BadRequest { route: String, status: u16 },
    /// No answer: offline, DNS, connection refused or dropped, timeout.
    #[error("Dropbox could not be reached ({0})")]
    Network(&'static str),
    /// An answer that does not have the documented shape.
    #[error("Dropbox sent an answer Dropdesk does not understand ({0})")]
    Decode(String),
    /// The server's certificate does not chain to a root Dropdesk trusts: an intercepting
    /// proxy, a captive portal or a wrong clock. Never gone around.
    #[error("Dropbox's identity could not be verified")]
    Untrusted,
}

impl ApiError {
    /// Worth retrying later without the user doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::RateLimited { .. } | ApiError::Server { .. } | ApiError::Network(_)
        )
    }

    /// The route error, when Dropbox sent one.
    pub fn route_error(&self) -> Option<RouteError> {
        match self {
            ApiError::Route { error, .. } => Some(*error),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Body<E> {
    error: E,
    #[serde(default)]
    error_summary: String,
}

#[derive(Deserialize)]
struct RateLimit {
    #[serde(default)]
    retry_after: Option<u64>,
}

/// Build the error for a non-2xx answer to `route`.
pub fn from_response(
    route: &str,
    status: u16,
    retry_after_header: Option<&str>,
    body: &str,
) -> ApiError {
    match status {
        401 => ApiError::Unauthorized(
            serde_json::from_str::<Body<AuthError>>(body).map_or(AuthError::Other, |b| b.error),
        ),
        409 => {
            let (error, summary) = match serde_json::from_str::<Body<RouteError>>(body) {
                Ok(b) => (b.error, b.error_summary),
                Err(_) => (
                    RouteError::Other,
                    serde_json::from_str::<Body<serde::de::IgnoredAny>>(body)
                        .map(|b| b.error_summary)
                        .unwrap_or_default(),
                ),
            };
            let summary = summary.trim_end_matches(['.', '/']);
            ApiError::Route {
                route: route.to_string(),
                error,
                summary: if summary.is_empty() {
                    "unknown".into()
                } else {
                    summary.into()
                },
            }
        }
        429 => {
            let from_body = serde_json::from_str::<Body<RateLimit>>(body)
                .ok()
                .and_then(|b| b.error.retry_after);
            let from_header = retry_after_header.and_then(|h| h.trim().parse::<u64>().ok());
            let secs = from_body.or(from_header).unwrap_or(5).clamp(1, 3600);
            ApiError::RateLimited {
                retry_after: Duration::from_secs(secs),
            }
        }
        500..=599 => ApiError::Server { status },
        _ => ApiError::BadRequest {
            route: route.to_string(),
            status,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str = "files/list_folder";

    #[test]
    fn a_401_keeps_its_auth_tag() {
        let expired = r#"{"error_summary": "expired_access_token/..", "error": {".tag": "expired_access_token"}}"#;
        assert_eq!(
            from_response(ROUTE, 401, None, expired),
            ApiError::Unauthorized(AuthError::ExpiredAccessToken)
        );
        let invalid =
            r#"{"error":{".tag":"invalid_access_token"},"error_summary":"invalid_access_token/"}"#;
        assert_eq!(
            from_response(ROUTE, 401, None, invalid),
            ApiError::Unauthorized(AuthError::InvalidAccessToken)
        );
        let scope = r#"{"error":{".tag":"missing_scope","required_scope":"files.content.read"},"error_summary":"missing_scope/"}"#;
        assert_eq!(
            from_response(ROUTE, 401, None, scope),
            ApiError::Unauthorized(AuthError::MissingScope)
        );
        assert_eq!(
            from_response(ROUTE, 401, None, "not json"),
            ApiError::Unauthorized(AuthError::Other)
        );
    }

    #[test]
    fn a_moves_refusals_are_decoded_as_dropbox_nests_them() {
        let gone = r#"{"error_summary": "from_lookup/not_found/.", "error": {".tag": "from_lookup", "from_lookup": {".tag": "not_found"}}}"#;
        assert_eq!(
            from_response("files/move_v2", 409, None, gone).route_error(),
            Some(RouteError::FromLookup {
                from_lookup: PathError::NotFound
            })
        );
        let taken = r#"{"error_summary": "to/conflict/folder/", "error": {".tag": "to", "to": {".tag": "conflict", "conflict": {".tag": "folder"}}}}"#;
        assert_eq!(
            from_response("files/move_v2", 409, None, taken).route_error(),
            Some(RouteError::To {
                to: PathError::Conflict {
                    conflict: Conflict::Folder
                }
            })
        );
    }

    #[test]
    fn a_409_is_decoded_into_its_route_error() {
        let not_found = r#"{"error_summary": "path/not_found/..", "error": {".tag": "path", "path": {".tag": "not_found"}}}"#;
        let e = from_response(ROUTE, 409, None, not_found);
        assert_eq!(
            e.route_error(),
            Some(RouteError::Path {
                path: PathError::NotFound
            })
        );
        assert!(e.route_error().unwrap().is_missing_folder());
        assert!(e.to_string().contains("path/not_found"));
        let reset = r#"{"error_summary": "reset/..", "error": {".tag": "reset"}}"#;
        assert_eq!(
            from_response(ROUTE, 409, None, reset).route_error(),
            Some(RouteError::Reset)
        );
        let odd = r#"{"error_summary": "path/restricted_content/.", "error": {".tag": "path", "path": {".tag": "restricted_content"}}}"#;
        let e = from_response(ROUTE, 409, None, odd);
        assert_eq!(
            e.route_error(),
            Some(RouteError::Path {
                path: PathError::Other
            })
        );
        assert!(!e.route_error().unwrap().is_missing_folder());
        assert_eq!(
            from_response(ROUTE, 409, None, "{}").route_error(),
            Some(RouteError::Other)
        );
    }

    #[test]
    fn a_429_waits_as_long_as_dropbox_asks() {
        assert_eq!(
            from_response(ROUTE, 429, Some("7"), "too many"),
            ApiError::RateLimited {
                retry_after: Duration::from_secs(7)
            }
        );
        let body = r#"{"error_summary": "too_many_requests/..", "error": {"reason": {".tag": "too_many_requests"}, "retry_after": 300}}"#;
        assert_eq!(
            from_response(ROUTE, 429, Some("7"), body),
            ApiError::RateLimited {
                retry_after: Duration::from_secs(300)
            }
        );
    }

    #[test]
    fn other_statuses_keep_no_body_text() {
        assert_eq!(
            from_response(ROUTE, 503, None, ""),
            ApiError::Server { status: 503 }
        );
        let e = from_response(ROUTE, 400, None, "Error in call: secret details");
        assert_eq!(
            e,
            ApiError::BadRequest {
                route: ROUTE.into(),
                status: 400
            }
        );
        assert!(!e.to_string().contains("secret details"));
        assert!(ApiError::Network("timed out").is_transient());
        assert!(!ApiError::Unauthorized(AuthError::ExpiredAccessToken).is_transient());
    }
}
