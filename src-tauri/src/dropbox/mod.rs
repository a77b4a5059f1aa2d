//! A typed Dropbox API v2 client on reqwest: account, space usage, list_folder and
//! continue, search, the long-poll for changes (notify host, no token), token revoke; the
//! content host's routes (downloads, zips, thumbnails) are in `content.rs`, the uploads in
//! `upload.rs`, moves and renames in `organize.rs`. It takes an access token per call and knows nothing about where tokens are
//! kept or how they are refreshed (that is `session`'s job).

pub mod content;
pub mod content_hash;
pub mod error;
pub mod organize;
pub mod types;
pub mod upload;

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use url::Url;

pub use content::{DownloadError, Fetched, Thumbnail};
pub use content_hash::{ContentHasher, HashedBytes};
pub use error::{ApiError, AuthError, Conflict, PathError, RouteError, UploadSessionError};
pub use types::{
    FileMetadata, FolderMetadata, FullAccount, ListFolderResult, Metadata, MetadataV2,
    SearchResult, SpaceUsage,
};
pub use upload::{timestamp, Commit, Committed, Finish, WriteMode, MAX_BATCH};

use crate::secret::AccessToken;

/// Build the one HTTP client Dropdesk uses: rustls, no redirects (a token request must
/// never be forwarded), bounded connect and request time.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("Dropdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("TLS backend initialises")
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    api: Url,
    notify: Url,
    content: Url,
}

/// `files/list_folder/longpoll`'s answer.
#[derive(Clone, Copy, Debug, serde::Deserialize)]
pub struct Longpoll {
    pub changes: bool,
    /// Seconds to wait before the next long-poll.
    #[serde(default)]
    pub backoff: Option<u64>,
}

impl Client {
    /// A client of the API host; the notify and content hosts are the same until
    /// [`Client::with_hosts`].
    pub fn new(http: reqwest::Client, api: Url) -> Self {
        Client {
            http,
            notify: api.clone(),
            content: api.clone(),
            api,
        }
    }

    pub fn with_hosts(self, notify: Url, content: Url) -> Self {
        Client {
            notify,
            content,
            ..self
        }
    }

    fn url(&self, route: &str) -> Url {
        self.api
            .join(&format!("2/{route}"))
            .expect("route paths are valid")
    }

    /// POST an RPC route; `arg` `None` is a Void argument (no body).
    async fn rpc<T: DeserializeOwned>(
        &self,
        token: &AccessToken,
        route: &str,
        arg: Option<Value>,
    ) -> Result<T, ApiError> {
        let mut request = self.http.post(self.url(route)).bearer_auth(token.expose());
        if let Some(arg) = arg {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(arg.to_string());
        }
        let response = request.send().await.map_err(network)?;
        answer(route, response).await
    }

    pub async fn current_account(&self, token: &AccessToken) -> Result<FullAccount, ApiError> {
        self.rpc(token, "users/get_current_account", None).await
    }

    pub async fn space_usage(&self, token: &AccessToken) -> Result<SpaceUsage, ApiError> {
        self.rpc(token, "users/get_space_usage", None).await
    }

    /// One entry's metadata.
    pub async fn metadata(&self, token: &AccessToken, path: &str) -> Result<Metadata, ApiError> {
        self.rpc(token, "files/get_metadata", Some(json!({"path": path})))
            .await
    }

    /// The first page of a folder (`""` is the app folder root).
    pub async fn list_folder(
        &self,
        token: &AccessToken,
        path: &str,
        limit: u32,
    ) -> Result<ListFolderResult, ApiError> {
        self.rpc(
            token,
            "files/list_folder",
            Some(json!({"path": path, "limit": limit, "include_non_downloadable_files": true})),
        )
        .await
    }

    pub async fn list_folder_continue(
        &self,
        token: &AccessToken,
        cursor: &str,
    ) -> Result<ListFolderResult, ApiError> {
        self.rpc(
            token,
            "files/list_folder/continue",
            Some(json!({"cursor": cursor})),
        )
        .await
    }

    /// Search file and folder names in the whole app folder.
    pub async fn search(&self, token: &AccessToken, query: &str) -> Result<SearchResult, ApiError> {
        self.rpc(
            token,
            "files/search_v2",
            Some(json!({"query": query, "options": {"max_results": 100, "filename_only": true}})),
        )
        .await
    }

