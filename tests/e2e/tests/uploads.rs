//! Putting files in through the real window (release build, real GTK file chooser
//! answered by keyboard): the first Upload… explains in one sentence why Dropbox asks
//! again, the write sign-in runs in the browser, then the picked file goes into the folder
//! in view and shows there, and the next Upload… asks nothing; a picked folder goes up
//! with its tree; a taken name is asked about and skip, keep both and replace each do
//! what they say; a replace of a file changed at Dropbox meanwhile keeps both and says so;
//! declining leaves browsing as it was and uploads nothing; write access withdrawn later
//! asks again instead of signing out; a 300 MiB upload whose connection is cut mid-way
//! resumes after an app restart from the offset Dropbox confirms; a real drop of a file
//! from another window (XDND under Xvfb) goes into the folder row it lands on.

use std::path::Path;
use std::time::Duration;

use e2e::app::App;
use e2e::desktop::Desktop;
use e2e::fixture::{
    app_env_with_mode_file, connected_read_only, control, fakebox_control, wait_for_name, Setup,
};
use serde_json::{json, Value};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

async fn wait(app: &App, what: &str, script: &str, secs: u64) -> Value {
    app.wait_for(script, Duration::from_secs(secs))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

async fn connected(desktop: &Desktop, mode: &Path) -> (App, Setup) {
    connected_read_only(desktop, BROWSER, mode).await
}

/// Press `button` (Upload… or Upload folder…) the first time: the write prompt explains
/// itself, the person agrees, and Dropbox grants write access in the browser; the file
/// chooser opens next.
async fn upload_with_write_access(app: &App, button: &str) {
    app.click(button).await.unwrap();
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .expect("the write prompt explains itself");
    let why = app.text("ask-write-why").await.unwrap().unwrap_or_default();
    assert!(why.contains("only read"), "{why}");
    app.click("ask-write-yes").await.unwrap();
    wait(
        app,
        "write access granted",
        "return document.getElementById('account-access').textContent.includes('may add files');",
        60,
    )
    .await;
}

/// Answer the "Upload to Dropbox" file chooser with `path`, by keyboard.
fn pick(desktop: &Desktop, path: &Path) {
    e2e::dialog::answer(
        desktop,
        "Upload to Dropbox",
        &path.display().to_string(),
        true,
    )
    .expect("the file chooser took the path");
}

/// The row named `name` is in the list.
async fn row_shown(app: &App, name: &str) {
    let script = format!(
        "return [...document.querySelectorAll('#entries .entry .label')].some(l => l.textContent === {name:?});"
    );
    wait(app, &format!("row {name}"), &script, 30).await;
}

/// The bytes of `path` at fakebox.
async fn at_fakebox(s: &Setup, path: &str) -> Vec<u8> {
    let (token, _) = s.fakebox.mint_grant();
    reqwest::Client::new()
        .post(format!("{}/2/files/download", s.fakebox.base_url()))
        .bearer_auth(token)
        .header("Dropbox-API-Arg", json!({ "path": path }).to_string())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn the_first_upload_asks_for_write_access_once_then_picked_files_go_into_the_folder() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected(&desktop, &mode).await;
    let access = app
        .text("account-access")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(access.contains("only reads"), "{access}");
    let first = desktop.dir.join("hello from here.txt");
    std::fs::write(&first, "hello, Dropbox").unwrap();

    upload_with_write_access(&app, "act-upload").await;
    pick(&desktop, &first);
    row_shown(&app, "hello from here.txt").await;
    assert_eq!(
        at_fakebox(&s, "/hello from here.txt").await,
        b"hello, Dropbox"
    );
    let access = app
        .text("account-access")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(access.contains("may add files"), "{access}");
    wait(
        &app,
        "the upload listed as done",
        "return [...document.querySelectorAll('#transfer-list .transfer')].some(t => \
         t.dataset.state === 'done' && t.textContent.includes('hello from here.txt'));",
        30,
    )
    .await;

    // The second upload asks nothing.
    let second = desktop.dir.join("second.txt");
    std::fs::write(&second, "two").unwrap();
    app.click("act-upload").await.unwrap();
    pick(&desktop, &second);
    row_shown(&app, "second.txt").await;
    assert!(!app.visible("ask-write").await.unwrap(), "asked once only");
    let opened = std::fs::read_to_string(&s.browser_log).unwrap_or_default();
    assert_eq!(
        opened.lines().filter(|l| l.starts_with("opened")).count(),
        2,
        "one sign-in to read, one to write: {opened}"
    );
    app.quit().await;
}

#[tokio::test]
async fn declining_write_access_uploads_nothing_and_browsing_goes_on() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, _s) = connected(&desktop, &mode).await;
    std::fs::write(&mode, "deny").unwrap();
    app.click("act-upload").await.unwrap();
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .unwrap();
    app.click("ask-write-yes").await.unwrap();
    app.wait_visible("account-note", Duration::from_secs(30))
        .await
        .expect("the window says nothing was uploaded");
    let note = app.text("account-note").await.unwrap().unwrap_or_default();
    assert!(note.contains("Nothing was uploaded"), "{note}");
    assert!(app.visible("view-connected").await.unwrap());
    // Browsing goes on: a folder opens.
    wait(
        &app,
        "a folder row",
        "const r = [...document.querySelectorAll('#entries .entry')].find(r => r.dataset.kind === 'folder'); \
         if (!r) return false; r.dispatchEvent(new MouseEvent('dblclick', {bubbles: true})); return true;",
        20,
    )
    .await;
    wait(
        &app,
        "the folder's path shown",
        "return document.querySelector('#crumbs')?.textContent.length > 0;",
        20,
    )
    .await;
    app.quit().await;
}

