//! A server that lies: Dropdesk's API client and OAuth client against a loopback HTTP
//! server that answers with what Dropbox never would (endless results and error bodies, a
//! download longer than it declared, a zip larger than the disk, a thumbnail declaring
//! absurd dimensions, an endless token answer). Each is bounded: refused or cut off, never
//! read whole or written past its bound.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dropdesk::config::Endpoints;
use dropdesk::dropbox::content::DownloadError;
use dropdesk::dropbox::{http_client, ApiError, Client};
use dropdesk::secret::{AccessToken, RefreshToken};
use tokio_util::sync::CancellationToken;
use url::Url;

/// Bytes a server sends, counted as they are read from it.
struct Endless {
    sent: Arc<AtomicU64>,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        buf.fill(b'x');
        self.sent.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
}

/// A server answering every request with `status`, `headers` and an endless body (no
/// length: chunked); the bytes it sent are counted.
fn endless_server(status: u16, headers: Vec<(&'static str, String)>) -> (Url, Arc<AtomicU64>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let sent = Arc::new(AtomicU64::new(0));
    let counted = sent.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let mut response = tiny_http::Response::new(
                status.into(),
                Vec::new(),
                Endless {
                    sent: counted.clone(),
                },
                None,
                None,
            );
            for (name, value) in &headers {
                response
                    .add_header(tiny_http::Header::from_bytes(*name, value.as_bytes()).unwrap());
            }
            // The client hangs up once it has had enough; that ends the answer.
            let _ = request.respond(response);
        }
    });
    (
        Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap(),
        sent,
    )
}

/// A server answering every request with `status`, `headers` and this body.
fn server(status: u16, headers: Vec<(&'static str, String)>, body: Vec<u8>) -> Url {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let mut response =
                tiny_http::Response::from_data(body.clone()).with_status_code(status);
            for (name, value) in &headers {
                response
                    .add_header(tiny_http::Header::from_bytes(*name, value.as_bytes()).unwrap());
            }
            let _ = request.respond(response);
        }
    });
    Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap()
}

/// The client stopped reading well before the endless body would have ended.
fn assert_sent_less_than(sent: &AtomicU64, bound: u64) {
    let n = sent.load(Ordering::Relaxed);
    assert!(n < bound, "{n} bytes were read of an endless body");
}

/// A file's metadata as Dropbox describes it.
fn file_metadata(name: &str, size: u64) -> serde_json::Value {
    serde_json::json!({
        ".tag": "file", "name": name, "path_display": format!("/{name}"),
        "path_lower": format!("/{}", name.to_lowercase()), "id": "id:a",
        "rev": "0123456789abcdef", "size": size,
        "client_modified": "2026-01-01T00:00:00Z", "server_modified": "2026-01-01T00:00:00Z",
    })
}

fn token() -> AccessToken {
    AccessToken::new("sl.test-token")
}

/// Bounded so that a hang fails the test instead of stalling the suite.
async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(120), f)
        .await
        .expect("the client gave up on the lie within two minutes")
}

#[tokio::test]
async fn an_endless_result_is_refused_not_read_whole() {
    let (url, sent) = endless_server(200, vec![("Content-Type", "application/json".into())]);
    let client = Client::new(http_client(), url);
    let err = within(client.list_folder(&token(), "", 100))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::Decode(d) if d.contains("an answer over")),
        "{err:?}"
    );
    // Read up to the bound (32 MiB) and a little past it, never on and on.
    assert_sent_less_than(&sent, 64 << 20);
}

#[tokio::test]
async fn an_endless_error_body_is_cut_off() {
    let (url, sent) = endless_server(500, vec![("Content-Type", "text/plain".into())]);
    let client = Client::new(http_client(), url);
    let err = within(client.list_folder(&token(), "", 100))
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::Server { status: 500 });
    assert_sent_less_than(&sent, 16 << 20);
}

#[tokio::test]
async fn a_download_longer_than_declared_stops_at_the_declared_size() {
    let meta = file_metadata("a.txt", 1000);
    let (url, _) = endless_server(
        200,
        vec![
            ("Content-Type", "application/octet-stream".into()),
            ("Dropbox-API-Result", meta.to_string()),
        ],
    );
    let client = Client::new(http_client(), url);
    let dir = tempfile::tempdir().unwrap();
    let part = dir.path().join("a.txt.part");
    let file = std::fs::File::create(&part).unwrap();
    let err = within(client.download(
        &token(),
        "/a.txt",
        None,
        &file,
        0,
        &|_, _| {},
        &CancellationToken::new(),
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, DownloadError::Corrupt), "{err:?}");
    let written = std::fs::metadata(&part).map_or(0, |m| m.len());
    assert!(
        written <= 1000,
        "{written} bytes written for a file of 1000"
    );
}

/// A small file system of its own, unmounted when dropped (needs root, as CI has).
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(
            mounted.success(),
            "this test mounts a tmpfs (it needs root, as CI has)"
        );
        Tmpfs(dir)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn free(&self) -> u64 {
        let out = std::process::Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(self.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[tokio::test]
async fn a_zip_larger_than_the_disk_stops_before_filling_it() {
    let disk = Tmpfs::mount("64m");
    let before = disk.free();
    let (url, _) = endless_server(200, vec![("Content-Type", "application/zip".into())]);
    let client = Client::new(http_client(), url);
    let part = disk.path().join("Photos.zip.part");
    let file = std::fs::File::create(&part).unwrap();
    let err = within(client.download_zip(
        &token(),
        "/Photos",
        &file,
        disk.path(),
        &|_, _| {},
        &CancellationToken::new(),
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(&err, DownloadError::Disk(e) if e.kind() == std::io::ErrorKind::StorageFull),
        "{err:?}"
    );
    // A twentieth of the free space is left to the rest of the system.
    assert!(
        disk.free() >= before / 20 - (1 << 20),
        "{} of {before} bytes left",
        disk.free()
    );
}

#[tokio::test]
async fn a_thumbnail_declaring_absurd_dimensions_is_refused() {
    // A PNG's signature and header claiming 65,535 × 65,535 pixels: a few bytes that would
    // make the web view try to decode 17 GB.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&65_535u32.to_be_bytes());
    png.extend_from_slice(&65_535u32.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let meta = serde_json::json!({"file_metadata": file_metadata("p.png", 10)});
    let url = server(
        200,
        vec![
            ("Content-Type", "image/jpeg".into()),
            ("Dropbox-API-Result", meta.to_string()),
        ],
        png,
    );
    let client = Client::new(http_client(), url);
    let err = within(client.thumbnail(&token(), "/p.png", "w256h256"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::Decode(d) if d.contains("65535 × 65535")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_endless_token_answer_is_refused() {
    let (url, sent) = endless_server(200, vec![("Content-Type", "application/json".into())]);
    let oauth = dropdesk::auth::oauth::OAuth::new("key", &Endpoints::single(&url), http_client());
    let err = within(oauth.refresh(&RefreshToken::new("refresh")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, dropdesk::auth::oauth::TokenError::Unavailable(_)),
        "{err:?}"
    );
    assert_sent_less_than(&sent, 16 << 20);
}
