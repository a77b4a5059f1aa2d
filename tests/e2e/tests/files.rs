//! Files you can use, in the real window: Save as… through the real GTK save dialog;
//! Download to folder… of several selected files, with the taken-names question
//! answered "Keep both"; the transfers panel's progress and Cancel; the preview of a
//! seeded picture; the context menu from the keyboard.

use std::time::Duration;

use e2e::app::App;
use e2e::desktop::Desktop;
use e2e::fixture::{app_env, setup_with, wait_for_name, Setup};
use serde_json::{json, Value};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");
const NOTES: &str = "Remember: the app folder is all Dropdesk can see.\n";

async fn js(app: &App, script: &str) -> Value {
    app.wd
        .execute(script, json!([]))
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn wait(app: &App, what: &str, script: &str, secs: u64) -> Value {
    app.wd
        .wait_for(script, Duration::from_secs(secs))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Click the row named `name`, with Ctrl held when `ctrl`.
async fn click_row(app: &App, name: &str, ctrl: bool) {
    let script = format!(
        "const r = [...document.querySelectorAll('#entries .entry')].find(r => r.querySelector('.label').textContent === {name:?}); \
         if (!r) return false; r.dispatchEvent(new MouseEvent('click', {{bubbles: true, ctrlKey: {ctrl}}})); return true;"
    );
    wait(app, &format!("row {name}"), &script, 20).await;
}

async fn dblclick_row(app: &App, name: &str) {
    let script = format!(
        "const r = [...document.querySelectorAll('#entries .entry')].find(r => r.querySelector('.label').textContent === {name:?}); \
         if (!r) return false; r.dispatchEvent(new MouseEvent('dblclick', {{bubbles: true}})); return true;"
    );
    wait(app, &format!("row {name}"), &script, 20).await;
}

/// The transfer named `name` once its state is `state`: `[done, total]`.
async fn transfer_in(app: &App, name: &str, state: &str, secs: u64) -> Value {
    let script = format!(
        "const t = [...document.querySelectorAll('#transfer-list .transfer')].find(t => t.querySelector('.tname').textContent === {name:?}); \
         return t && t.dataset.state === {state:?} ? [Number(t.dataset.done), t.querySelector('progress').max] : null;"
    );
    wait(app, &format!("{name} {state}"), &script, secs).await
}

async fn connected(desktop: &Desktop, tweak: impl FnOnce(&mut fakebox::Config)) -> (App, Setup) {
    let s = setup_with(desktop, tweak).await;
    let app = App::launch(desktop, &app_env(&s, BROWSER, "allow"), &[])
        .await
        .expect("app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    wait(
        &app,
        "the root's rows",
        "return document.querySelectorAll('#entries .entry').length > 5",
        30,
    )
    .await;
    (app, s)
}

#[tokio::test]
async fn save_as_goes_through_the_native_dialog_and_writes_the_copy() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let (app, _s) = connected(&desktop, |_| {}).await;
    let target = desktop.dir.join("Saved notes.txt");

    click_row(&app, "Notes with spaces.txt", false).await;
    // Ctrl+S, as a person would press it.
    js(
        &app,
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: 's', ctrlKey: true, bubbles: true}));",
    )
    .await;
    e2e::dialog::answer(
        &desktop,
        "Save a copy",
        &target.display().to_string(),
        false,
    )
    .expect("the save dialog takes the path");
    transfer_in(&app, "Notes with spaces.txt", "done", 30).await;
    assert_eq!(std::fs::read_to_string(&target).unwrap(), NOTES);
    app.quit().await;
}

#[tokio::test]
async fn download_to_folder_asks_about_taken_names_and_keeps_both() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let (app, _s) = connected(&desktop, |_| {}).await;
    let dir = desktop.dir.join("Downloads here");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("file2.txt"), "mine").unwrap();

    click_row(&app, "file2.txt", false).await;
    click_row(&app, "file10.txt", true).await;
    wait(
        &app,
        "two selected",
        "return document.getElementById('selection-text').textContent === '2 selected'",
        10,
    )
    .await;
    js(&app, "document.getElementById('act-folder').click();").await;
    e2e::dialog::answer(
        &desktop,
        "Download to folder",
        &dir.display().to_string(),
        true,
    )
    .expect("the folder dialog takes the path");
    wait(
        &app,
        "the taken-names question",
        "return document.getElementById('conflict-dialog').open && document.getElementById('conflict-names').textContent.includes('file2.txt')",
        30,
    )
    .await;
    app.screenshot("conflict").await.unwrap();
    js(&app, "document.getElementById('conflict-keep').click();").await;
    transfer_in(&app, "file10.txt", "done", 30).await;
    transfer_in(&app, "file2.txt", "done", 30).await;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["file10.txt", "file2 (1).txt", "file2.txt"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("file2.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("file2 (1).txt")).unwrap(),
        "two\n"
    );
    app.quit().await;
}

