//! Signing in by pasting the code Dropbox shows on an authorize page opened without a
//! redirect (on this machine or another device): it works when no registered port is
//! free, and a wrong, reused, expired or foreign code is refused with the sign-in still
//! waiting for a good one; nothing is stored until an exchange succeeded.

mod support;

use std::net::TcpListener;
use std::time::Duration;

use dropdesk::messages;
use dropdesk::session::{ConnectOutcome, SessionError};
use support::*;

/// Every registered port taken by another program, for as long as this lives.
fn occupy(ports: &[u16]) -> Vec<TcpListener> {
    ports
        .iter()
        .map(|&p| TcpListener::bind(("127.0.0.1", p)).expect("the port is free to take"))
        .collect()
}

#[tokio::test]
async fn with_every_port_taken_a_pasted_code_connects() {
    let mut w = memory_world().await;
    let _taken = occupy(&w.ports);
    let waiting = w
        .session
        .start_connect()
        .await
        .expect("a sign-in starts anyway");
    assert!(!waiting.listening);
    assert!(!waiting.paste.url.contains("redirect_uri"));
    assert!(waiting.paste.qr_svg.starts_with("<?xml") || waiting.paste.qr_svg.contains("<svg"));
    let opened = w.urls.recv().await.unwrap();
    assert_eq!(
        opened, waiting.paste.url,
        "the browser opens the page that shows a code"
    );
    let code = code_from_page(&browser(), &waiting.paste.url).await;
    let window = approve_in_window(&w.session);
    w.session
        .submit_code(&format!("  {code}\n"))
        .await
        .expect("the code connects");
    match window.await.unwrap() {
        ConnectOutcome::Connected(account) => assert_eq!(account.display_name, "Alex Morgan"),
        other => panic!("{other:?}"),
    }
    assert!(w.vault.current().unwrap().is_some());
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_a_good_one_still_connects() {
    let mut w = memory_world().await;
    let waiting = w.session.start_connect().await.unwrap();
    assert!(waiting.listening, "the listener is up as well");
    let _ = w.urls.recv().await.unwrap();
    for wrong in ["not-the-code", "", "has spaces in it"] {
        assert_eq!(
            w.session.submit_code(wrong).await.unwrap_err(),
            SessionError::CodeRefused,
            "{wrong:?}"
        );
    }
    assert_eq!(
        messages::session(&SessionError::CodeRefused).code,
        "code_refused"
    );
    assert!(w.vault.current().unwrap().is_none(), "nothing stored");
    assert!(w.session.start_link().is_ok(), "still waiting");
    let code = code_from_page(&browser(), &waiting.paste.url).await;
    let window = approve_in_window(&w.session);
    w.session.submit_code(&code).await.unwrap();
    assert!(matches!(
        window.await.unwrap(),
        ConnectOutcome::Connected(_)
    ));
}

#[tokio::test]
async fn a_reused_code_is_refused() {
    let w = memory_world().await;
    let waiting = w.session.start_connect().await.unwrap();
    let code = code_from_page(&browser(), &waiting.paste.url).await;
    let window = approve_in_window(&w.session);
    w.session.submit_code(&code).await.unwrap();
    window.await.unwrap();
    assert!(disconnect_shown(&w.session).await.confirmed);
    w.session.start_connect().await.unwrap();
    assert_eq!(
        w.session.submit_code(&code).await.unwrap_err(),
        SessionError::CodeRefused
    );
    assert!(w.vault.current().unwrap().is_none());
    w.session.cancel_connect();
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let w = world(
        None,
        |c| c.code_ttl = Duration::from_millis(500),
        Duration::from_secs(60),
    )
    .await;
    let waiting = w.session.start_connect().await.unwrap();
    let code = code_from_page(&browser(), &waiting.paste.url).await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        w.session.submit_code(&code).await.unwrap_err(),
        SessionError::CodeRefused
    );
    assert!(w.vault.current().unwrap().is_none());
    w.session.cancel_connect();
}

/// A code approved for another sign-in (another PKCE challenge) fails the verifier check.
#[tokio::test]
async fn a_code_for_another_sign_in_fails_the_verifier() {
    let w = memory_world().await;
    let earlier = w.session.start_connect().await.unwrap();
    w.session.cancel_connect();
    assert_eq!(
        approve_in_window(&w.session).await.unwrap(),
        ConnectOutcome::Cancelled
    );
    let foreign = code_from_page(&browser(), &earlier.paste.url).await;
    let now = w.session.start_connect().await.unwrap();
    assert_ne!(now.paste.url, earlier.paste.url);
    assert_eq!(
        w.session.submit_code(&foreign).await.unwrap_err(),
        SessionError::CodeRefused
    );
    assert!(w.vault.current().unwrap().is_none());
    w.session.cancel_connect();
}
