//! The official Dropbox Python SDK, unchanged, uses fakebox's write routes
//! (`sdk/writes.py`): upload and its conflict (with the session id that keeps the bytes),
//! autorename, update, an upload session with a wrong offset and its correction, a finished
//! session gone, `finish_batch_v2` with an open session failing on its own, `missing_scope`
//! for a read-only token, `too_many_write_operations` as the SDK's `RateLimitError`,
//! `create_folder_v2` and its conflict, `move_v2`, `copy_v2`, `delete_v2` and a
//! `from_lookup` error, `move_batch_v2` and `delete_batch` polled with their checks, `list_revisions`, `restore`
//! and `invalid_revision`, and the listing seeing every write. The SDK lives in `target/sdk-venv` (`.ci/setup` makes it),
//! or `$FAKEBOX_SDK_PYTHON` names its Python.

use std::path::{Path, PathBuf};

use fakebox::Config;
use serde_json::{json, Value};

fn sdk_python() -> PathBuf {
    let python = std::env::var_os("FAKEBOX_SDK_PYTHON").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sdk-venv/bin/python"),
        PathBuf::from,
    );
    assert!(
        python.exists(),
        "no Python with the Dropbox SDK at {}: run `bash .ci/setup`, which makes target/sdk-venv",
        python.display()
    );
    python
}

#[tokio::test]
async fn the_official_python_sdk_uses_every_write_route_unchanged() {
    let python = sdk_python();
    let mut config = Config::default();
    config.app_scopes.push("files.content.write".into());
    let fb = fakebox_control::start(config).await.unwrap();
    let (token, _) = fb.mint_grant();
    let (read_only, _) = fb.mint_grant_with_scopes(&["files.metadata.read", "files.content.read"]);
    let injected = reqwest::Client::new()
        .post(format!("{}/__fakebox/faults", fb.base_url()))
        .json(
            &json!({"route": "files/upload", "status": 429, "retry_after": 3,
                      "rate_limit_reason": "too_many_write_operations"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(injected.status(), 200);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("sdk/writes.py");
    let base = fb.base_url().to_string();
    let out = tokio::process::Command::new(&python)
        .arg(&script)
        .args([&base, &token, &read_only])
        .output()
        .await
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the SDK script failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_str(&stdout).expect("one JSON line");

    assert_eq!(
        seen["rate_limit"],
        json!({"write_operations": true, "backoff": 3})
    );
    assert_eq!(seen["upload"]["name"], "hello.txt");
    assert_eq!(seen["upload"]["size"], 10);
    assert_eq!(
        seen["upload"]["content_hash"],
        fakebox::files::content_hash(b"hello, sdk")
    );
    assert_eq!(seen["conflict"]["is_path"], true);
    assert_eq!(seen["conflict"]["conflict_file"], true);
    assert!(seen["conflict"]["session_id"]
        .as_str()
        .is_some_and(|s| s.starts_with("pid_upload_session:")));
    assert_eq!(seen["autorename"], "hello (1).txt");
    assert_eq!(seen["update"], json!({"size": 11, "new_rev": true}));
    assert_eq!(seen["incorrect_offset"], 4);
    assert_eq!(seen["session"], json!({"name": "digits.txt", "size": 10}));
    assert_eq!(seen["finished_session"], true);
    assert_eq!(seen["batch"], json!(["a.txt", "b.txt", "not_closed"]));
    assert_eq!(seen["folder"], "/SDK/Empty");
    assert_eq!(seen["folder_conflict"], true);
    assert_eq!(seen["moved"], "/SDK/Moved");
    assert_eq!(seen["copied"], "digits copy.txt");
    assert_eq!(seen["deleted"], true);
    assert_eq!(seen["from_lookup"], true);
    assert_eq!(
        seen["delete_batch"],
        json!({"checks": ["in_progress", "complete"],
               "entries": ["success", "success", "not_found"]})
    );
    assert_eq!(seen["revisions"], json!({"is_deleted": true, "revs": true}));
    assert_eq!(seen["restore"], json!({"size": 10, "bytes": "hello, sdk"}));
    assert_eq!(seen["invalid_revision"], true);
    assert_eq!(
        seen["move_batch"],
        json!(["/SDK/Moved digits.txt", "from_lookup"])
    );
    assert_eq!(seen["missing_scope"], "files.content.write");
    assert_eq!(
        seen["listed"],
        json!([
            "/SDK/Moved digits.txt",
            "/SDK/batch/a.txt",
            "/SDK/batch/b.txt",
            "/SDK/hello.txt"
        ])
    );
}