#[tokio::test]
async fn a_picked_folder_goes_up_with_its_tree() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected(&desktop, &mode).await;
    let tree = desktop.dir.join("Holiday photos");
    std::fs::create_dir_all(tree.join("day 1")).unwrap();
    std::fs::write(tree.join("list.txt"), "sun, sea").unwrap();
    std::fs::write(tree.join("day 1/beach.txt"), "sand").unwrap();

    upload_with_write_access(&app, "act-upload-folder").await;
    e2e::dialog::choose_folder(
        &desktop,
        "Upload folders to Dropbox",
        &tree.display().to_string(),
    )
    .expect("the folder chooser took the path");
    row_shown(&app, "Holiday photos").await;
    wait(
        &app,
        "the folder's upload done",
        "return [...document.querySelectorAll('#transfer-list .transfer')].some(t => \
         t.dataset.state === 'done' && t.textContent.includes('Holiday photos'));",
        30,
    )
    .await;
    assert_eq!(
        at_fakebox(&s, "/Holiday photos/day 1/beach.txt").await,
        b"sand"
    );
    assert_eq!(
        at_fakebox(&s, "/Holiday photos/list.txt").await,
        b"sun, sea"
    );
    app.quit().await;
}

/// Upload `path` (its name taken in the folder in view) and answer the question with the
/// button `answer`.
async fn upload_answering(app: &App, desktop: &Desktop, path: &Path, answer: &str) {
    app.click("act-upload").await.unwrap();
    pick(desktop, path);
    app.wait_visible("conflict-dialog", Duration::from_secs(20))
        .await
        .expect("the taken name is asked about");
    app.click(answer).await.unwrap();
}

#[tokio::test]
async fn a_taken_name_is_asked_about_and_each_answer_is_kept() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected(&desktop, &mode).await;
    // Write access first, with a file of a free name.
    let free = desktop.dir.join("free.txt");
    std::fs::write(&free, "free").unwrap();
    upload_with_write_access(&app, "act-upload").await;
    pick(&desktop, &free);
    row_shown(&app, "free.txt").await;

    let before = at_fakebox(&s, "/Notes with spaces.txt").await;
    let mine = desktop.dir.join("Notes with spaces.txt");
    std::fs::write(&mine, "my notes").unwrap();
    upload_answering(&app, &desktop, &mine, "conflict-skip").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        at_fakebox(&s, "/Notes with spaces.txt").await,
        before,
        "skipped"
    );

    upload_answering(&app, &desktop, &mine, "conflict-keep").await;
    row_shown(&app, "Notes with spaces (1).txt").await;
    assert_eq!(
        at_fakebox(&s, "/Notes with spaces (1).txt").await,
        b"my notes"
    );

    upload_answering(&app, &desktop, &mine, "conflict-replace").await;
    let until = std::time::Instant::now() + Duration::from_secs(30);
    while at_fakebox(&s, "/Notes with spaces.txt").await != b"my notes" {
        assert!(std::time::Instant::now() < until, "replaced");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    app.quit().await;
}

