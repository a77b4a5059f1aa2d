//! What can go wrong in a Dropbox API call, decoded from the status and body exactly as
//! Dropbox sends them (§6.3): 400 plain text, 401 `AuthError`, 409 route errors with
//! `error_summary`, 429 with `Retry-After`, 5xx. Never carries a token.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 401 `expired_access_token`: refresh and retry once.
    #[error("the access token has expired")]
    Expired,
    /// 401 `invalid_access_token` (revoked or unknown) or another auth failure.
    #[error("Dropbox no longer accepts this app's access ({0})")]
    Unauthorized(String),
    /// 409: an endpoint-specific error; `summary` is the stable tag path (dots removed).
    #[error("Dropbox could not do that: {summary}")]
    Route { summary: String },
    /// 429: wait this long.
    #[error("Dropbox asked to slow down for {} s", retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    /// 5xx.
    #[error("Dropbox had a server error ({status})")]
    Server { status: u16 },
    /// 400 and other statuses: a bug on our side or an app misconfiguration.
    #[error("Dropbox refused the request ({status}): {message}")]
    BadRequest { status: u16, message: String },
    /// No answer: offline, DNS, connection refused or dropped, timeout.
    #[error("Dropbox could not be reached ({0})")]
    Network(String),
    /// An answer that does not have the documented shape.
    #[error("Dropbox sent an answer Dropdesk does not understand ({0})")]
    Decode(String),
}

impl ApiError {
    /// Worth retrying later without the user doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::RateLimited { .. } | ApiError::Server { .. } | ApiError::Network(_)
        )
    }

    /// The route error's first tags, e.g. `path/not_found`.
    pub fn route_summary(&self) -> Option<&str> {
        match self {
            ApiError::Route { summary } => Some(summary),
            _ => None,
        }
    }
}

/// Build the error for a non-2xx answer.
pub fn from_response(status: u16, retry_after_header: Option<&str>, body: &str) -> ApiError {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let tag = |j: &serde_json::Value| j["error"][".tag"].as_str().map(str::to_string);
    match status {
        401 => match json.as_ref().and_then(tag).as_deref() {
            Some("expired_access_token") => ApiError::Expired,
            Some(other) => ApiError::Unauthorized(other.to_string()),
            None => ApiError::Unauthorized("unauthorized".into()),
        },
        409 => {
            let summary = json
                .as_ref()
                .and_then(|j| j["error_summary"].as_str())
                .map(|s| s.trim_end_matches(['.', '/']).to_string())
                .unwrap_or_else(|| "unknown".into());
            ApiError::Route { summary }
        }
        429 => {
            let from_body = json
                .as_ref()
                .and_then(|j| j["error"]["retry_after"].as_u64());
            let from_header = retry_after_header.and_then(|h| h.trim().parse::<u64>().ok());
            let secs = from_body.or(from_header).unwrap_or(5).clamp(1, 3600);
            ApiError::RateLimited {
                retry_after: Duration::from_secs(secs),
            }
        }
        500..=599 => ApiError::Server { status },
        _ => ApiError::BadRequest {
            status,
            message: body.chars().take(300).collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_each_status() {
        assert_eq!(
            from_response(
                401,
                None,
                r#"{"error_summary": "expired_access_token/..", "error": {".tag": "expired_access_token"}}"#
            ),
            ApiError::Expired
        );
        assert_eq!(
            from_response(
                401,
                None,
                r#"{"error":{".tag":"invalid_access_token"},"error_summary":"invalid_access_token/"}"#
            ),
            ApiError::Unauthorized("invalid_access_token".into())
        );
        assert_eq!(
            from_response(409, None, r#"{"error_summary": "path/not_found/..", "error": {".tag": "path", "path": {".tag": "not_found"}}}"#).route_summary(),
            Some("path/not_found")
        );
        assert_eq!(
            from_response(429, Some("7"), "too many"),
            ApiError::RateLimited {
                retry_after: Duration::from_secs(7)
            }
        );
        assert_eq!(
            from_response(
                429,
                Some("7"),
                r#"{"error_summary": "too_many_requests/..", "error": {"reason": {".tag": "too_many_requests"}, "retry_after": 300}}"#
            ),
            ApiError::RateLimited {
                retry_after: Duration::from_secs(300)
            }
        );
        assert_eq!(
            from_response(503, None, ""),
            ApiError::Server { status: 503 }
        );
        assert!(matches!(
            from_response(400, None, "Error in call"),
            ApiError::BadRequest { status: 400, .. }
        ));
        assert!(ApiError::Network("x".into()).is_transient());
        assert!(!ApiError::Expired.is_transient());
    }
}
