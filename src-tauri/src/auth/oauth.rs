//! The OAuth 2 client (oauth2 crate): PKCE S256 with a random `state`, the authorize URL
//! with `token_access_type=offline`, the code exchange and the refresh, over the app's one
//! reqwest client (which never follows redirects). A public client: no secret anywhere.
//! Token endpoint errors keep oauth2's typed `BasicErrorResponseType`. Half of the file is
//! its tests.

use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::Endpoints;
use crate::secret::{AccessToken, AuthCode, PkceVerifier, RefreshToken};

/// What Dropdesk asks for at sign-in: read-only access to its app folder and the
/// account's name.
pub const SCOPES: [&str; 3] = [
    "account_info.read",
    "files.metadata.read",
    "files.content.read",
];

/// What Dropdesk asks for the first time someone writes (uploads, renames, deletes), on
/// top of what the account granted before.
pub const WRITE_SCOPE: &str = "files.content.write";

/// Which access a sign-in asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Access {
    /// [`SCOPES`]: what a person who only browses needs.
    #[default]
    Read,
    /// [`WRITE_SCOPE`] with `include_granted_scopes=user`: the new grant carries the read
    /// scopes granted before as well.
    Write,
}

/// Dropbox's extra fields in the token response.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct DropboxFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

impl ExtraTokenFields for DropboxFields {}

type TokenBody = StandardTokenResponse<DropboxFields, BasicTokenType>;
type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenBody,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// An authorization in progress: the URLs for the browser and what must come back.
pub struct Authorization {
    /// Dropbox's authorize page, redirecting to `redirect_uri` when there is one.
    pub url: Url,
    /// The same authorization without a redirect: Dropbox shows the code to paste.
    pub paste_url: Url,
    pub redirect_uri: Option<String>,
    pub state: CsrfToken,
    pub verifier: PkceVerifier,
}

/// Tokens from the token endpoint.
#[derive(Debug)]
pub struct Tokens {
    pub access_token: AccessToken,
    /// Present on the code exchange; on a refresh only when the server rotates it.
    pub refresh_token: Option<RefreshToken>,
    pub expires_in: Option<u64>,
    pub scopes: Vec<String>,
    pub account_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Dropbox answered with an OAuth error: `invalid_grant` means the code or refresh
    /// token is no good (revoked, expired, already used).
    #[error("Dropbox refused the sign-in ({error})")]
    Rejected {
        error: BasicErrorResponseType,
        description: String,
    },
    /// No usable answer: network trouble, a 5xx, a 429 or an unreadable body. Try later.
    #[error("the sign-in server could not be reached or failed ({0})")]
    Unavailable(&'static str),
}

impl TokenError {
    pub fn is_invalid_grant(&self) -> bool {
        matches!(
            self,
            TokenError::Rejected {
                error: BasicErrorResponseType::InvalidGrant,
                ..
            }
        )
    }

    pub fn is_transient(&self) -> bool {
        matches!(self, TokenError::Unavailable(_))
    }
}

pub struct OAuth {
    client: OAuthClient,
    http: TokenEndpointClient,
}

impl OAuth {
    pub fn new(app_key: &str, endpoints: &Endpoints, http: reqwest::Client) -> Self {
        let auth = endpoints.web.join("oauth2/authorize").expect("valid path");
        let token = endpoints.api.join("oauth2/token").expect("valid path");
        let client = oauth2::Client::new(ClientId::new(app_key.to_string()))
            .set_auth_uri(AuthUrl::from_url(auth))
            .set_token_uri(TokenUrl::from_url(token))
            // PKCE public client: `client_id` goes in the form, there is no secret.
            .set_auth_type(AuthType::RequestBody);
        OAuth {
            client,
            http: TokenEndpointClient(http),
        }
    }