#[tokio::test]
async fn a_stale_replace_keeps_both_versions_and_says_so() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected(&desktop, &mode).await;
    let free = desktop.dir.join("free.txt");
    std::fs::write(&free, "free").unwrap();
    upload_with_write_access(&app, "act-upload").await;
    pick(&desktop, &free);
    row_shown(&app, "free.txt").await;

    let mine = desktop.dir.join("Notes with spaces.txt");
    std::fs::write(&mine, "my notes").unwrap();
    app.click("act-upload").await.unwrap();
    pick(&desktop, &mine);
    app.wait_visible("conflict-dialog", Duration::from_secs(20))
        .await
        .expect("the taken name is asked about");
    // Someone changes it at Dropbox while the question is open.
    e2e::fixture::fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Notes with spaces.txt", "content": "their newer notes"}]}),
    )
    .await;
    app.click("conflict-replace").await.unwrap();
    row_shown(&app, "Notes with spaces (conflicted copy).txt").await;
    wait(
        &app,
        "the transfer says it met a newer version",
        "return [...document.querySelectorAll('#transfer-list .transfer')].some(t => \
         t.dataset.state === 'done' && t.textContent.includes('Changed at Dropbox meanwhile'));",
        30,
    )
    .await;
    assert_eq!(
        at_fakebox(&s, "/Notes with spaces.txt").await,
        b"their newer notes"
    );
    assert_eq!(
        at_fakebox(&s, "/Notes with spaces (conflicted copy).txt").await,
        b"my notes"
    );
    app.quit().await;
}

#[tokio::test]
async fn write_access_withdrawn_later_asks_again_and_the_upload_goes_on() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected(&desktop, &mode).await;
    let first = desktop.dir.join("first.txt");
    std::fs::write(&first, "one").unwrap();
    upload_with_write_access(&app, "act-upload").await;
    pick(&desktop, &first);
    row_shown(&app, "first.txt").await;

    s.fakebox.take_back_scope("files.content.write");
    let second = desktop.dir.join("second.txt");
    std::fs::write(&second, "two").unwrap();
    app.click("act-upload").await.unwrap();
    pick(&desktop, &second);
    app.wait_visible("ask-write", Duration::from_secs(20))
        .await
        .expect("Dropbox's refusal asks for write access again");
    assert!(
        app.visible("view-connected").await.unwrap(),
        "still signed in"
    );
    app.click("ask-write-yes").await.unwrap();
    row_shown(&app, "second.txt").await;
    assert_eq!(at_fakebox(&s, "/second.txt").await, b"two");
    app.quit().await;
}

