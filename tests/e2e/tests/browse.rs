//! Browsing the app folder in the real window, by keyboard and mouse: folders, breadcrumbs,
//! history, filter, sort, type-ahead; a hostile file name stays text; a 100,000-entry
//! folder keeps the DOM small while scrolling to its end.

use std::time::Duration;

use e2e::app::{App, STEP};
use e2e::desktop::Desktop;
use e2e::fixture::{app_env, setup_with, wait_for_name, Setup};
use serde_json::{json, Value};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

/// Run a script in the page.
async fn js(app: &App, script: &str) -> Value {
    app.wd
        .execute(script, json!([]))
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Press a key on the file list (or the element given), as the keyboard would.
async fn key(app: &App, key: &str, alt: bool) {
    js(
        app,
        &format!(
            "document.getElementById('entries').dispatchEvent(new KeyboardEvent('keydown', {{key: {key:?}, altKey: {alt}, bubbles: true}}));"
        ),
    )
    .await;
}

async fn crumbs(app: &App) -> Vec<String> {
    let v = js(
        app,
        "return [...document.querySelectorAll('#crumbs button')].map(b => b.textContent);",
    )
    .await;
    serde_json::from_value(v).unwrap()
}

async fn wait_crumbs(app: &App, want: &[&str]) {
    let script = format!(
        "return JSON.stringify([...document.querySelectorAll('#crumbs button')].map(b => b.textContent)) === {:?} \
         && document.getElementById('entries').dataset.complete === 'true' && !document.getElementById('entries').hidden;",
        serde_json::to_string(want).unwrap()
    );
    if let Err(e) = app.wd.wait_for(&script, STEP).await {
        panic!(
            "breadcrumbs never became {want:?} (are {:?}): {e}",
            crumbs(app).await
        );
    }
}

/// Names of the rows in the DOM, top to bottom.
async fn row_names(app: &App) -> Vec<String> {
    let v = js(
        app,
        "return [...document.querySelectorAll('#entries .entry')].sort((a, b) => a.dataset.index - b.dataset.index).map(r => r.querySelector('.label').textContent);",
    )
    .await;
    serde_json::from_value(v).unwrap()
}

async fn selected_name(app: &App) -> String {
    js(app, "const r = document.querySelector('#entries .entry[aria-selected=\"true\"] .label'); return r ? r.textContent : '';")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn dblclick(app: &App, name: &str) {
    js(
        app,
        &format!(
            "const r = [...document.querySelectorAll('#entries .entry')].find(r => r.querySelector('.label').textContent === {name:?}); \
             r.dispatchEvent(new MouseEvent('dblclick', {{bubbles: true}}));"
        ),
    )
    .await;
}

/// The app connected to a fakebox with the sample folder and a generated `/Big` of
/// 100,000 files, showing the app folder's root.
async fn connected(desktop: &Desktop) -> (App, Setup) {
    let s = setup_with(desktop, |c| c.generate = vec![("/Big".into(), 100_000)]).await;
    // A name that would pass for a PDF if its right-to-left override were obeyed.
    e2e::fixture::fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Photos/invoice\u{202E}fdp.exe", "content": "x"}]}),
    )
    .await;
    let app = App::launch(desktop, &app_env(&s, BROWSER, "allow"), &[])
        .await
        .expect("app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    wait_crumbs(&app, &["App folder"]).await;
    (app, s)
}

#[tokio::test]
async fn folders_come_first_names_stay_text_and_keys_and_mouse_walk_the_tree() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let opened = desktop.default_opener("text/plain");
    let (app, _s) = connected(&desktop).await;

    // Folders first, natural order; the hostile name is only text.
    let names = row_names(&app).await;
    assert_eq!(
        &names[..6],
        [
            "Big",
            "Documents",
            "Empty folder",
            "Music",
            "Photos",
            "Projects"
        ]
    );
    let files: Vec<_> = names.iter().filter(|n| n.starts_with("file")).collect();
    assert_eq!(files, ["file2.txt", "file10.txt"]);
    assert!(names.contains(&"<img src=x onerror=alert(1)>.txt".to_string()));
    assert_eq!(
        js(
            &app,
            "return document.querySelectorAll('img[src=\"x\"]').length;"
        )
        .await,
        json!(0)
    );

    // Keyboard: down to Documents, Enter, Backspace up, Alt+Left back, Alt+Right forward.
    js(&app, "document.getElementById('entries').focus();").await;
    key(&app, "ArrowDown", false).await;
    assert_eq!(selected_name(&app).await, "Documents");
    key(&app, "Enter", false).await;
    wait_crumbs(&app, &["App folder", "Documents"]).await;
    assert!(row_names(&app).await.contains(&"Taxes".to_string()));
    app.screenshot("browser").await.unwrap();
    key(&app, "Backspace", false).await;
    wait_crumbs(&app, &["App folder"]).await;
    key(&app, "ArrowLeft", true).await;
    wait_crumbs(&app, &["App folder", "Documents"]).await;
    key(&app, "ArrowRight", true).await;
    wait_crumbs(&app, &["App folder"]).await;

    // Mouse: double-click a folder, then a breadcrumb home.
    dblclick(&app, "Photos").await;
    wait_crumbs(&app, &["App folder", "Photos"]).await;
    // Bidi controls in a name are not obeyed: the spoofed extension shows as it is.
    assert!(row_names(&app)
        .await
        .contains(&"invoicefdp.exe".to_string()));
    assert_eq!(
        js(&app, "return getComputedStyle(document.querySelector('#entries .entry .label')).unicodeBidi;").await,
        json!("isolate")
    );
    dblclick(&app, "Holiday 2025").await;
    wait_crumbs(&app, &["App folder", "Photos", "Holiday 2025"]).await;
    js(
        &app,
        "document.querySelectorAll('#crumbs button')[1].click();",
    )
    .await;
    wait_crumbs(&app, &["App folder", "Photos"]).await;
    js(
        &app,
        "document.querySelectorAll('#crumbs button')[0].click();",
    )
    .await;
    wait_crumbs(&app, &["App folder"]).await;

    // Double-click a file: it is downloaded and opened with the desktop's default program
    // for its type (the real xdg-open, with a stand-in program registered for text).
    dblclick(&app, "Notes with spaces.txt").await;
    let mut line = None;
    for _ in 0..150 {
        line = std::fs::read_to_string(&opened)
            .ok()
            .and_then(|log| log.lines().next().map(str::to_string));
        if line.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let line = line.expect("the default program was started");
    let path = line.trim_start_matches("opened ");
    assert!(path.ends_with("/Notes with spaces.txt"), "{path}");
    assert!(
        path.starts_with(desktop.var("XDG_CACHE_HOME").unwrap()),
        "from the private cache: {path}"
    );
    assert!(std::fs::metadata(path).unwrap().len() > 0);
    app.quit().await;
}

#[tokio::test]
async fn filter_sort_and_type_ahead_narrow_and_order_the_rows() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let (app, s) = connected(&desktop).await;

    // A file added at Dropbox appears in the open folder by itself, highlighted.
    e2e::fixture::fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Arrived by itself.txt", "content": "x"}]}),
    )
    .await;
    app.wd
        .wait_for(
            "return [...document.querySelectorAll('#entries .entry.fresh .label')].some(l => l.textContent === 'Arrived by itself.txt');",
            STEP,
        )
        .await
        .expect("the new file shows without a click");

    // Filter as you type.
    js(&app, "const f = document.getElementById('filter'); f.value = 'FILE'; f.dispatchEvent(new Event('input'));").await;
    app.wd
        .wait_for(
            "return document.querySelectorAll('#entries .entry').length === 2;",
            STEP,
        )
        .await
        .expect("filtered to two rows");
    assert_eq!(row_names(&app).await, ["file2.txt", "file10.txt"]);
    js(&app, "const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input'));").await;
    app.wd
        .wait_for(
            "return document.querySelectorAll('#entries .entry').length > 10;",
            STEP,
        )
        .await
        .unwrap();

    // Sort by size, largest first (folders stay first).
    js(&app, "document.querySelector('[data-sort=size]').click();").await;
    js(&app, "document.querySelector('[data-sort=size]').click();").await;
    app.wd
        .wait_for("return document.querySelector('[data-sort=size]').parentElement.dataset.dir === 'descending';", STEP)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let by_size = row_names(&app).await;
    assert_eq!(
        by_size[6..8],
        ["Budget 2026.xlsx", "Notes with spaces.txt"],
        "{by_size:?}"
    );
    js(&app, "document.querySelector('[data-sort=name]').click();").await;

    // Type-ahead jumps to the next name starting with the letters typed.
    tokio::time::sleep(Duration::from_millis(300)).await;
    js(&app, "document.getElementById('entries').focus();").await;
    key(&app, "n", false).await;
    app.wd
        .wait_for("const r = document.querySelector('#entries .entry[aria-selected=\"true\"] .label'); return r && r.textContent.startsWith('Notes');", STEP)
        .await
        .expect("type-ahead selects Notes…");
    app.quit().await;
}