    /// A fresh PKCE pair and state, and the authorize URLs: one for this redirect URI
    /// (when the loopback listener could be opened) and one that shows a code to paste.
    /// Both carry the same challenge, so either code is exchanged with the one verifier.
    pub fn begin(&self, redirect_uri: Option<&str>, access: Access) -> Authorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = CsrfToken::new_random();
        let url_for = |client: &OAuthClient| {
            let request = client
                .authorize_url(|| state.clone())
                .set_pkce_challenge(challenge.clone())
                .add_extra_param("token_access_type", "offline");
            match access {
                Access::Read => {
                    request.add_scopes(SCOPES.iter().map(|s| Scope::new(s.to_string())))
                }
                Access::Write => request
                    .add_scope(Scope::new(WRITE_SCOPE.to_string()))
                    .add_extra_param("include_granted_scopes", "user"),
            }
            .url()
            .0
        };
        let paste_url = url_for(&self.client);
        let url = match redirect_uri {
            Some(uri) => url_for(
                &self
                    .client
                    .clone()
                    .set_redirect_uri(RedirectUrl::new(uri.to_string()).expect("loopback URL")),
            ),
            None => paste_url.clone(),
        };
        Authorization {
            url,
            paste_url,
            redirect_uri: redirect_uri.map(str::to_string),
            state,
            verifier: PkceVerifier::new(verifier.secret().as_str()),
        }
    }

    /// Trade the code for tokens, proving PKCE and resending the redirect URI the code
    /// was issued for (none for a pasted code).
    pub async fn exchange(
        &self,
        redirect_uri: Option<&str>,
        verifier: &PkceVerifier,
        code: AuthCode,
    ) -> Result<Tokens, TokenError> {
        let mut client = self.client.clone();
        if let Some(uri) = redirect_uri {
            client =
                client.set_redirect_uri(RedirectUrl::new(uri.to_string()).expect("loopback URL"));
        }
        let body = client
            .exchange_code(AuthorizationCode::new(code.expose().to_string()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_string()))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        Ok(tokens(body))
    }

    /// A new access token from the refresh token (and a new refresh token, should the
    /// server rotate it: Dropbox does not today, RFC 9700 asks it of public clients).
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<Tokens, TokenError> {
        let body = self
            .client
            .exchange_refresh_token(&oauth2::RefreshToken::new(
                refresh_token.expose().to_string(),
            ))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        Ok(tokens(body))
    }
}

/// The token endpoint's answers are a few hundred bytes; a longer one is not read.
const MAX_TOKEN_ANSWER: usize = 64 << 10;

/// The app's one reqwest client, as oauth2 calls it for the token endpoint, reading no
/// answer past [`MAX_TOKEN_ANSWER`] (oauth2's own reqwest client reads any body whole).
struct TokenEndpointClient(reqwest::Client);

impl<'c> oauth2::AsyncHttpClient<'c> for TokenEndpointClient {
    type Error = std::io::Error;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, Self::Error>> + Send + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(capped(&self.0, request))
    }
}

async fn capped(
    http: &reqwest::Client,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, std::io::Error> {
    fn unavailable(what: &str) -> std::io::Error {
        std::io::Error::other(what.to_string())
    }
    let request = reqwest::Request::try_from(request).map_err(|_| unavailable("bad request"))?;
    let response = http
        .execute(request)
        .await
        .map_err(|_| unavailable("no answer"))?;
    let mut answer = oauth2::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        answer = answer.header(name, value);
    }
    let body = crate::dropbox::read_at_most(response, MAX_TOKEN_ANSWER + 1)
        .await
        .map_err(|_| unavailable("the answer broke off"))?;
    if body.len() > MAX_TOKEN_ANSWER {
        return Err(unavailable("an answer too large to be one"));
    }
    answer
        .body(body)
        .map_err(|_| unavailable("unreadable answer"))
}