/// The upload-session requests fakebox answered, from the `from`th logged request on:
/// (route, status, where its bytes went).
async fn session_requests(s: &Setup, from: usize) -> Vec<(String, u64, String)> {
    let state = control(s, reqwest::Method::GET, "state").await;
    state["requests"].as_array().unwrap()[from..]
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/2/files/upload_session/"))
        })
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["status"].as_u64().unwrap(),
                r["detail"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_300_mib_upload_cut_off_mid_way_resumes_after_a_restart_at_the_confirmed_offset() {
    const MIB: usize = 1 << 20;
    const CHUNK: usize = 16 * MIB;
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected(&desktop, &mode).await;
    // Every MiB different, so bytes sent twice or skipped would show.
    let content: Vec<u8> = (0..300 * MIB)
        .map(|i| ((i / MIB) as u8).wrapping_mul(31) ^ (i % 251) as u8)
        .collect();
    let big = desktop.dir.join("big upload.bin");
    std::fs::write(&big, &content).unwrap();
    // After the first chunk and five appends (96 MiB) go through, the sixth chunk's bytes
    // arrive but its answer is cut off, and so is every answer after it.
    fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "faults",
        json!({"route": "files/upload_session/append_v2", "drop_after": 0, "count": 1000, "after": 5}),
    )
    .await;

    upload_with_write_access(&app, "act-upload").await;
    pick(&desktop, &big);
    wait(
        &app,
        "the cut upload offered to resume",
        "return [...document.querySelectorAll('#transfer-list .transfer')].some(t => \
         t.dataset.state === 'failed' && t.textContent.includes('big upload.bin') && \
         [...t.querySelectorAll('button')].some(b => b.textContent === 'Resume'));",
        120,
    )
    .await;
    let before = session_requests(&s, 0).await;
    let confirmed = (CHUNK + 6 * CHUNK) as u64;
    assert!(
        before
            .iter()
            .any(|(route, _, detail)| route.ends_with("append_v2")
                && *detail == format!("offset={} bytes={CHUNK}", confirmed - CHUNK as u64)),
        "the sixth chunk reached fakebox: {before:?}"
    );
    app.quit().await;

    // The connection is back; the app starts again, still signed in.
    control(&s, reqwest::Method::DELETE, "faults").await;
    let logged = control(&s, reqwest::Method::GET, "state").await["requests"]
        .as_array()
        .unwrap()
        .len();
    let app = App::launch(&desktop, &app_env_with_mode_file(&s, BROWSER, &mode), &[])
        .await
        .expect("app launches again");
    wait_for_name(&app, &s).await;
    wait(
        &app,
        "the upload listed to resume after the restart",
        "const t = [...document.querySelectorAll('#transfer-list .transfer')].find(t => \
         t.textContent.includes('big upload.bin')); \
         const b = t && [...t.querySelectorAll('button')].find(b => b.textContent === 'Resume'); \
         if (!b) return false; b.click(); return true;",
        60,
    )
    .await;
    wait(
        &app,
        "the resumed upload done",
        "return [...document.querySelectorAll('#transfer-list .transfer')].some(t => \
         t.dataset.state === 'done' && t.textContent.includes('big upload.bin'));",
        120,
    )
    .await;
    row_shown(&app, "big upload.bin").await;

    let after = session_requests(&s, logged).await;
    assert!(
        after.iter().all(|(route, _, _)| !route.ends_with("/start")),
        "the same session went on: {after:?}"
    );
    let first_bytes = after
        .iter()
        .find(|(_, status, detail)| *status == 200 && !detail.ends_with("bytes=0"))
        .expect("bytes sent after the restart");
    assert_eq!(
        first_bytes.2,
        format!("offset={confirmed} bytes={CHUNK}"),
        "the first bytes after the restart go where Dropbox confirmed: {after:?}"
    );
    assert!(
        at_fakebox(&s, "/big upload.bin").await == content,
        "the bytes at fakebox match"
    );
    app.quit().await;
}

#[tokio::test]
async fn a_real_drop_from_another_window_uploads_into_the_folder_row_it_lands_on() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected(&desktop, &mode).await;
    let file = desktop.dir.join("dropped here.txt");
    std::fs::write(&file, "from the file manager").unwrap();
    // The middle of the first folder row, on the screen.
    let row = wait(
        &app,
        "a folder row",
        "const li = document.querySelector('#entries .entry[data-kind=folder]'); \
         if (!li) return null; const r = li.getBoundingClientRect(); \
         return [r.x + r.width / 2, r.y + r.height / 2, li.querySelector('.label').textContent, \
                 window.devicePixelRatio];",
        10,
    )
    .await;
    let (x, y, folder, ratio) = (
        row[0].as_f64().unwrap(),
        row[1].as_f64().unwrap(),
        row[2].as_str().unwrap().to_string(),
        row[3].as_f64().unwrap(),
    );
    let window = e2e::drag::window_titled(&desktop, "Dropdesk").expect("the app's window");
    let (wx, wy, _, _) = e2e::drag::geometry(&desktop, &window).unwrap();
    let at = (wx + (x * ratio) as i64, wy + (y * ratio) as i64);
    e2e::drag::drop_files(&desktop, &[file.as_path()], at).expect("a real drop");

    app.wait_visible("ask-write", Duration::from_secs(20))
        .await
        .expect("the first upload, dropped, asks for write access");
    app.click("ask-write-yes").await.unwrap();
    let landed = format!("/{folder}/dropped here.txt");
    wait(
        &app,
        "the dropped file's upload done",
        "return [...document.querySelectorAll('#transfer-list .transfer')].some(t => \
         t.dataset.state === 'done' && t.textContent.includes('dropped here.txt'));",
        60,
    )
    .await;
    assert_eq!(at_fakebox(&s, &landed).await, b"from the file manager");
    app.quit().await;
}