#[tokio::test]
async fn a_huge_folder_streams_in_and_scrolls_to_its_end_with_a_bounded_dom() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let (app, s) = connected(&desktop).await;

    // 100,000 entries: the first page shows while the rest streams in; the DOM stays small.
    dblclick(&app, "Big").await;
    app.wd
        .wait_for(
            "return document.getElementById('entries').dataset.total >= 2000;",
            STEP,
        )
        .await
        .unwrap();
    app.wd
        .wait_for("return document.getElementById('entries').dataset.total === '100000' && document.getElementById('entries').dataset.complete === 'true';", Duration::from_secs(120))
        .await
        .expect("the whole folder arrives");
    let mut most = 0u64;
    for step in 1..=10 {
        js(&app, &format!("const l = document.getElementById('entries'); l.scrollTop = l.scrollHeight * {step} / 10; l.dispatchEvent(new Event('scroll'));")).await;
        tokio::time::sleep(Duration::from_millis(250)).await;
        let n = js(
            &app,
            "return document.querySelectorAll('#entries .entry').length;",
        )
        .await
        .as_u64()
        .unwrap();
        most = most.max(n);
    }
    assert!(
        most > 10 && most <= 80,
        "rows in the DOM stay bounded: {most}"
    );
    let last = js(&app, "return Math.max(...[...document.querySelectorAll('#entries .entry')].map(r => +r.dataset.index));").await;
    assert_eq!(last, json!(99_999), "scrolled to the very end");
    let status = app.text("summary-text").await.unwrap().unwrap_or_default();
    assert!(
        status.contains("100000 files")
            || status.contains("100,000 files")
            || status.contains("100000"),
        "{status}"
    );
    app.screenshot("big-folder").await.unwrap();

    // A file added at Dropbox shows after one Refresh, even in a folder this big: the
    // change reported before the open call answers is not lost. The long-poll is failed
    // first (and the watch started again by a Refresh), so only Refresh can bring it.
    e2e::fixture::fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "faults",
        json!({"route": "files/list_folder/longpoll", "status": 500, "count": 10000}),
    )
    .await;
    app.click("refresh").await.unwrap();
    app.wd
        .wait_for(
            "return document.getElementById('entries').dataset.complete === 'true' ? true : null;",
            STEP,
        )
        .await
        .expect("refreshed");
    tokio::time::sleep(Duration::from_millis(500)).await;
    e2e::fixture::fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Big/zz added later.txt", "content": "new"}]}),
    )
    .await;
    app.click("refresh").await.unwrap();
    app.wd
        .wait_for(
            "return document.getElementById('entries').dataset.total === '100001';",
            STEP,
        )
        .await
        .expect("one Refresh shows the new file");
    app.quit().await;
}