#[tokio::test]
async fn the_transfers_panel_shows_progress_and_cancel_stops_the_download() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let (app, s) = connected(&desktop, |_| {}).await;
    e2e::fixture::fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Huge.iso", "size": 12_000_000_000u64}]}),
    )
    .await;
    js(&app, "document.getElementById('refresh').click();").await;
    dblclick_row(&app, "Huge.iso").await;
    // Running, with bytes on the bar and words under it.
    let script = "const t = document.querySelector('#transfer-list .transfer'); \
         return t && t.dataset.state === 'running' && Number(t.dataset.done) > 0 \
           && t.querySelector('.tline').textContent.includes(' of 12.0 GB') ? t.querySelector('.tline').textContent : null;";
    let line = wait(&app, "progress", script, 30).await;
    assert!(line.as_str().unwrap().contains("/s"), "{line}");
    app.screenshot("transfers").await.unwrap();
    js(
        &app,
        "document.querySelector('#transfer-list .transfer .tbuttons button').click();",
    )
    .await;
    let [done, total] = transfer_in(&app, "Huge.iso", "cancelled", 30)
        .await
        .as_array()
        .cloned()
        .unwrap()
        .try_into()
        .unwrap();
    assert!(done.as_u64().unwrap() < total.as_u64().unwrap());
    // Nothing of it is left in the cache.
    let cache = std::path::Path::new(desktop.var("XDG_CACHE_HOME").unwrap()).join("dropdesk/files");
    let left: Vec<_> = e2e::fixture::files_below(&cache)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("Huge.iso"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    app.quit().await;
}

#[tokio::test]
async fn a_seeded_picture_shows_its_thumbnail_in_the_preview() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let (app, _s) = connected(&desktop, |_| {}).await;
    dblclick_row(&app, "Photos").await;
    click_row(&app, "Harbour at dusk.png", false).await;
    let size = wait(
        &app,
        "the thumbnail",
        "const i = document.getElementById('preview-image'); \
         return !i.hidden && i.src.startsWith('data:image/jpeg') && i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null;",
        30,
    )
    .await;
    assert_eq!(size, json!([256, 160]), "fitted in 256×256, aspect kept");
    assert_eq!(
        app.text("preview-name").await.unwrap().as_deref(),
        Some("Harbour at dusk.png")
    );
    let hash = app.text("preview-hash").await.unwrap().unwrap_or_default();
    assert_eq!(hash.len(), 64, "the content hash is shown: {hash}");
    app.screenshot("preview").await.unwrap();
    app.quit().await;
}

#[tokio::test]
async fn the_context_menu_opens_from_the_keyboard_and_opens_the_file() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let opened = desktop.default_opener("text/plain");
    let (app, _s) = connected(&desktop, |_| {}).await;
    click_row(&app, "Notes with spaces.txt", false).await;
    js(
        &app,
        "document.getElementById('entries').dispatchEvent(new KeyboardEvent('keydown', {key: 'F10', shiftKey: true, bubbles: true}));",
    )
    .await;
    let focused = wait(
        &app,
        "the menu",
        "const m = document.getElementById('context-menu'); return !m.hidden && document.activeElement?.getAttribute('role') === 'menuitem' ? document.activeElement.textContent : null;",
        10,
    )
    .await;
    assert_eq!(focused, "Open", "the first item has the focus");
    js(
        &app,
        "document.getElementById('context-menu').dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', bubbles: true}));",
    )
    .await;
    assert_eq!(
        js(&app, "return document.activeElement.textContent;").await,
        "Save as…"
    );
    js(
        &app,
        "document.getElementById('context-menu').dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowUp', bubbles: true})); document.activeElement.click();",
    )
    .await;
    let mut line = None;
    for _ in 0..100 {
        line = std::fs::read_to_string(&opened)
            .ok()
            .filter(|l| !l.is_empty());
        if line.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let line = line.expect("the default program was started");
    let path = line.lines().next().unwrap().trim_start_matches("opened ");
    assert_eq!(
        std::fs::read_to_string(path).unwrap(),
        NOTES,
        "the bytes match"
    );
    app.quit().await;
}