    pub async fn search_continue(
        &self,
        token: &AccessToken,
        cursor: &str,
    ) -> Result<SearchResult, ApiError> {
        self.rpc(
            token,
            "files/search/continue_v2",
            Some(json!({"cursor": cursor})),
        )
        .await
    }

    /// Wait (up to `timeout_secs`, Dropbox adds up to 90 s) until something changes below
    /// the cursor's folder. Takes no token: the cursor is the authority.
    pub async fn longpoll(&self, cursor: &str, timeout_secs: u64) -> Result<Longpoll, ApiError> {
        const ROUTE: &str = "files/list_folder/longpoll";
        let url = self
            .notify
            .join(&format!("2/{ROUTE}"))
            .expect("route paths are valid");
        let response = self
            .http
            .post(url)
            .timeout(Duration::from_secs(timeout_secs + 100))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json!({"cursor": cursor, "timeout": timeout_secs}).to_string())
            .send()
            .await
            .map_err(network)?;
        answer(ROUTE, response).await
    }

    /// Revoke the token, its refresh token and every token minted from the same grant.
    pub async fn revoke(&self, token: &AccessToken) -> Result<(), ApiError> {
        let _: Value = self.rpc(token, "auth/token/revoke", None).await?;
        Ok(())
    }
}

/// The largest answer a route's result may be (a page of 2,000 entries is about 2 MB).
const MAX_ANSWER: usize = 32 << 20;
/// An error's body is read this far at most (Dropbox's are a few hundred bytes) ...
const MAX_ERROR_BODY: usize = 64 << 10;
/// ... and for this long at most, whatever the route's own timeout.
const ERROR_BODY_TIME: Duration = Duration::from_secs(30);

/// Decode an answer: the JSON result on 2xx, else the error Dropbox describes. Neither is
/// read past its bound: a result larger than [`MAX_ANSWER`] is refused, an error's body
/// is cut at [`MAX_ERROR_BODY`] or [`ERROR_BODY_TIME`]. A 401 or 409 whose body broke off
/// is a lost answer (`Network`), never a refusal: there the body says what was refused.
pub(crate) async fn answer<T: DeserializeOwned>(
    route: &str,
    response: reqwest::Response,
) -> Result<T, ApiError> {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if !(200..300).contains(&status) {
        let body = tokio::time::timeout(ERROR_BODY_TIME, read_at_most(response, MAX_ERROR_BODY))
            .await
            .unwrap_or(Err(ApiError::Network("timed out")));
        let body = match body {
            Ok(body) => body,
            Err(lost) if matches!(status, 401 | 409) => return Err(lost),
            Err(_) => Vec::new(),
        };
        return Err(error::from_response(
            route,
            status,
            retry_after.as_deref(),
            &String::from_utf8_lossy(&body),
        ));
    }
    let too_large = || ApiError::Decode(format!("{route}: an answer over {MAX_ANSWER} bytes"));
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER as u64)
    {
        return Err(too_large());
    }
    let body = read_at_most(response, MAX_ANSWER + 1).await?;
    if body.len() > MAX_ANSWER {
        return Err(too_large());
    }
    serde_json::from_slice(&body).map_err(|e| ApiError::Decode(format!("{route}: {e}")))
}

/// The first `limit` bytes of a body (all of a shorter one); the rest is never read.
pub(crate) async fn read_at_most(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    while out.len() < limit {
        let Some(chunk) = response.chunk().await.map_err(network)? else {
            break;
        };
        out.extend_from_slice(&chunk[..chunk.len().min(limit - out.len())]);
    }
    Ok(out)
}

/// JSON for an HTTP header, with every non-ASCII character escaped as Dropbox asks.
pub(crate) fn header_json(value: &Value) -> String {
    let mut out = String::new();
    for c in value.to_string().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// A transport failure, described without the URL's query or any header; a certificate
/// that could not be trusted is told apart from being offline.
pub(crate) fn network(e: reqwest::Error) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        // rustls' error reaches reqwest inside io::Errors, whose `source()` skips it.
        let mut inner = s;
        while let Some(wrapped) = inner
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            inner = wrapped;
        }
        if let Some(rustls::Error::InvalidCertificate(_)) = inner.downcast_ref::<rustls::Error>() {
            return ApiError::Untrusted;
        }
        source = s.source();
    }
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_decode() || e.is_body() {
        "the connection broke off"
    } else {
        "the request failed"
    };
    ApiError::Network(kind)
}
