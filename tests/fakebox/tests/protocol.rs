//! fakebox against Dropbox's documented wire formats and OAuth rules, over real HTTP on loopback.

use std::time::Duration;

use base64::Engine;
use fakebox::{Config, Fakebox};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const REDIRECT: &str = "http://127.0.0.1:53682/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn start(tweak: impl FnOnce(&mut Config)) -> Fakebox {
    let mut config = Config {
        redirect_uris: vec![REDIRECT.into(), "http://127.0.0.1:53683/callback".into()],
        sample: true,
        ..Config::default()
    };
    tweak(&mut config);
    fakebox_control::start(config)
        .await
        .expect("fakebox starts")
}

/// A browser-like client: keeps cookies, does not follow redirects.
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn authorize_url(fb: &Fakebox, extra: &[(&str, &str)]) -> String {
    let ch = challenge(VERIFIER);
    let mut params = vec![
        ("client_id", fb.app_key()),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("code_challenge", ch.as_str()),
        ("code_challenge_method", "S256"),
        ("token_access_type", "offline"),
        ("state", "st4te|with spaces"),
    ];
    for (k, v) in extra {
        params.retain(|(pk, _)| pk != k);
        if !v.is_empty() {
            params.push((k, v));
        }
    }
    let q = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{}/oauth2/authorize?{q}", fb.base_url())
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("field present") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Open the consent page and press a button; returns the redirect's query parameters.
async fn consent(client: &Client, url: &str, decision: &str) -> Vec<(String, String)> {
    consent_as(client, url, decision, None).await
}

/// As [`consent`], choosing which user approves.
async fn consent_as(
    client: &Client,
    url: &str,
    decision: &str,
    account: Option<usize>,
) -> Vec<(String, String)> {
    let page = client.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let base = page.url().origin().ascii_serialization();
    let html = page.text().await.unwrap();
    assert!(html.contains("Allow") && html.contains("Dropdesk"));
    let mut form = vec![
        ("pending", hidden(&html, "pending")),
        ("csrf", hidden(&html, "csrf")),
        ("decision", decision.to_string()),
    ];
    if let Some(a) = account {
        form.push(("account", a.to_string()));
    }
    let r = client
        .post(format!("{base}/oauth2/authorize"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    redirect_params(&r)
}

fn redirect_params(r: &reqwest::Response) -> Vec<(String, String)> {
    let loc = r.headers()[LOCATION].to_str().unwrap();
    assert!(loc.starts_with(REDIRECT), "{loc}");
    url::Url::parse(loc)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn exchange(
    fb: &Fakebox,
    code: &str,
    verifier: &str,
    redirect: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", fb.app_key()),
        ("code_verifier", verifier),
    ];
    if let Some(r) = redirect {
        form.push(("redirect_uri", r));
    }
    Client::new()
        .post(format!("{}/oauth2/token", fb.base_url()))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// A full approval: returns the token response.
async fn connect(fb: &Fakebox) -> Value {
    let params = consent(&browser(), &authorize_url(fb, &[]), "allow").await;
    let code = param(&params, "code").unwrap().to_string();
    let r = exchange(fb, &code, VERIFIER, Some(REDIRECT)).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn rpc(fb: &Fakebox, token: &str, route: &str, body: Option<Value>) -> reqwest::Response {
    let mut req = Client::new()
        .post(format!("{}/2/{route}", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {token}"));
    if let Some(b) = body {
        req = req
            .header(CONTENT_TYPE, "application/json")
            .body(b.to_string());
    }
    req.send().await.unwrap()
}

async fn list(fb: &Fakebox, token: &str, body: Value) -> reqwest::Response {
    rpc(fb, token, "files/list_folder", Some(body)).await
}

async fn control(fb: &Fakebox, path: &str, body: Value) -> Value {
    Client::new()
        .post(format!("{}/__fakebox/{path}", fb.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn fb_state(fb: &Fakebox) -> Value {
    reqwest::get(format!("{}/__fakebox/state", fb.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn code_flow_with_pkce_issues_offline_tokens() {
    let fb = start(|_| {}).await;
    let params = consent(&browser(), &authorize_url(&fb, &[]), "allow").await;
    assert_eq!(param(&params, "state"), Some("st4te|with spaces"));
    let code = param(&params, "code").unwrap();
    let r = exchange(&fb, code, VERIFIER, Some(REDIRECT)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
    let t: Value = r.json().await.unwrap();
    assert!(t["access_token"].as_str().unwrap().starts_with("sl."));
    assert_eq!(t["token_type"], "bearer");
    assert_eq!(t["expires_in"], 14400);
    assert_eq!(t["refresh_token"].as_str().unwrap().len(), 64);
    assert_eq!(t["account_id"].as_str().unwrap().len(), 40);
    assert!(t["uid"].is_string());
    assert_eq!(
        t["scope"],
        "account_info.read files.metadata.read files.content.read"
    );
}

/// Asking for one more scope later with `include_granted_scopes=user` gets a grant with
/// what the user granted before as well; without it, only the scope asked for.
#[tokio::test]
async fn include_granted_scopes_adds_what_the_user_granted_before() {
    let fb = start(|c| c.app_scopes.push("files.content.write".into())).await;
    let scope = "account_info.read files.metadata.read files.content.read";
    let first = consent(
        &browser(),
        &authorize_url(&fb, &[("scope", scope)]),
        "allow",
    )
    .await;
    let r = exchange(
        &fb,
        param(&first, "code").unwrap(),
        VERIFIER,
        Some(REDIRECT),
    )
    .await;
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["scope"], scope);
    let more = [
        ("scope", "files.content.write"),
        ("include_granted_scopes", "user"),
    ];
    let params = consent(&browser(), &authorize_url(&fb, &more), "allow").await;
    let r = exchange(
        &fb,
        param(&params, "code").unwrap(),
        VERIFIER,
        Some(REDIRECT),
    )
    .await;
    let t: Value = r.json().await.unwrap();
    let mut got: Vec<&str> = t["scope"].as_str().unwrap().split(' ').collect();
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "account_info.read",
            "files.content.read",
            "files.content.write",
            "files.metadata.read"
        ]
    );
    let alone = consent(&browser(), &authorize_url(&fb, &more[..1]), "allow").await;
    let r = exchange(
        &fb,
        param(&alone, "code").unwrap(),
        VERIFIER,
        Some(REDIRECT),
    )
    .await;
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["scope"], "files.content.write");
    let bad = [
        ("scope", "files.content.write"),
        ("include_granted_scopes", "team"),
    ];
    let page = browser()
        .get(authorize_url(&fb, &bad))
        .send()
        .await
        .unwrap();
    let location = page.headers()[LOCATION].to_str().unwrap();
    assert!(location.contains("error=invalid_request"), "{location}");
}

#[tokio::test]
async fn deny_redirects_with_access_denied_and_state() {
    let fb = start(|_| {}).await;
    let params = consent(&browser(), &authorize_url(&fb, &[]), "deny").await;
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert!(param(&params, "error_description").is_some());
    assert_eq!(param(&params, "state"), Some("st4te|with spaces"));
    assert_eq!(param(&params, "code"), None);
}

#[tokio::test]
async fn consent_form_needs_its_csrf_cookie() {
    let fb = start(|_| {}).await;
    let html = browser()
        .get(authorize_url(&fb, &[]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A different client (no cookie) posting the right form fields is refused.
    let r = browser()
        .post(format!("{}/oauth2/authorize", fb.base_url()))
        .form(&[
            ("pending", hidden(&html, "pending")),
            ("csrf", hidden(&html, "csrf")),
            ("decision", "allow".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.headers().get(LOCATION).is_none());
}

#[tokio::test]
async fn authorize_rejects_bad_requests_without_redirecting_to_untrusted_uris() {
    let fb = start(|_| {}).await;
    let c = browser();
    for bad in [
        "http://127.0.0.1:53682/callback/",
        "http://127.0.0.1:53684/callback",
        "http://localhost:53682/callback",
        "https://127.0.0.1:53682/callback",
        "http://127.0.0.1:53682/Callback",
    ] {
        let r = c
            .get(authorize_url(&fb, &[("redirect_uri", bad)]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        assert!(r.headers().get(LOCATION).is_none());
        assert!(r.text().await.unwrap().contains("Invalid redirect_uri"));
    }
    let r = c
        .get(authorize_url(&fb, &[("client_id", "nope")]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get(LOCATION).is_none());
    // With a trusted redirect URI, other errors go back to the app.
    for (k, v) in [
        ("code_challenge_method", "plain"),
        ("code_challenge", ""),
        ("response_type", "nonsense"),
        ("token_access_type", "forever"),
        ("scope", "files.content.write"),
    ] {
        let r = c.get(authorize_url(&fb, &[(k, v)])).send().await.unwrap();
        assert_eq!(r.status(), 302, "{k}={v}");
        let p = redirect_params(&r);
        assert!(param(&p, "error").is_some(), "{k}={v}");
        assert_eq!(param(&p, "state"), Some("st4te|with spaces"));
    }
    let long_state = "s".repeat(501);
    let r = c
        .get(authorize_url(&fb, &[("state", &long_state)]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        param(&redirect_params(&r), "error"),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn auto_approve_redirects_at_once_unless_forced() {
    let fb = start(|c| c.auto_approve = true).await;
    let r = browser().get(authorize_url(&fb, &[])).send().await.unwrap();
    assert_eq!(r.status(), 302);
    assert!(param(&redirect_params(&r), "code").is_some());
    let r = browser()
        .get(authorize_url(&fb, &[("force_reapprove", "true")]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn code_is_single_use_bound_to_verifier_and_redirect_uri() {
    let fb = start(|c| c.auto_approve = true).await;
    let fresh_code = || async {
        let r = browser().get(authorize_url(&fb, &[])).send().await.unwrap();
        param(&redirect_params(&r), "code").unwrap().to_string()
    };
    // Wrong verifier.
    let code = fresh_code().await;
    let r = exchange(&fb, &code, &"x".repeat(43), Some(REDIRECT)).await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], "invalid_grant");
    // Missing verifier.
    let code = fresh_code().await;
    let r = Client::new()
        .post(format!("{}/oauth2/token", fb.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", fb.app_key()),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Redirect URI must be resent identically.
    for redirect in [None, Some("http://127.0.0.1:53683/callback")] {
        let code = fresh_code().await;
        let r = exchange(&fb, &code, VERIFIER, redirect).await;
        let e: Value = r.json().await.unwrap();
        assert_eq!(
            e,
            json!({"error": "invalid_grant", "error_description": "redirect_uri mismatch"})
        );
    }
    // Replay: the second use fails and revokes what the first minted.
    let code = fresh_code().await;
    let first: Value = exchange(&fb, &code, VERIFIER, Some(REDIRECT))
        .await
        .json()
        .await
        .unwrap();
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(
        rpc(&fb, access, "users/get_current_account", None)
            .await
            .status(),
        200
    );
    let r = exchange(&fb, &code, VERIFIER, Some(REDIRECT)).await;
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error_description"], "code doesn't exist or has expired");
    assert_eq!(
        rpc(&fb, access, "users/get_current_account", None)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn token_params_from_query_or_body_and_duplicates() {
    let fb = start(|c| c.auto_approve = true).await;
    let r = browser().get(authorize_url(&fb, &[])).send().await.unwrap();
    let code = param(&redirect_params(&r), "code").unwrap().to_string();
    // The JS SDK style: everything in the query string, empty body.
    let q = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", fb.app_key()),
            ("code_verifier", VERIFIER),
            ("code_verifier", VERIFIER),
            ("redirect_uri", REDIRECT),
        ])
        .finish();
    let r = Client::new()
        .post(format!("{}/oauth2/token?{q}", fb.base_url()))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    let rt = t["refresh_token"].as_str().unwrap();
    let r = Client::new()
        .post(format!("{}/oauth2/token", fb.base_url()))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
    // Refresh without client_id.
    let r = Client::new()
        .post(format!("{}/oauth2/token", fb.base_url()))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", rt)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_request");
}

async fn refresh(fb: &Fakebox, rt: &str) -> reqwest::Response {
    Client::new()
        .post(format!("{}/oauth2/token", fb.base_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", fb.app_key()),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn expiry_refresh_revoke_and_unlink() {
    let fb = start(|_| {}).await;
    let t = connect(&fb).await;
    let access = t["access_token"].as_str().unwrap();
    let rt = t["refresh_token"].as_str().unwrap();
    control(&fb, "expire-access-tokens", json!(null)).await;
    let r = rpc(&fb, access, "users/get_current_account", None).await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"][".tag"], "expired_access_token");
    assert!(e["error_summary"]
        .as_str()
        .unwrap()
        .starts_with("expired_access_token/"));

    let r = refresh(&fb, rt).await;
    assert_eq!(r.status(), 200);
    let n: Value = r.json().await.unwrap();
    let keys: Vec<_> = n.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["access_token", "expires_in", "token_type"]);
    let access2 = n["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        rpc(&fb, &access2, "users/get_current_account", None)
            .await
            .status(),
        200
    );

    // Revoke kills the access token, its refresh token and every sibling token.
    let r = rpc(&fb, &access2, "auth/token/revoke", Some(Value::Null)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "null");
    let e: Value = rpc(&fb, &access2, "users/get_current_account", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(e["error"][".tag"], "invalid_access_token");
    let r = refresh(&fb, rt).await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error": "invalid_grant", "error_description": "refresh token is invalid or revoked"})
    );
    let s = fb_state(&fb).await;
    assert_eq!(s["grants"][0]["revoked"], true);
    assert!(!s.to_string().contains(rt), "state never shows tokens");

    // Unlink from the "website" revokes a fresh grant too.
    let t = connect(&fb).await;
    control(&fb, "unlink", json!(null)).await;
    let r = refresh(&fb, t["refresh_token"].as_str().unwrap()).await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");
}

#[tokio::test]
async fn api_conventions_auth_and_bodies() {
    let fb = start(|_| {}).await;
    let t = connect(&fb).await;
    let access = t["access_token"].as_str().unwrap();
    let url = format!("{}/2/users/get_current_account", fb.base_url());
    // No header / malformed header → 400 plain text.
    let r = Client::new().post(&url).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert!(r
        .text()
        .await
        .unwrap()
        .starts_with("Error in call to API function \"users/get_current_account\": Must provide"));
    let r = Client::new()
        .post(&url)
        .header(AUTHORIZATION, "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Unknown token → 401 invalid_access_token.
    let r = rpc(&fb, "sl.nonsense", "users/get_current_account", None).await;
    assert_eq!(r.status(), 401);
    // Void routes: no body or null; {} is refused.
    let r = rpc(&fb, access, "users/get_current_account", Some(json!({}))).await;
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .ends_with("request body: expected null, got value"));
    let r = rpc(&fb, access, "users/get_current_account", Some(Value::Null)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
    assert!(r.headers().contains_key("x-dropbox-request-id"));
    assert!(!r.headers().contains_key("dropbox-api-result"));
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["name"]["display_name"], "Alex Morgan");
    assert_eq!(a["account_id"], t["account_id"]);
    assert!(
        a.get("profile_photo_url").is_none(),
        "unset optional fields are omitted"
    );
    let u: Value = rpc(&fb, access, "users/get_space_usage", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(u["allocation"][".tag"], "individual");
    assert!(u["used"].as_u64().unwrap() > 0);
    // Bad JSON and bad content type.
    let r = Client::new()
        .post(format!("{}/2/files/list_folder", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {access}"))
        .header(CONTENT_TYPE, "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert!(r
        .text()
        .await
        .unwrap()
        .ends_with("could not decode input as JSON"));
    let r = Client::new()
        .post(format!("{}/2/files/list_folder", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {access}"))
        .header(CONTENT_TYPE, "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Bad HTTP \"Content-Type\" header"));
    // Unknown route, wrong method, huge body: answers, no panic.
    let r = rpc(&fb, access, "files/nonexistent", Some(Value::Null)).await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Unknown API function"));
    let r = Client::new()
        .get(format!("{}/2/files/list_folder", fb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = list(&fb, access, json!({"path": "x".repeat(2_000_000)})).await;
    assert_eq!(r.status(), 413);
}

#[tokio::test]
async fn missing_scope_is_401_when_the_token_lacks_it() {
    let fb = start(|c| c.auto_approve = true).await;
    let r = browser()
        .get(authorize_url(&fb, &[("scope", "account_info.read")]))
        .send()
        .await
        .unwrap();
    let code = param(&redirect_params(&r), "code").unwrap().to_string();
    let t: Value = exchange(&fb, &code, VERIFIER, Some(REDIRECT))
        .await
        .json()
        .await
        .unwrap();
    let r = rpc(
        &fb,
        t["access_token"].as_str().unwrap(),
        "files/list_folder",
        Some(json!({"path": ""})),
    )
    .await;
    assert_eq!(r.status(), 401);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"],
        json!({".tag": "missing_scope", "required_scope": "files.metadata.read"})
    );
}

#[tokio::test]
async fn list_folder_paths_and_errors() {
    let fb = start(|_| {}).await;
    let t = connect(&fb).await;
    let access = t["access_token"].as_str().unwrap();
    let r = list(&fb, access, json!({"path": "/"})).await;
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Specify the root folder as an empty string rather than as \"/\"."));
    let r = list(&fb, access, json!({"path": "Documents"})).await;
    assert_eq!(r.status(), 400);
    let r = list(&fb, access, json!({"path": "/Nope"})).await;
    assert_eq!(r.status(), 409);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"],
        json!({".tag": "path", "path": {".tag": "not_found"}})
    );
    assert!(e["error_summary"]
        .as_str()
        .unwrap()
        .starts_with("path/not_found/"));
    let r = list(&fb, access, json!({"path": "/Budget 2026.xlsx"})).await;
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["path"][".tag"], "not_folder");
    let r = list(&fb, access, json!({"path": "", "limit": 0})).await;
    assert_eq!(r.status(), 400);
    // Case-insensitive, case-preserving.
    let r = list(&fb, access, json!({"path": "/DOCUMENTS"})).await;
    assert_eq!(r.status(), 200);
    let l: Value = r.json().await.unwrap();
    let file = l["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e[".tag"] == "file")
        .unwrap();
    assert_eq!(
        file["path_display"].as_str().unwrap().split('/').nth(1),
        Some("Documents")
    );
    let ts = file["server_modified"].as_str().unwrap();
    assert_eq!(ts.len(), 20, "no fractional seconds: {ts}");
    assert!(file["rev"].as_str().unwrap().len() >= 9);
    assert_eq!(file["content_hash"].as_str().unwrap().len(), 64);
    assert!(file.get("sharing_info").is_none());
    // get_metadata: by path and by id; the root is a 400.
    let id = file["id"].as_str().unwrap();
    let m: Value = rpc(&fb, access, "files/get_metadata", Some(json!({"path": id})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["id"], file["id"]);
    assert_eq!(m[".tag"], "file");
    let r = rpc(&fb, access, "files/get_metadata", Some(json!({"path": ""}))).await;
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("The root folder is unsupported."));
}

async fn list_all(
    fb: &Fakebox,
    access: &str,
    path: &str,
    limit: u32,
) -> (Vec<Value>, String, usize) {
    let mut r: Value = list(fb, access, json!({"path": path, "limit": limit}))
        .await
        .json()
        .await
        .unwrap();
    let mut entries = Vec::new();
    let mut pages = 1;
    loop {
        entries.extend(r["entries"].as_array().unwrap().iter().cloned());
        let cursor = r["cursor"].as_str().unwrap().to_string();
        if !r["has_more"].as_bool().unwrap() {
            return (entries, cursor, pages);
        }
        pages += 1;
        r = rpc(
            fb,
            access,
            "files/list_folder/continue",
            Some(json!({"cursor": cursor})),
        )
        .await
        .json()
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn hundred_thousand_entries_page_completely() {
    let fb = start(|c| c.generate = vec![("/Big".into(), 100_000)]).await;
    let t = connect(&fb).await;
    let access = t["access_token"].as_str().unwrap();
    let (entries, _, pages) = list_all(&fb, access, "/big", 2000).await;
    assert_eq!(entries.len(), 100_000);
    assert_eq!(pages, 50);
    let mut names: Vec<&str> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 100_000, "no duplicates across pages");
}

#[tokio::test]
async fn finished_cursor_reports_changes_and_deletions() {
    let fb = start(|_| {}).await;
    let t = connect(&fb).await;
    let access = t["access_token"].as_str().unwrap();
    let (entries, cursor, _) = list_all(&fb, access, "", 3).await;
    assert!(entries.len() > 6, "paged with a small limit");
    let r: Value = rpc(
        &fb,
        access,
        "files/list_folder/continue",
        Some(json!({"cursor": cursor})),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(r["entries"], json!([]), "no changes yet");
    control(
        &fb,
        "files",
        json!({"ops": [
            {"op": "add_file", "path": "/Fresh.txt", "content": "new"},
            {"op": "add_file", "path": "/Notes with spaces.txt", "content": "changed"},
            {"op": "delete", "path": "/Photos"},
            {"op": "add_file", "path": "/Documents/inner.txt", "content": "not in root scope"},
        ]}),
    )
    .await;
    let r: Value = rpc(
        &fb,
        access,
        "files/list_folder/continue",
        Some(json!({"cursor": r["cursor"]})),
    )
    .await
    .json()
    .await
    .unwrap();
    let got: Vec<(String, String)> = r["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e[".tag"].as_str().unwrap().into(),
                e["path_display"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("file".to_string(), "/Fresh.txt".to_string()),
            ("file".into(), "/Notes with spaces.txt".into()),
            ("deleted".into(), "/Photos".into()),
        ]
    );
}

#[tokio::test]
async fn reset_and_bad_cursors() {
    let fb = start(|_| {}).await;
    let t = connect(&fb).await;
    let access = t["access_token"].as_str().unwrap();
    let (_, cursor, _) = list_all(&fb, access, "", 2000).await;
    let r = rpc(
        &fb,
        access,
        "files/list_folder/continue",
        Some(json!({"cursor": "AAnotmine"})),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Invalid \"cursor\" parameter: 'AAnotmine'"));
    control(&fb, "reset-cursors", json!(null)).await;
    let r = rpc(
        &fb,
        access,
        "files/list_folder/continue",
        Some(json!({"cursor": cursor})),
    )
    .await;
    assert_eq!(r.status(), 409);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], json!({".tag": "reset"}));
}

#[tokio::test]
async fn longpoll_wakes_on_change_and_refuses_auth() {
    let fb = start(|_| {}).await;
    let t = connect(&fb).await;
    let access = t["access_token"].as_str().unwrap();
    let c: Value = rpc(
        &fb,
        access,
        "files/list_folder/get_latest_cursor",
        Some(json!({"path": ""})),
    )
    .await
    .json()
    .await
    .unwrap();
    let cursor = c["cursor"].as_str().unwrap().to_string();
    let r = rpc(
        &fb,
        access,
        "files/list_folder/longpoll",
        Some(json!({"cursor": cursor})),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("includes an Authorization header"));
    let url = format!("{}/2/files/list_folder/longpoll", fb.base_url());
    let poll = tokio::spawn(async move {
        Client::new()
            .post(url)
            .json(&json!({"cursor": cursor, "timeout": 30}))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    control(
        &fb,
        "files",
        json!({"ops": [{"op": "add_folder", "path": "/Woke"}]}),
    )
    .await;
    let answer = tokio::time::timeout(Duration::from_secs(10), poll)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answer, json!({"changes": true}));
}

#[tokio::test]
async fn download_header_result_and_range() {
    let fb = start(|_| {}).await;
    let t = connect(&fb).await;
    let access = t["access_token"].as_str().unwrap();
    let get = |arg: String, range: Option<&'static str>| {
        let mut r = Client::new()
            .post(format!("{}/2/files/download", fb.base_url()))
            .header(AUTHORIZATION, format!("Bearer {access}"))
            .header("Dropbox-API-Arg", arg);
        if let Some(range) = range {
            r = r.header("Range", range);
        }
        r.send()
    };
    let r = get(json!({"path": "/Notes with spaces.txt"}).to_string(), None)
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let meta: Value =
        serde_json::from_str(r.headers()["dropbox-api-result"].to_str().unwrap()).unwrap();
    assert!(meta.get(".tag").is_none());
    let body = r.bytes().await.unwrap();
    assert_eq!(meta["size"], body.len());
    assert_eq!(
        meta["content_hash"].as_str().unwrap(),
        fakebox::files::content_hash(&body)
    );
    let r = get(
        json!({"path": "/Notes with spaces.txt"}).to_string(),
        Some("bytes=0-8"),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.text().await.unwrap(), "Remember:");
    // Non-ASCII name through header-safe JSON; the result header is ASCII too.
    let arg =
        fakebox::wire::header_safe_json(&json!({"path": "/Photos/東京 2024/Shibuya crossing.png"}));
    let r = get(arg, Some("bytes=-10")).await.unwrap();
    assert_eq!(r.status(), 206);
    assert!(r.headers()["dropbox-api-result"]
        .to_str()
        .unwrap()
        .contains("\\u6771"));
    assert_eq!(r.bytes().await.unwrap().len(), 10);
    let r = get(json!({"path": "/Photos"}).to_string(), None)
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["path"][".tag"],
        "not_file"
    );
}

#[tokio::test]
async fn faults_rate_limit_server_errors_delays_and_drops() {
    let fb = start(|_| {}).await;
    let t = connect(&fb).await;
    let access = t["access_token"].as_str().unwrap();
    control(
        &fb,
        "faults",
        json!([
            {"route": "users/get_space_usage", "status": 429, "retry_after": 7},
            {"route": "users/get_space_usage", "status": 500},
            {"route": "users/get_space_usage", "drop": true},
        ]),
    )
    .await;
    let r = rpc(&fb, access, "users/get_space_usage", None).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["retry_after"], 7);
    assert_eq!(e["error"]["reason"][".tag"], "too_many_requests");
    assert_eq!(
        rpc(&fb, access, "users/get_space_usage", None)
            .await
            .status(),
        500
    );
    let dropped = Client::new()
        .post(format!("{}/2/users/get_space_usage", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {access}"))
        .send()
        .await;
    let complete = match dropped {
        Ok(r) => r.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(
        !complete,
        "the connection is closed before a complete answer"
    );
    assert_eq!(
        rpc(&fb, access, "users/get_space_usage", None)
            .await
            .status(),
        200
    );
    let s = fb_state(&fb).await;
    let statuses: Vec<u64> = s["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/2/users/get_space_usage")
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [429, 500, 200, 200]);
    let grants: Vec<_> = s["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["detail"].as_str())
        .collect();
    assert_eq!(grants, ["grant_type=authorization_code"]);
}

#[tokio::test]
async fn refuses_non_loopback() {
    let err = Fakebox::start(Config {
        listen: "0.0.0.0:0".parse().unwrap(),
        ..Config::default()
    })
    .await
    .err()
    .unwrap();
    assert!(err.to_string().contains("loopback"));
}

#[tokio::test]
async fn seeds_from_a_directory_with_names_sizes_and_bytes() {
    let dir = std::env::temp_dir().join(format!("fakebox-seed-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("Sub Folder/Ünïcode")).unwrap();
    std::fs::write(dir.join("hello.txt"), "hello").unwrap();
    std::fs::write(dir.join("Sub Folder/Ünïcode/deep.bin"), vec![7u8; 5000]).unwrap();
    let fb = start(|c| {
        c.sample = false;
        c.seed_dir = Some(dir.clone());
    })
    .await;
    let (access, _) = fb.mint_grant();
    let (entries, _, _) = list_all(&fb, &access, "", 2000).await;
    let names: Vec<_> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hello.txt", "Sub Folder"]);
    let hello = &entries[0];
    assert_eq!(hello["size"], 5);
    assert_eq!(
        hello["content_hash"],
        "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50"
    );
    let r = Client::new()
        .post(format!("{}/2/files/download", fb.base_url()))
        .header(AUTHORIZATION, format!("Bearer {access}"))
        .header(
            "Dropbox-API-Arg",
            fakebox::wire::header_safe_json(&json!({"path": "/sub folder/ünïcode/DEEP.bin"})),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        vec![7u8; 5000].as_slice()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// DNS rebinding: a request that names another host is not served.
#[tokio::test]
async fn a_request_addressed_to_another_host_is_misdirected() {
    let fb = start(|_| {}).await;
    let c = Client::new();
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        let r = c
            .post(format!("{}/2/users/get_current_account", fb.base_url()))
            .header(reqwest::header::HOST, host)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 421, "{host}");
    }
    let local = c
        .get(format!("{}/__fakebox/state", fb.base_url()))
        .header(reqwest::header::HOST, "localhost:1234")
        .send()
        .await
        .unwrap();
    assert_eq!(local.status(), 200);
}

/// No control request can make fakebox allocate, loop or wait without bound.
#[tokio::test]
async fn control_inputs_are_capped() {
    let fb = start(|_| {}).await;
    let c = Client::new();
    let deep = format!("/{}", vec!["a"; 100].join("/"));
    for (path, body) in [
        (
            "files",
            json!({"ops": [{"op": "generate", "path": "/g", "count": 2_000_000_000u64}]}),
        ),
        (
            "files",
            json!({"ops": [{"op": "add_file", "path": "/big", "size": u64::MAX}]}),
        ),
        (
            "files",
            json!({"ops": [{"op": "add_file", "path": deep, "content": "x"}]}),
        ),
        (
            "faults",
            json!({"route": "files/list_folder", "delay_ms": 1_000_000_000u64}),
        ),
        (
            "faults",
            json!({"route": "files/list_folder", "count": 1_000_000}),
        ),
    ] {
        let r = c
            .post(format!("{}/__fakebox/{path}", fb.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
    }
}

/// Two users: the consent page lets the second approve; their token sees their own app
/// folder and name, and a cursor of the first user's folder is refused.
#[tokio::test]
async fn a_second_user_approves_and_sees_their_own_folder() {
    let fb = start(|c| c.extra_accounts = vec![fakebox::ExtraAccount::sam()]).await;
    let first = connect(&fb).await;
    let page = browser()
        .get(authorize_url(&fb, &[]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Sam Lee") && page.contains("Alex Morgan"),
        "a choice of users"
    );
    let params = consent_as(&browser(), &authorize_url(&fb, &[]), "allow", Some(1)).await;
    let code = param(&params, "code").unwrap().to_string();
    let second: Value = exchange(&fb, &code, VERIFIER, Some(REDIRECT))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(first["account_id"], second["account_id"]);
    let token = second["access_token"].as_str().unwrap();
    let me: Value = rpc(&fb, token, "users/get_current_account", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "sam.lee@example.com");
    assert_eq!(me["account_id"], second["account_id"]);
    let listing: Value = rpc(&fb, token, "files/list_folder", Some(json!({"path": ""})))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = listing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Sam's notes.txt"), "{names:?}");
    assert!(!names.contains(&"Documents"), "not the first user's folder");
    let theirs: Value = rpc(
        &fb,
        first["access_token"].as_str().unwrap(),
        "files/list_folder",
        Some(json!({"path": ""})),
    )
    .await
    .json()
    .await
    .unwrap();
    let foreign = rpc(
        &fb,
        token,
        "files/list_folder/continue",
        Some(json!({"cursor": theirs["cursor"]})),
    )
    .await;
    assert_eq!(foreign.status(), 400, "another user's cursor");
}

/// search_v2: words begin words of names, case- and accent-insensitively, anywhere below
/// the folder; pages of max_results follow through search/continue_v2.
#[tokio::test]
async fn search_finds_names_by_word_prefixes_and_pages_through_continue() {
    let fb = start(|_| {}).await;
    let token = connect(&fb).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let found: Value = rpc(
        &fb,
        &token,
        "files/search_v2",
        Some(json!({"query": "cafe MULL"})),
    )
    .await
    .json()
    .await
    .unwrap();
    let paths: Vec<&str> = found["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["metadata"]["metadata"]["path_display"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["/Documents/Taxes/2025/Receipts/Café Müller 2025-03-14.jpg"]
    );
    assert_eq!(found["matches"][0]["match_type"][".tag"], "filename");
    assert_eq!(found["has_more"], false);

    let mut seen = Vec::new();
    let mut page: Value = rpc(
        &fb,
        &token,
        "files/search_v2",
        Some(json!({"query": "2025", "options": {"max_results": 2}})),
    )
    .await
    .json()
    .await
    .unwrap();
    loop {
        for m in page["matches"].as_array().unwrap() {
            seen.push(
                m["metadata"]["metadata"]["path_lower"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        if page["has_more"] != true {
            break;
        }
        page = rpc(
            &fb,
            &token,
            "files/search/continue_v2",
            Some(json!({"cursor": page["cursor"]})),
        )
        .await
        .json()
        .await
        .unwrap();
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert!(seen.len() >= 4, "{seen:?}");
    assert_eq!(unique, seen, "no duplicates across pages");
    assert!(
        seen.contains(&"/photos/holiday 2025".to_string()),
        "folders too"
    );
    let empty = rpc(&fb, &token, "files/search_v2", Some(json!({"query": ""}))).await;
    assert_eq!(empty.status(), 400);
}
