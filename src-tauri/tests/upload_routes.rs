//! Dropdesk's client of the upload routes against fakebox, over real HTTP: each route, and
//! each error the uploader acts on, decoded into the variant it acts on.

use bytes::Bytes;
use dropdesk::dropbox::{
    self, ApiError, AuthError, Commit, Conflict, Finish, PathError, RouteError, UploadSessionError,
    WriteMode,
};
use dropdesk::secret::AccessToken;
use fakebox::{Config, Fakebox};

async fn start(tweak: impl FnOnce(&mut Config)) -> (Fakebox, dropbox::Client, AccessToken) {
    let mut config = Config::default();
    config.app_scopes.push("files.content.write".into());
    tweak(&mut config);
    let fb = fakebox_control::start(config).await.unwrap();
    let (token, _) = fb.mint_grant();
    let client = dropbox::Client::new(
        dropbox::http_client(),
        url::Url::parse(&format!("{}/", fb.base_url())).unwrap(),
    );
    (fb, client, AccessToken::new(token))
}

fn commit(path: &str, mode: WriteMode) -> Commit {
    Commit {
        path: path.into(),
        mode,
        autorename: false,
        client_modified: Some("2026-12-05T08:00:00Z".into()),
    }
}

fn route_error(e: ApiError) -> RouteError {
    e.route_error()
        .unwrap_or_else(|| panic!("a route error: {e:?}"))
}

#[tokio::test]
async fn a_small_file_is_committed_with_its_content_hash() {
    let (_fb, client, token) = start(|_| {}).await;
    let meta = client
        .upload(
            &token,
            &commit("/Up/a.txt", WriteMode::Add),
            Bytes::from_static(b"hello"),
        )
        .await
        .unwrap();
    assert_eq!(meta.name, "a.txt");
    assert_eq!(meta.size, 5);
    let mut h = dropbox::ContentHasher::default();
    h.update(b"hello");
    assert_eq!(meta.content_hash, Some(h.finish()));
}

#[tokio::test]
async fn a_read_only_grant_is_told_apart_as_a_missing_scope() {
    let (fb, client, _) = start(|_| {}).await;
    let (read_only, _) = fb.mint_grant_with_scopes(&["files.content.read"]);
    let e = client
        .upload(
            &AccessToken::new(read_only),
            &commit("/a.txt", WriteMode::Add),
            Bytes::from_static(b"a"),
        )
        .await
        .unwrap_err();
    assert_eq!(e, ApiError::Unauthorized(AuthError::MissingScope));
}

#[tokio::test]
async fn a_taken_name_and_a_stale_revision_are_conflicts() {
    let (_fb, client, token) = start(|_| {}).await;
    let first = client
        .upload(
            &token,
            &commit("/a.txt", WriteMode::Add),
            Bytes::from_static(b"1"),
        )
        .await
        .unwrap();
    let taken = client
        .upload(
            &token,
            &commit("/A.TXT", WriteMode::Add),
            Bytes::from_static(b"2"),
        )
        .await
        .unwrap_err();
    let conflict = RouteError::Path {
        path: PathError::Conflict {
            conflict: Conflict::File,
        },
    };
    assert_eq!(route_error(taken), conflict);
    let second = client
        .upload(
            &token,
            &commit("/a.txt", WriteMode::Update(first.rev.clone())),
            Bytes::from_static(b"2"),
        )
        .await
        .unwrap();
    assert_ne!(second.rev, first.rev);
    let stale = client
        .upload(
            &token,
            &commit("/a.txt", WriteMode::Update(first.rev.clone())),
            Bytes::from_static(b"3"),
        )
        .await
        .unwrap_err();
    assert_eq!(route_error(stale), conflict);
    let mut beside = commit("/a.txt", WriteMode::Update(first.rev));
    beside.autorename = true;
    let kept = client
        .upload(&token, &beside, Bytes::from_static(b"3"))
        .await
        .unwrap();
    assert_eq!(kept.name, "a (conflicted copy).txt");
}

