//! The OAuth 2 authorization server: the authorize page with its consent form, and the
//! token endpoint (authorization-code grant with PKCE S256, refresh grant). Strict where
//! Dropbox's documentation leaves room: exact redirect URIs, single-use codes bound to
//! client, redirect URI and challenge, and a replayed code revokes what it minted. Long because the
//! authorization server is one protocol with one state; its halves share every check.

use std::collections::BTreeMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::state::{random_token, AccessType, App, AuthorizeRequest, Code, Grant, Pending};
use crate::wire::{self, html_escape};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;
const DENIED: &str = "The user chose not to give your app access to their Dropbox account.";

/// Parameters from a query string and/or a form body. A repeated parameter is tolerated
/// when every value is identical, and refused otherwise.
pub fn merge_params<'a>(
    parts: impl IntoIterator<Item = &'a [u8]>,
) -> Result<BTreeMap<String, String>, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for part in parts {
        for (k, v) in url::form_urlencoded::parse(part) {
            match out.get(k.as_ref()) {
                Some(existing) if existing != v.as_ref() => {
                    return Err(format!("conflicting values for parameter \"{k}\""));
                }
                _ => {
                    out.insert(k.into_owned(), v.into_owned());
                }
            }
        }
    }
    Ok(out)
}

/// `base64url_nopad(sha256(verifier))`.
pub fn challenge_of(verifier: &str) -> String {
    B64.encode(Sha256::digest(verifier.as_bytes()))
}

