//! Property tests: fakebox's parsing of paths, parameters, cursors and ranges never
//! panics, and arbitrary request bodies get a 4xx answer, never a 5xx or a dropped
//! connection.

use fakebox::cursor::Cursor;
use fakebox::files::{check_path, Tree};
use fakebox::{content, oauth};
use proptest::prelude::*;

thread_local! {
    static SAMPLE: Tree = {
        let mut tree = Tree::default();
        fakebox::seed::sample(&mut tree);
        tree
    };
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn path_handling_never_panics(path in "\\PC{0,40}|/[a-zA-Z /._-]{0,30}|id:[a-zA-Z0-9]{0,24}(/.{0,10})?") {
        let mut tree = SAMPLE.with(|t| t.clone());
        let _ = check_path(&path);
        if let Ok(key) = tree.resolve(&path) {
            prop_assert!(tree.get(&key).is_some());
            prop_assert_eq!(key.to_lowercase(), key);
        }
        let _ = tree.delete(&path);
    }

    #[test]
    fn params_and_ranges_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..200), range in "\\PC{0,30}", total in 0u64..10_000) {
        let _ = oauth::merge_params([raw.as_slice()]);
        if let Some((a, b)) = content::parse_range(&range, total) {
            prop_assert!(a < b && b <= total);
        }
    }

    #[test]
    fn cursors_only_decode_when_genuine(text in "\\PC{0,80}") {
        let key = [3u8; 32];
        prop_assert_eq!(Cursor::decode(&text, &key), None);
    }
}

#[tokio::test]
async fn arbitrary_bodies_get_client_errors() {
    use proptest::strategy::ValueTree;
    let fb = fakebox_control::start(fakebox::Config::default())
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let bodies = proptest::collection::vec(any::<u8>(), 0..300);
    let routes = [
        "/2/files/list_folder",
        "/2/files/list_folder/continue",
        "/2/files/get_metadata",
        "/2/files/list_folder/longpoll",
        "/2/users/get_current_account",
        "/2/users/get_space_usage",
        "/2/auth/token/revoke",
        "/2/files/list_folder/get_latest_cursor",
        "/2/files/search_v2",
        "/2/files/search/continue_v2",
        "/oauth2/token",
        "/oauth2/authorize",
        "/2/files/download",
    ];
    for i in 0..390 {
        let body = bodies.new_tree(&mut runner).unwrap().current();
        let route = routes[i % routes.len()];
        let mut request = client
            .post(format!("{}{route}", fb.base_url()))
            .header(
                "Content-Type",
                if i % 2 == 0 {
                    "application/json"
                } else {
                    "application/x-www-form-urlencoded"
                },
            )
            .body(body);
        if i % 3 == 0 {
            request = request.header("Authorization", "Bearer sl.garbage");
        }
        let status = request
            .send()
            .await
            .expect("an answer, not a dropped connection")
            .status();
        assert!(status.is_client_error(), "{route}: {status}");
    }
}

/// The control surface (a test build's) answers anything without a server error.
#[tokio::test]
async fn arbitrary_bodies_to_the_control_surface_are_answered() {
    use proptest::strategy::ValueTree;
    let fb = fakebox_control::start(fakebox::Config::default())
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let bodies = proptest::collection::vec(any::<u8>(), 0..300);
    let routes = [
        "faults",
        "files",
        "expire-access-tokens",
        "unlink",
        "reset-cursors",
    ];
    for i in 0..100 {
        let body = bodies.new_tree(&mut runner).unwrap().current();
        let route = routes[i % routes.len()];
        let status = client
            .post(format!("{}/__fakebox/{route}", fb.base_url()))
            .body(body)
            .send()
            .await
            .expect("an answer, not a dropped connection")
            .status();
        assert!(!status.is_server_error(), "{route}: {status}");
    }
}