#[tokio::test]
async fn a_full_dropbox_is_insufficient_space() {
    let (_fb, client, token) = start(|c| c.allocated = 4).await;
    let e = client
        .upload(
            &token,
            &commit("/big.bin", WriteMode::Add),
            Bytes::from_static(b"12345"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        route_error(e),
        RouteError::Path {
            path: PathError::InsufficientSpace
        }
    );
}

#[tokio::test]
async fn a_session_goes_on_from_the_offset_dropbox_confirms() {
    let (_fb, client, token) = start(|_| {}).await;
    let id = client
        .upload_session_start(&token, Bytes::from_static(b"0123"), false)
        .await
        .unwrap();
    let wrong = client
        .upload_session_append(&token, &id, 0, Bytes::from_static(b"4567"), false)
        .await
        .unwrap_err();
    assert_eq!(
        route_error(wrong),
        RouteError::IncorrectOffset { correct_offset: 4 }
    );
    client
        .upload_session_append(&token, &id, 4, Bytes::from_static(b"4567"), false)
        .await
        .unwrap();
    let late = client
        .upload_session_finish(
            &token,
            &id,
            4,
            Bytes::from_static(b"89"),
            &commit("/d.txt", WriteMode::Add),
        )
        .await
        .unwrap_err();
    assert_eq!(
        route_error(late),
        RouteError::LookupFailed {
            lookup_failed: UploadSessionError::IncorrectOffset { correct_offset: 8 }
        }
    );
    let meta = client
        .upload_session_finish(
            &token,
            &id,
            8,
            Bytes::from_static(b"89"),
            &commit("/d.txt", WriteMode::Add),
        )
        .await
        .unwrap();
    assert_eq!(meta.size, 10);
    let gone = client
        .upload_session_append(&token, &id, 10, Bytes::new(), false)
        .await
        .unwrap_err();
    assert_eq!(route_error(gone), RouteError::NotFound);
}

#[tokio::test]
async fn a_closed_session_and_an_oversized_one_are_told_apart() {
    let (_fb, client, token) = start(|c| c.max_file_size = 6).await;
    let closed = client
        .upload_session_start(&token, Bytes::from_static(b"abc"), true)
        .await
        .unwrap();
    let e = client
        .upload_session_append(&token, &closed, 3, Bytes::from_static(b"d"), false)
        .await
        .unwrap_err();
    assert_eq!(route_error(e), RouteError::Closed);
    let open = client
        .upload_session_start(&token, Bytes::from_static(b"abcd"), false)
        .await
        .unwrap();
    let e = client
        .upload_session_append(&token, &open, 4, Bytes::from_static(b"efg"), false)
        .await
        .unwrap_err();
    assert_eq!(route_error(e), RouteError::TooLarge);
}

#[tokio::test]
async fn a_batch_commits_each_session_on_its_own_in_order() {
    let (_fb, client, token) = start(|_| {}).await;
    let mut entries = Vec::new();
    for (name, close) in [("a.txt", true), ("open.txt", false), ("b.txt", true)] {
        let id = client
            .upload_session_start(&token, Bytes::from(name.as_bytes().to_vec()), close)
            .await
            .unwrap();
        entries.push(Finish {
            session_id: id,
            size: name.len() as u64,
            commit: commit(&format!("/Batch/{name}"), WriteMode::Add),
        });
    }
    let out = client
        .upload_session_finish_batch(&token, &entries)
        .await
        .unwrap();
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].as_ref().unwrap().name, "a.txt");
    assert_eq!(
        out[1].as_ref().unwrap_err(),
        &RouteError::LookupFailed {
            lookup_failed: UploadSessionError::NotClosed
        }
    );
    assert_eq!(out[2].as_ref().unwrap().name, "b.txt");
}

#[tokio::test]
async fn too_many_write_operations_says_how_long_to_wait() {
    let (fb, client, token) = start(|_| {}).await;
    reqwest::Client::new()
        .post(format!("{}/__fakebox/faults", fb.base_url()))
        .json(
            &serde_json::json!({"route": "files/upload", "status": 429, "retry_after": 4,
                                  "rate_limit_reason": "too_many_write_operations"}),
        )
        .send()
        .await
        .unwrap();
    let e = client
        .upload(
            &token,
            &commit("/a.txt", WriteMode::Add),
            Bytes::from_static(b"a"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            retry_after: std::time::Duration::from_secs(4)
        }
    );
}

#[tokio::test]
async fn a_refusal_whose_body_breaks_off_is_a_lost_answer_not_a_refusal() {
    let (fb, client, token) = start(|_| {}).await;
    let id = client
        .upload_session_start(&token, Bytes::from_static(b"0123"), false)
        .await
        .unwrap();
    reqwest::Client::new()
        .post(format!("{}/__fakebox/faults", fb.base_url()))
        .json(&serde_json::json!({"route": "files/upload_session/append_v2", "drop_after": 0}))
        .send()
        .await
        .unwrap();
    // A wrong offset: fakebox answers 409 `incorrect_offset`, and the body is cut off.
    let lost = client
        .upload_session_append(&token, &id, 0, Bytes::from_static(b"4567"), false)
        .await
        .unwrap_err();
    assert!(matches!(lost, ApiError::Network(_)), "{lost:?}");
    assert!(lost.is_transient(), "tried again, as for any lost answer");
}

#[tokio::test]
async fn a_folder_is_made_and_a_taken_name_is_a_folder_conflict() {
    let (_fb, client, token) = start(|_| {}).await;
    let made = client.create_folder(&token, "/Empty/Inside").await.unwrap();
    assert_eq!(made.path_display.as_deref(), Some("/Empty/Inside"));
    let again = client
        .create_folder(&token, "/empty/inside")
        .await
        .unwrap_err();
    assert_eq!(
        route_error(again),
        RouteError::Path {
            path: PathError::Conflict {
                conflict: Conflict::Folder
            }
        }
    );
}