fn valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn page(status: StatusCode, title: &str, body_html: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <style>body{{font:16px system-ui,sans-serif;background:#f7f5f2;color:#1e1919;margin:0}}\
         main{{max-width:460px;margin:10vh auto;background:#fff;padding:32px;border-radius:12px;\
         box-shadow:0 2px 12px #0002}}h1{{font-size:22px}}button{{font:inherit;padding:10px 22px;\
         border-radius:8px;border:1px solid #0061fe;margin-right:8px;cursor:pointer}}\
         .allow{{background:#0061fe;color:#fff}}.deny{{background:#fff;color:#0061fe}}\
         li{{margin:4px 0}}code{{font-size:18px;background:#eee;padding:4px 8px}}</style></head>\
         <body><main><h1>{t}</h1>{body_html}</main></body></html>",
        t = html_escape(title)
    );
    let mut r = wire::respond(status, "text/html; charset=utf-8", html);
    let h = r.headers_mut();
    // The consent page can never be framed (clickjacking).
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

fn error_page(message: &str) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Error (400)",
        &format!("<p>{}</p>", html_escape(message)),
    )
}

fn redirect(uri: &str, params: &[(&str, &str)]) -> Response {
    let mut url = String::from(uri);
    url.push(if uri.contains('?') { '&' } else { '?' });
    url.push_str(
        &url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish(),
    );
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&url) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn redirect_error(req_uri: &str, state: Option<&str>, error: &str, description: &str) -> Response {
    let mut params = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        params.push(("state", s));
    }
    redirect(req_uri, &params)
}

/// Validate an authorize request. `Err` carries the response to send: an error page when
/// the client or redirect URI cannot be trusted, otherwise a redirect with `error`.
fn validate(app: &App, p: &BTreeMap<String, String>) -> Result<AuthorizeRequest, Response> {
    let cfg = &app.config;
    let client_id = p.get("client_id").map(String::as_str).unwrap_or("");
    if client_id.is_empty() {
        return Err(error_page("Missing client_id."));
    }
    if client_id != cfg.app_key {
        return Err(error_page("Invalid client_id. This app does not exist."));
    }
    let redirect_uri = p.get("redirect_uri").cloned();
    if let Some(uri) = &redirect_uri {
        if !cfg.redirect_uris.iter().any(|r| r == uri) {
            return Err(error_page(
                "Invalid redirect_uri. It must exactly match one of the redirect URIs you've pre-configured for your app (including the path).",
            ));
        }
    }
    let state = p.get("state").cloned();
    // From here on, errors go back to the (trusted) redirect URI.
    let fail = |error: &str, description: &str| -> Response {
        match &redirect_uri {
            Some(uri) => redirect_error(uri, state.as_deref(), error, description),
            None => error_page(description),
        }
    };
    match p.get("response_type").map(String::as_str) {
        Some("code") => {}
        Some("token") => {
            return Err(fail(
                "unsupported_response_type",
                "This emulator only supports the code flow.",
            ))
        }
        _ => return Err(fail("invalid_request", "Invalid response_type.")),
    }
    if state.as_ref().is_some_and(|s| s.len() > 500) {
        return Err(fail(
            "invalid_request",
            "State parameter is too long (max 500 bytes).",
        ));
    }
    let challenge = p.get("code_challenge").cloned().unwrap_or_default();
    if challenge.is_empty() {
        return Err(fail(
            "invalid_request",
            "A code_challenge is required for this app (PKCE).",
        ));
    }
    if p.get("code_challenge_method").map(String::as_str) != Some("S256") {
        return Err(fail(
            "invalid_request",
            "code_challenge_method must be S256.",
        ));
    }
    if challenge.len() != 43 || B64.decode(&challenge).is_err() {
        return Err(fail("invalid_request", "Invalid code_challenge."));
    }
    let access_type = match p.get("token_access_type").map(String::as_str) {
        None | Some("legacy") => AccessType::Legacy,
        Some("offline") => AccessType::Offline,
        Some("online") => AccessType::Online,
        Some(_) => return Err(fail("invalid_request", "Invalid token_access_type.")),
    };
    let scopes: Vec<String> = match p.get("scope") {
        Some(s) => s.split_whitespace().map(str::to_string).collect(),
        None => cfg.app_scopes.clone(),
    };
    if let Some(bad) = scopes.iter().find(|s| !cfg.app_scopes.contains(s)) {
        return Err(fail(
            "invalid_scope",
            &format!("Your app does not have the scope '{bad}' enabled."),
        ));
    }
    let include_granted = match p.get("include_granted_scopes").map(String::as_str) {
        None => false,
        Some("user") => true,
        Some(_) => {
            return Err(fail(
                "invalid_request",
                "include_granted_scopes must be \"user\" for this app.",
            ))
        }
    };
    Ok(AuthorizeRequest {
        client_id: client_id.to_string(),
        redirect_uri,
        state,
        challenge,
        scopes,
        access_type,
        include_granted,
    })
}

/// `GET /oauth2/authorize`: the consent page, or an immediate redirect for an app the
/// user approved before (`--auto-approve`) unless `force_reapprove=true`.
pub async fn authorize(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let params = match merge_params([query.as_deref().unwrap_or("").as_bytes()]) {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let request = match validate(&app, &params) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let force = params.get("force_reapprove").map(String::as_str) == Some("true");
    if app.config.auto_approve && !force {
        return approve(&app, request, 0);
    }
    let id = random_token(32);
    let csrf = random_token(32);
    let redirect_origin = request
        .redirect_uri
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .map(|u| u.origin().ascii_serialization());
    let scopes_html: String = request
        .scopes
        .iter()
        .map(|s| format!("<li>{}</li>", html_escape(&describe_scope(s))))
        .collect();
    let mut s = app.lock();
    s.prune(app.config.code_ttl);
    s.pending.insert(
        id.clone(),
        Pending {
            csrf: csrf.clone(),
            request,
            created: Instant::now(),
        },
    );
    // Several users: the page lets the one at the keyboard choose who approves.
    let who = if s.accounts.len() == 1 {
        format!("<p>signed in as {}</p>", html_escape(&s.accounts[0].email))
    } else {
        s.accounts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                format!(
                    "<label><input type=\"radio\" name=\"account\" id=\"account-{i}\" value=\"{i}\"{}> {} {} ({})</label><br>",
                    if i == 0 { " checked" } else { "" },
                    html_escape(&a.given_name),
                    html_escape(&a.surname),
                    html_escape(&a.email)
                )
            })
            .collect()
    };
    drop(s);
    let body = format!(
        "<p><strong>{name}</strong> would like to:</p><ul>{scopes_html}</ul>\
         <form method=\"post\" action=\"/oauth2/authorize\">{who}\
         <input type=\"hidden\" name=\"pending\" value=\"{id}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <button class=\"allow\" id=\"allow\" name=\"decision\" value=\"allow\" type=\"submit\">Allow</button>\
         <button class=\"deny\" id=\"deny\" name=\"decision\" value=\"deny\" type=\"submit\">Cancel</button>\
         </form>",
        name = html_escape(&app.config.app_name),
    );
    let mut r = page(StatusCode::OK, "API Request Authorization", &body);
    // The form posts here, and its answer redirects to the app: browsers apply
    // form-action to that redirect too, so the app's origin is allowed, nothing else.
    let target = redirect_origin.map_or(String::new(), |o| format!(" {o}"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'{target}; frame-ancestors 'none'"
    )) {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    // Double-submit: the form's token must match this cookie, bound to this consent.
    if let Ok(v) = HeaderValue::from_str(&format!(
        "fb_csrf_{id}={csrf}; Path=/oauth2/authorize; HttpOnly; SameSite=Strict; Max-Age=600"
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

fn describe_scope(scope: &str) -> String {
    match scope {
        "account_info.read" => "View basic information about your Dropbox account".into(),
        "files.metadata.read" => {
            "View information about files and folders in its app folder".into()
        }
        "files.content.read" => "View content of files in its app folder".into(),
        other => other.to_string(),
    }
}

/// Issue a code and redirect (or show the code when there was no redirect URI).
fn approve(app: &App, request: AuthorizeRequest, account: usize) -> Response {
    let code = random_token(43);
    let mut s = app.lock();
    s.prune(app.config.code_ttl);
    let mut scopes = request.scopes.clone();
    if request.include_granted {
        // What this user granted the app before, in grants still alive.
        for grant in s
            .grants
            .iter()
            .filter(|g| g.account == account && g.client_id == request.client_id && !g.revoked)
        {
            for scope in &grant.scopes {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
        }
    }
    s.codes.insert(
        code.clone(),
        Code {
            account,
            client_id: request.client_id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            challenge: request.challenge.clone(),
            scopes,
            access_type: request.access_type.clone(),
            issued: Instant::now(),
            used: false,
            grant: None,
        },
    );
    drop(s);
    match &request.redirect_uri {
        Some(uri) => {
            let mut params = vec![("code", code.as_str())];
            if let Some(s) = &request.state {
                params.push(("state", s));
            }
            redirect(uri, &params)
        }
        None => page(
            StatusCode::OK,
            "Enter this code into your app",
            &format!("<p><code id=\"code\">{code}</code></p>"),
        ),
    }
}

/// `POST /oauth2/authorize`: the user's decision on the consent form.
pub async fn decide(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let form = match merge_params([body.as_ref()]) {
        Ok(f) => f,
        Err(e) => return error_page(&e),
    };
    let id = form.get("pending").cloned().unwrap_or_default();
    let csrf = form.get("csrf").cloned().unwrap_or_default();
    let cookie_name = format!("fb_csrf_{id}=");
    let cookie_ok = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(cookie_name.as_str()))
        .any(|v| !csrf.is_empty() && v == csrf);
    let pending = {
        let mut s = app.lock();
        match s.pending.get(&id) {
            Some(p) if p.csrf == csrf && cookie_ok && p.created.elapsed() < app.config.code_ttl => {
                s.pending.remove(&id)
            }
            _ => None,
        }
    };
    let Some(pending) = pending else {
        return page(
            StatusCode::FORBIDDEN,
            "Error (403)",
            "<p>This request could not be verified (cross-site request forgery check failed, or the page expired). Go back to the app and try again.</p>",
        );
    };
    let accounts = app.lock().accounts.len();
    let account = form
        .get("account")
        .and_then(|a| a.parse::<usize>().ok())
        .filter(|&a| a < accounts)
        .unwrap_or(0);
    match form.get("decision").map(String::as_str) {
        Some("allow") => approve(&app, pending.request, account),
        _ => match &pending.request.redirect_uri {
            Some(uri) => redirect_error(
                uri,
                pending.request.state.as_deref(),
                "access_denied",
                DENIED,
            ),
            None => page(
                StatusCode::OK,
                "Access denied",
                "<p>You denied the request.</p>",
            ),
        },
    }
}

fn with_detail(mut r: Response, grant_type: &str) -> Response {
    r.extensions_mut()
        .insert(crate::LogDetail(format!("grant_type={grant_type}")));
    r
}

/// `POST /oauth2/token`.
pub async fn token(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let query = query.unwrap_or_default();
    let mut parts: Vec<&[u8]> = vec![query.as_bytes()];
    if is_form {
        parts.push(body.as_ref());
    }
    let mut p = match merge_params(parts) {
        Ok(p) => p,
        Err(e) => return wire::oauth_error("invalid_request", &e),
    };
    // Client authentication: HTTP Basic or parameters. A public (PKCE) app has no secret.
    if let Some((user, secret)) = basic_auth(&headers) {
        if !secret.is_empty() || p.get("client_id").is_some_and(|c| *c != user) {
            return wire::oauth_error("invalid_client", "Invalid client_id or client_secret");
        }
        p.insert("client_id".into(), user);
    }
    if p.get("client_secret").is_some_and(|s| !s.is_empty()) {
        return wire::oauth_error("invalid_client", "Invalid client_id or client_secret");
    }
    let grant_type = p.get("grant_type").cloned().unwrap_or_default();
    let response = match grant_type.as_str() {
        "authorization_code" => exchange_code(&app, &p),
        "refresh_token" => refresh(&app, &p),
        "" => wire::oauth_error("invalid_request", "No grant_type provided."),
        other => wire::oauth_error(
            "unsupported_grant_type",
            &format!("\"{other}\" is not a supported grant type"),
        ),
    };
    with_detail(response, &grant_type)
}

fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, secret) = text.split_once(':')?;
    Some((user.to_string(), secret.to_string()))
}

fn exchange_code(app: &App, p: &BTreeMap<String, String>) -> Response {
    const GONE: &str = "code doesn't exist or has expired";
    let Some(client_id) = p.get("client_id") else {
        return wire::oauth_error(
            "invalid_request",
            "No auth function available for given request",
        );
    };
    let Some(code_value) = p.get("code") else {
        return wire::oauth_error("invalid_request", "No code provided.");
    };
    let ttl = app.config.access_token_ttl;
    let mut s = app.lock();
    let Some(code) = s.codes.get_mut(code_value) else {
        return wire::oauth_error("invalid_grant", GONE);
    };
    if code.used {
        // A replayed code: refuse it, and revoke what the first use minted (RFC 6749 §4.1.2).
        let minted = code.grant;
        if let Some(g) = minted {
            s.revoke_grant(g);
        }
        return wire::oauth_error("invalid_grant", GONE);
    }
    code.used = true;
    let code = code.clone();
    if code.issued.elapsed() > app.config.code_ttl || code.client_id != *client_id {
        return wire::oauth_error("invalid_grant", GONE);
    }
    if p.get("redirect_uri") != code.redirect_uri.as_ref() {
        return wire::oauth_error("invalid_grant", "redirect_uri mismatch");
    }
    let Some(verifier) = p.get("code_verifier") else {
        return wire::oauth_error("invalid_request", "No code_verifier provided for PKCE.");
    };
    if !valid_verifier(verifier) {
        return wire::oauth_error("invalid_request", "Invalid code_verifier.");
    }
    if challenge_of(verifier) != code.challenge {
        return wire::oauth_error("invalid_grant", "invalid code verifier");
    }
    let grant_id = s.grants.len() as u64 + 1;
    let refresh_token = (code.access_type == AccessType::Offline)
        .then(|| format!("{}AAAAAAAAAA{}", random_token(11), random_token(43)));
    s.grants.push(Grant {
        id: grant_id,
        account: code.account,
        client_id: client_id.clone(),
        scopes: code.scopes.clone(),
        access_type: code.access_type.clone(),
        revoked: false,
        refreshes: 0,
        refresh_token: refresh_token.clone(),
    });
    if let Some(stored) = s.codes.get_mut(code_value) {
        stored.grant = Some(grant_id);
    }
    let lifetime = (code.access_type != AccessType::Legacy).then_some(ttl);
    let access = s.mint_access(grant_id, code.scopes.clone(), lifetime);
    if let Some(rt) = &refresh_token {
        s.refresh.insert(rt.clone(), grant_id);
    }
    let account_id = s.accounts[code.account].account_id.clone();
    drop(s);
    let mut body = json!({
        "access_token": access,
        "token_type": "bearer",
        "scope": code.scopes.join(" "),
        "uid": "4242424242",
        "account_id": account_id,
    });
    if let Some(l) = lifetime {
        body["expires_in"] = json!(l.as_secs());
    }
    if let Some(rt) = refresh_token {
        body["refresh_token"] = json!(rt);
    }
    wire::ok(&body)
}

fn refresh(app: &App, p: &BTreeMap<String, String>) -> Response {
    const INVALID: &str = "refresh token is invalid or revoked";
    let Some(client_id) = p.get("client_id") else {
        return wire::oauth_error(
            "invalid_request",
            "No auth function available for given request",
        );
    };
    let Some(rt) = p.get("refresh_token") else {
        return wire::oauth_error("invalid_request", "No refresh_token provided.");
    };
    let ttl = app.config.access_token_ttl;
    let mut s = app.lock();
    let Some(&grant_id) = s.refresh.get(rt) else {
        return wire::oauth_error("invalid_grant", INVALID);
    };
    let Some(grant) = s.grant(grant_id).cloned() else {
        return wire::oauth_error("invalid_grant", INVALID);
    };
    if grant.revoked {
        return wire::oauth_error("invalid_grant", INVALID);
    }
    if grant.client_id != *client_id {
        return wire::oauth_error(
            "invalid_request",
            "No auth function available for given request",
        );
    }
    let scopes = match p.get("scope") {
        Some(requested) => {
            let requested: Vec<String> = requested.split_whitespace().map(str::to_string).collect();
            if requested.iter().any(|s| !grant.scopes.contains(s)) {
                return wire::oauth_error(
                    "invalid_scope",
                    "The requested scope exceeds the scope granted by the resource owner.",
                );
            }
            requested
        }
        None => grant.scopes.clone(),
    };
    if let Some(g) = s.grants.iter_mut().find(|g| g.id == grant_id) {
        g.refreshes += 1;
    }
    s.prune(app.config.code_ttl);
    let access = s.mint_access(grant_id, scopes, Some(ttl));
    let mut body = json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": ttl.as_secs(),
    });
    if app.config.rotate_refresh_tokens {
        // RFC 9700 §4.14.2: a public client's refresh token is single-use.
        let rotated = crate::state::random_token(64);
        s.refresh.remove(rt);
        s.refresh.insert(rotated.clone(), grant_id);
        if let Some(g) = s.grants.iter_mut().find(|g| g.id == grant_id) {
            g.refresh_token = Some(rotated.clone());
        }
        body["refresh_token"] = json!(rotated);
    }
    drop(s);
    wire::ok(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_vector() {
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn params_merge_query_and_body() {
        let p = merge_params([b"a=1&b=x+y".as_slice(), b"a=1&c=%20z"]).unwrap();
        assert_eq!(p["a"], "1");
        assert_eq!(p["b"], "x y");
        assert_eq!(p["c"], " z");
        assert!(merge_params([b"a=1".as_slice(), b"a=2"]).is_err());
    }

    #[test]
    fn verifier_rules() {
        assert!(valid_verifier(&"a".repeat(43)));
        assert!(!valid_verifier(&"a".repeat(42)));
        assert!(!valid_verifier(&"a".repeat(129)));
        assert!(!valid_verifier(&format!("{}+", "a".repeat(43))));
    }
}