fn tokens(body: TokenBody) -> Tokens {
    Tokens {
        access_token: AccessToken::new(body.access_token().secret().as_str()),
        refresh_token: body
            .refresh_token()
            .map(|r| RefreshToken::new(r.secret().as_str())),
        expires_in: body.expires_in().map(|d| d.as_secs()),
        scopes: body
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        account_id: body.extra_fields().account_id.clone(),
    }
}

fn token_error<E: std::error::Error>(e: RequestTokenError<E, BasicErrorResponse>) -> TokenError {
    match e {
        RequestTokenError::ServerResponse(r) => TokenError::Rejected {
            error: r.error().clone(),
            description: r.error_description().cloned().unwrap_or_default(),
        },
        RequestTokenError::Request(_) => TokenError::Unavailable("no answer"),
        RequestTokenError::Parse(_, _) => TokenError::Unavailable("unreadable answer"),
        RequestTokenError::Other(_) => TokenError::Unavailable("unexpected answer"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oauth() -> OAuth {
        let base = Url::parse("https://www.example.test/").unwrap();
        OAuth::new(
            "appkey123",
            &Endpoints::single(&base),
            reqwest::Client::new(),
        )
    }

    #[test]
    fn asking_to_write_adds_the_write_scope_to_what_was_granted() {
        let auth = oauth().begin(Some("http://127.0.0.1:53421/callback"), Access::Write);
        let q: std::collections::HashMap<_, _> = auth.url.query_pairs().into_owned().collect();
        assert_eq!(q["scope"], WRITE_SCOPE);
        assert_eq!(q["include_granted_scopes"], "user");
        assert_eq!(q["token_access_type"], "offline");
        assert_eq!(q["code_challenge_method"], "S256");
        let read = oauth().begin(None, Access::Read);
        assert!(!read.url.as_str().contains("include_granted_scopes"));
    }

    #[test]
    fn authorize_url_has_every_parameter() {
        let auth = oauth().begin(Some("http://127.0.0.1:53421/callback"), Access::Read);
        let url = &auth.url;
        assert_eq!(url.path(), "/oauth2/authorize");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], "appkey123");
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:53421/callback");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["token_access_type"], "offline");
        assert_eq!(
            q["scope"],
            "account_info.read files.metadata.read files.content.read"
        );
        assert_eq!(q["state"], *auth.state.secret());
        assert!(q["state"].len() >= 16);
        assert!(!q.contains_key("client_secret"));
        // The challenge is S256 of the verifier we keep.
        let expected = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
            auth.verifier.expose().to_string(),
        ));
        assert_eq!(q["code_challenge"], *expected.as_str());
        assert_eq!(q["code_challenge"].len(), 43);
        // The raw query encodes spaces and colons.
        assert!(url
            .query()
            .unwrap()
            .contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A53421%2Fcallback"));
    }

    /// The path, the Authorization header and the form fields of the request received.
    type Recorded = (String, String, Vec<(String, String)>);

    /// A one-shot token endpoint that records the request it got.
    fn token_endpoint(
        status: u16,
        answer: &'static str,
    ) -> (Url, std::thread::JoinHandle<Recorded>) {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        let handle = std::thread::spawn(move || {
            let mut request = server.recv().unwrap();
            let mut body = String::new();
            request.as_reader().read_to_string(&mut body).unwrap();
            let auth = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.to_string())
                .unwrap_or_default();
            let path = request.url().to_string();
            let response = tiny_http::Response::from_string(answer)
                .with_status_code(status)
                .with_header(
                    tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap(),
                );
            request.respond(response).unwrap();
            let form = url::form_urlencoded::parse(body.as_bytes())
                .into_owned()
                .collect();
            (path, auth, form)
        });
        (
            Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap(),
            handle,
        )
    }

    #[tokio::test]
    async fn code_exchange_proves_pkce_and_resends_the_redirect_uri() {
        let (base, server) = token_endpoint(
            200,
            r#"{"access_token":"sl.A","token_type":"bearer","expires_in":14400,"refresh_token":"R","scope":"account_info.read","uid":"1","account_id":"dbid:abc"}"#,
        );
        let oauth = OAuth::new(
            "appkey123",
            &Endpoints::single(&base),
            crate::dropbox::http_client(),
        );
        let auth = oauth.begin(Some("http://127.0.0.1:53422/callback"), Access::Read);
        let verifier = auth.verifier.expose().to_string();
        let challenge =
            PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.clone()));
        assert!(auth.url.as_str().contains(challenge.as_str()));
        let tokens = oauth
            .exchange(
                auth.redirect_uri.as_deref(),
                &auth.verifier,
                AuthCode::new("the-code"),
            )
            .await
            .unwrap();
        let (path, authorization, form) = server.join().unwrap();
        let field = |k: &str| form.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
        assert_eq!(path, "/oauth2/token");
        assert_eq!(field("grant_type"), Some("authorization_code"));
        assert_eq!(field("code"), Some("the-code"));
        assert_eq!(field("code_verifier"), Some(verifier.as_str()));
        assert_eq!(
            field("redirect_uri"),
            Some("http://127.0.0.1:53422/callback")
        );
        assert_eq!(field("client_id"), Some("appkey123"));
        assert_eq!(field("client_secret"), None);
        assert_eq!(
            authorization, "",
            "no Basic auth: a public client has no secret"
        );
        assert_eq!(tokens.account_id.as_deref(), Some("dbid:abc"));
        assert_eq!(tokens.expires_in, Some(14400));
        assert_eq!(
            tokens.refresh_token.as_ref().map(RefreshToken::expose),
            Some("R")
        );
        assert_eq!(format!("{tokens:?}").matches("[redacted]").count(), 2);
    }

    #[tokio::test]
    async fn refresh_rejection_is_told_apart_from_unavailability() {
        let (base, server) = token_endpoint(
            400,
            r#"{"error":"invalid_grant","error_description":"refresh token is invalid or revoked"}"#,
        );
        let oauth = OAuth::new(
            "k",
            &Endpoints::single(&base),
            crate::dropbox::http_client(),
        );
        let err = oauth.refresh(&RefreshToken::new("R")).await.unwrap_err();
        let (_, _, form) = server.join().unwrap();
        assert!(form.contains(&("grant_type".into(), "refresh_token".into())));
        assert!(err.is_invalid_grant(), "{err:?}");
        let closed = Url::parse(&format!("http://127.0.0.1:{}/", free_port())).unwrap();
        let err = OAuth::new(
            "k",
            &Endpoints::single(&closed),
            crate::dropbox::http_client(),
        )
        .refresh(&RefreshToken::new("R"))
        .await
        .unwrap_err();
        assert!(matches!(err, TokenError::Unavailable(_)));
        assert!(!err.is_invalid_grant());
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    #[test]
    fn every_flow_gets_a_fresh_state_and_verifier() {
        let o = oauth();
        let a = o.begin(Some("http://127.0.0.1:1/callback"), Access::Read);
        let b = o.begin(Some("http://127.0.0.1:1/callback"), Access::Read);
        assert_ne!(a.state.secret(), b.state.secret());
        assert!(!a.verifier.same_as(&b.verifier));
    }

    #[test]
    fn the_paste_url_is_the_same_authorization_without_a_redirect() {
        let auth = oauth().begin(Some("http://127.0.0.1:53421/callback"), Access::Read);
        let query = |u: &Url| -> std::collections::HashMap<String, String> {
            u.query_pairs().into_owned().collect()
        };
        let (with, without) = (query(&auth.url), query(&auth.paste_url));
        assert!(!without.contains_key("redirect_uri"));
        for key in [
            "code_challenge",
            "state",
            "client_id",
            "token_access_type",
            "scope",
        ] {
            assert_eq!(with[key], without[key], "{key}");
        }
        let none = oauth().begin(None, Access::Read);
        assert_eq!(none.url, none.paste_url);
        assert_eq!(none.redirect_uri, None);
    }
}
