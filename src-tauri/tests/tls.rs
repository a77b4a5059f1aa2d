//! The HTTPS client Dropdesk talks to Dropbox with (`dropbox::http_client`) checks every
//! server's certificate against the roots built into it (webpki-roots) and nothing else: a
//! real TLS server on loopback, with certificates made here, is refused when it shows a
//! self-signed certificate, or one from a root that is not built in, even when that root
//! is in the trust store OpenSSL and curl would read (`SSL_CERT_FILE`).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::OnceLock;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslAcceptor, SslMethod};
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509Name, X509};

struct Issued {
    cert: X509,
    key: PKey<Private>,
}

/// A certificate for `name`, signed by `issuer` or by itself; `ca` makes it a root.
fn issue(name: &str, issuer: Option<&Issued>, ca: bool) -> Issued {
    let key = PKey::ec_gen("prime256v1").unwrap();
    let mut subject = X509Name::builder().unwrap();
    subject.append_entry_by_text("CN", name).unwrap();
    let subject = subject.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(64, MsbOption::MAYBE_ZERO, false).unwrap();
    b.set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&subject).unwrap();
    b.set_issuer_name(issuer.map_or(&subject, |i| i.cert.subject_name()))
        .unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(2).unwrap())
        .unwrap();
    if ca {
        b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap();
        b.append_extension(KeyUsage::new().key_cert_sign().build().unwrap())
            .unwrap();
    } else {
        let san = SubjectAlternativeName::new()
            .dns(name)
            .build(&b.x509v3_context(issuer.map(|i| i.cert.as_ref()), None))
            .unwrap();
        b.append_extension(san).unwrap();
    }
    b.sign(issuer.map_or(&key, |i| &i.key), MessageDigest::sha256())
        .unwrap();
    Issued {
        cert: b.build(),
        key,
    }
}

/// A root in the trust store OpenSSL reads, made and written out once, before any client.
fn store_root() -> &'static Issued {
    static ROOT: OnceLock<(Issued, tempfile::TempDir)> = OnceLock::new();
    &ROOT
        .get_or_init(|| {
            let root = issue("Dropdesk test root", None, true);
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("roots.pem");
            std::fs::write(&file, root.cert.to_pem().unwrap()).unwrap();
            std::env::set_var("SSL_CERT_FILE", &file);
            std::env::set_var("SSL_CERT_DIR", dir.path());
            (root, dir)
        })
        .0
}

/// A TLS server on loopback showing `cert`, answering one request with "ok"; its port.
fn serve(cert: Issued) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    acceptor.set_private_key(&cert.key).unwrap();
    acceptor.set_certificate(&cert.cert).unwrap();
    let acceptor = acceptor.build();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        // A refused handshake ends here, on the server's side too.
        let Ok(mut tls) = acceptor.accept(stream) else {
            return;
        };
        let mut request = [0u8; 4096];
        let _ = tls.read(&mut request);
        let _ =
            tls.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        let _ = tls.shutdown();
    });
    port
}

/// What Dropdesk's client gets from `https://localhost:{port}/`.
fn fetch(port: u16) -> Result<String, reqwest::Error> {
    store_root();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            dropdesk::dropbox::http_client()
                .get(format!("https://localhost:{port}/"))
                .send()
                .await?
                .text()
                .await
        })
}

/// The refusal, down to rustls' reason: a refused connection (nothing listening) or any
/// failure other than the certificate's check does not count as a refused certificate.
fn assert_refused_certificate(result: Result<String, reqwest::Error>) {
    let e = result.expect_err("the certificate must be refused");
    assert!(e.is_connect(), "refused while connecting: {e:?}");
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = source {
        chain.push_str(&format!("{s} / "));
        source = s.source();
    }
    assert!(
        chain.contains("invalid peer certificate"),
        "refused for its certificate: {chain}"
    );
}

#[test]
fn a_self_signed_certificate_is_refused() {
    let port = serve(issue("localhost", None, false));
    assert_refused_certificate(fetch(port));
}

#[test]
fn a_root_in_the_systems_trust_store_adds_no_trust() {
    let port = serve(issue("localhost", Some(store_root()), false));
    assert_refused_certificate(fetch(port));
}

/// Through an intercepting proxy, a captive portal or with a wrong clock, the API client
/// says that Dropbox's identity could not be verified: not "You're offline", and nothing
/// offers to go on anyway.
#[test]
fn a_certificate_that_cannot_be_trusted_is_not_called_offline() {
    use dropdesk::dropbox::{ApiError, Client};
    use dropdesk::error::SessionError;
    store_root();
    let port = serve(issue("localhost", Some(store_root()), false));
    let client = Client::new(
        dropdesk::dropbox::http_client(),
        url::Url::parse(&format!("https://localhost:{port}/")).unwrap(),
    );
    let err = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(client.current_account(&dropdesk::secret::AccessToken::new("t")))
        .unwrap_err();
    assert_eq!(err, ApiError::Untrusted);
    assert!(!err.is_transient(), "not retried as if offline");
    let shown = dropdesk::messages::session(&SessionError::Api(err));
    assert_eq!(shown.code, "untrusted");
    assert_eq!(shown.title, "Dropbox's identity could not be verified");
}