#[tokio::test]
async fn search_finds_a_file_three_folders_down_and_opens_its_folder_with_it_selected() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let (app, _s) = connected(&desktop).await;
    js(&app, "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'k', ctrlKey: true, bubbles: true}));").await;
    assert_eq!(
        js(&app, "return document.activeElement.id;").await,
        json!("search"),
        "Ctrl+K goes to the search box"
    );
    js(&app, "const s = document.getElementById('search'); s.value = 'cafe mull'; s.dispatchEvent(new Event('input'));").await;
    app.wd
        .wait_for(
            "return [...document.querySelectorAll('#search-list .search-hit .label')].some(l => l.textContent === 'Café Müller 2025-03-14.jpg');",
            STEP,
        )
        .await
        .expect("the match is listed");
    let whereabouts = js(
        &app,
        "return document.querySelector('#search-list .search-hit .where').textContent;",
    )
    .await;
    assert_eq!(whereabouts, json!("in /Documents/Taxes/2025/Receipts"));
    app.screenshot("search").await.unwrap();
    js(&app, "document.getElementById('search').dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));").await;
    wait_crumbs(
        &app,
        &["App folder", "Documents", "Taxes", "2025", "Receipts"],
    )
    .await;
    app.wd
        .wait_for(
            "const r = document.querySelector('#entries .entry[aria-selected=\"true\"] .label'); return r && r.textContent === 'Café Müller 2025-03-14.jpg';",
            STEP,
        )
        .await
        .expect("the found item is selected");
    assert!(app.visible("entries").await.unwrap());

    // Nothing found: said so, in words.
    js(&app, "const s = document.getElementById('search'); s.value = 'zzz nothing'; s.dispatchEvent(new Event('input'));").await;
    app.wd
        .wait_for(
            "return document.getElementById('search-status').textContent.startsWith('No names match');",
            STEP,
        )
        .await
        .expect("the empty state");
    app.quit().await;
}
