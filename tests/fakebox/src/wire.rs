//! Dropbox's wire conventions: the exact content types, error bodies, timestamps and
//! header-safe JSON that real clients and the official SDKs check.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

pub const JSON: &str = "application/json";
pub const TEXT: &str = "text/plain; charset=utf-8";

/// A JSON success, with `Content-Type: application/json` exactly (the Python SDK asserts it).
pub fn json(status: StatusCode, body: &Value) -> Response {
    respond(status, JSON, body.to_string())
}

pub fn ok(body: &Value) -> Response {
    json(StatusCode::OK, body)
}

pub fn respond(status: StatusCode, content_type: &str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("static content type"),
    );
    response
}

/// 400: a plain-text `Error in call to API function "<route>": <reason>`.
pub fn bad_input(route: &str, reason: &str) -> Response {
    respond(
        StatusCode::BAD_REQUEST,
        TEXT,
        format!("Error in call to API function \"{route}\": {reason}"),
    )
}

/// `error_summary` joins the union tags with `/` and appends a few dots on purpose, so
/// that clients do not parse it.
pub fn error_summary(tags: &[&str]) -> String {
    let dots = ".".repeat(1 + rand::random::<usize>() % 3);
    format!("{}/{}", tags.join("/"), dots)
}

/// 401 with an `AuthError` body.
pub fn auth_error(tag: &str) -> Response {
    json(
        StatusCode::UNAUTHORIZED,
        &serde_json::json!({"error_summary": error_summary(&[tag]), "error": {".tag": tag}}),
    )
}

pub fn missing_scope(scope: &str) -> Response {
    json(
        StatusCode::UNAUTHORIZED,
        &serde_json::json!({
            "error_summary": error_summary(&["missing_scope"]),
            "error": {".tag": "missing_scope", "required_scope": scope},
        }),
    )
}

/// 409 `path/<lookup>`: the canonical LookupError shape nested under `path`.
pub fn path_error(lookup: &str) -> Response {
    json(
        StatusCode::CONFLICT,
        &serde_json::json!({
            "error_summary": error_summary(&["path", lookup]),
            "error": {".tag": "path", "path": {".tag": lookup}},
        }),
    )
}

/// 409 with a Void route-error member such as `reset`.
pub fn route_error(tag: &str) -> Response {
    json(
        StatusCode::CONFLICT,
        &serde_json::json!({"error_summary": error_summary(&[tag]), "error": {".tag": tag}}),
    )
}

/// 429 with both a `Retry-After` header and a JSON `RateLimitError` body; `reason` is
/// `too_many_requests` or `too_many_write_operations`.
pub fn rate_limited(retry_after: u64, reason: &str) -> Response {
    let mut response = json(
        StatusCode::TOO_MANY_REQUESTS,
        &serde_json::json!({
            "error_summary": error_summary(&[reason]),
            "error": {"reason": {".tag": reason}, "retry_after": retry_after},
        }),
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&retry_after.to_string()).expect("digits"),
    );
    response
}

/// OAuth errors at `/oauth2/token`: 400 `{"error", "error_description"}`.
pub fn oauth_error(code: &str, description: &str) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        &serde_json::json!({"error": code, "error_description": description}),
    )
}

/// JSON that is safe in an HTTP header: every character at or above U+007F becomes a
/// `\uXXXX` escape (UTF-16 units, so surrogate pairs above the BMP).
pub fn header_safe_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if (ch as u32) < 0x7f {
            out.push(ch);
        } else {
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// The time now, in Unix seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `%Y-%m-%dT%H:%M:%SZ` in UTC, never with fractional seconds.
pub fn timestamp(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// HTML-escape text for the consent and error pages.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_no_fraction() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(1_431_445_838), "2015-05-12T15:50:38Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn header_json_escapes_non_ascii() {
        let v = serde_json::json!({"path": "/Fotos/Ünïcode 😀.jpg"});
        let s = header_safe_json(&v);
        assert!(s.is_ascii());
        assert!(s.contains("\\u00dc"));
        assert!(s.contains("\\ud83d\\ude00"));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn summaries_end_in_dots() {
        let s = error_summary(&["path", "not_found"]);
        assert!(s.starts_with("path/not_found/."));
    }
}
