//! Keeping the folder in order through the real window (release build), by the real
//! keyboard (xdotool's key presses reach the window as a person's would): Ctrl+Shift+N
//! asks for write access the first time, then for a name; a name Dropbox refuses and a
//! name the folder has in another case are each refused in the dialog with why, the
//! name kept to mend; a good name makes the folder at Dropbox and selects its row. F2
//! renames in place, the name up to its extension selected so that typing replaces just
//! that. Delete removes a selection of files and a folder at once, with no question, and
//! Ctrl+Z while its toast shows brings all of it back: the same bytes, a file's history
//! kept. Versions… previews a file's earlier version and restores it: its bytes current
//! again at Dropbox. Rows dragged by the real pointer onto a folder row move there; a
//! file cut (Ctrl+X) and pasted (Ctrl+V) in another folder moves there, and Move to…
//! picks its folder in the app folder by the keyboard alone.

use std::time::Duration;

use e2e::app::App;
use e2e::desktop::Desktop;
use e2e::fixture::{connected_read_only, control, fakebox_control, Setup};
use e2e::input::{on_screen, Keyboard};
use serde_json::{json, Value};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

async fn wait(app: &App, what: &str, script: &str) -> Value {
    app.wait_for(script, Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The metadata of `path` at fakebox, or its error.
async fn at_fakebox(s: &Setup, path: &str) -> Value {
    rpc(s, "files/get_metadata", json!({ "path": path })).await
}

/// A route of fakebox's API, as another client would call it.
async fn rpc(s: &Setup, route: &str, arg: Value) -> Value {
    let (token, _) = s.fakebox.mint_grant();
    reqwest::Client::new()
        .post(format!("{}/2/{route}", s.fakebox.base_url()))
        .bearer_auth(token)
        .json(&arg)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The dialog shows why the name is refused; its text.
async fn refused(app: &App) -> String {
    let why = app
        .wait_for(
            "const e = document.getElementById('new-folder-error'); \
             return document.getElementById('new-folder').open && !e.hidden && e.textContent;",
            Duration::from_secs(30),
        )
        .await;
    match why {
        Ok(why) => why.as_str().unwrap().to_string(),
        Err(e) => {
            let seen = app
                .wd
                .execute(
                    "return [document.getElementById('new-folder').open, \
                     document.getElementById('new-folder-name').value, \
                     document.activeElement?.id, document.getElementById('problem')?.textContent];",
                    json!([]),
                )
                .await;
            panic!("the reason in the dialog: {e}; dialog open, name, focus, banner: {seen:?}")
        }
    }
}

#[tokio::test]
async fn ctrl_shift_n_makes_a_folder_and_selects_it_and_a_refused_or_taken_name_says_why() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;
    let keys = Keyboard::new(&desktop);
    app.wd
        .execute("document.getElementById('entries').focus();", json!([]))
        .await
        .unwrap();

    keys.press("ctrl+shift+n");
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .expect("the first write asks for write access");
    keys.press("Return");
    wait(
        &app,
        "the name asked, once write access is granted",
        "return document.getElementById('new-folder').open \
         && document.activeElement.id === 'new-folder-name';",
    )
    .await;

    keys.type_text("2026/27");
    keys.press("Return");
    let why = refused(&app).await;
    assert!(why.contains("“/”"), "{why}");

    keys.press("ctrl+a");
    keys.type_text("DOCUMENTS");
    keys.press("Return");
    let why = refused(&app).await;
    // The name is isolated (U+2068…U+2069) in the sentence, as every name is.
    assert!(
        why.contains("“\u{2068}DOCUMENTS\u{2069}” is already in this folder"),
        "{why:?}"
    );
    assert_eq!(
        at_fakebox(&s, "/DOCUMENTS").await["path_display"],
        "/Documents",
        "the folder there untouched"
    );

    keys.press("ctrl+a");
    keys.type_text("Travel 2027");
    keys.press("Return");
    wait(
        &app,
        "the new folder's row, selected",
        "const r = document.querySelector('#entries .entry[aria-selected=true] .label'); \
         return !document.getElementById('new-folder').open && r && r.textContent === 'Travel 2027';",
    )
    .await;
    let made = at_fakebox(&s, "/Travel 2027").await;
    assert_eq!(made[".tag"], "folder", "{made}");
    app.quit().await;
}

#[tokio::test]
async fn f2_renames_in_place_with_the_extension_left_unselected() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;
    let keys = Keyboard::new(&desktop);
    app.wd
        .execute(
            "const r = [...document.querySelectorAll('#entries .entry')].find(r => \
             r.querySelector('.label').textContent === 'Budget 2026.xlsx'); \
             r.dispatchEvent(new MouseEvent('click', {bubbles: true}));",
            json!([]),
        )
        .await
        .unwrap();

    keys.press("F2");
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .expect("the first write asks for write access");
    keys.press("Return");
    let selected = wait(
        &app,
        "the name in place, its stem selected",
        "const i = document.getElementById('rename-name'); \
         return !document.getElementById('rename-box').hidden && document.activeElement === i \
           && [i.value, i.selectionStart, i.selectionEnd];",
    )
    .await;
    assert_eq!(selected, json!(["Budget 2026.xlsx", 0, 11]));

    keys.type_text("Budget 2027");
    keys.press("Return");
    wait(
        &app,
        "the renamed row, selected",
        "const r = document.querySelector('#entries .entry[aria-selected=true] .label'); \
         return document.getElementById('rename-box').hidden && r && r.textContent === 'Budget 2027.xlsx';",
    )
    .await;
    assert_eq!(at_fakebox(&s, "/Budget 2027.xlsx").await[".tag"], "file");
    let old = at_fakebox(&s, "/Budget 2026.xlsx").await;
    assert!(
        old["error_summary"]
            .as_str()
            .unwrap_or_default()
            .starts_with("path/not_found"),
        "{old}"
    );
    app.quit().await;
}

#[tokio::test]
async fn a_name_taken_at_dropbox_after_the_listing_is_reported_and_both_files_stay_as_they_were() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;
    let keys = Keyboard::new(&desktop);
    click_row(&app, "Budget 2026.xlsx", false).await;
    keys.press("F2");
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .expect("the first write asks for write access");
    keys.press("Return");
    wait(
        &app,
        "the name in place",
        "return document.activeElement?.id === 'rename-name';",
    )
    .await;
    keys.type_text("Budget 2027");
    let mine = at_fakebox(&s, "/Budget 2026.xlsx").await;

    // Someone else puts a file at that name now; the watch hears of it only later, so
    // the window's listing does not know the name is taken.
    fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "faults",
        json!({"route": "files/list_folder/continue", "delay_ms": 6000, "count": 1}),
    )
    .await;
    fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/Budget 2027.xlsx", "content": "theirs"}]}),
    )
    .await;
    keys.press("Return");
    let why = wait(
        &app,
        "the reason under the name",
        "const e = document.getElementById('rename-error'); \
         return !document.getElementById('rename-box').hidden && !e.hidden && e.textContent;",
    )
    .await;
    assert!(
        why.as_str()
            .unwrap()
            .contains("“\u{2068}Budget 2027.xlsx\u{2069}” is already in this folder"),
        "{why:?}"
    );
    let moves = control(&s, reqwest::Method::GET, "state").await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .unwrap_or_default()
                .starts_with("/2/files/move")
        })
        .count();
    assert_eq!(moves, 1, "Dropbox was asked, and refused");
    let now = at_fakebox(&s, "/Budget 2026.xlsx").await;
    assert_eq!(
        (&now["rev"], &now["content_hash"]),
        (&mine["rev"], &mine["content_hash"]),
        "mine as it was"
    );
    let theirs = at_fakebox(&s, "/Budget 2027.xlsx").await;
    assert_eq!(theirs["size"], 6, "theirs as it was: {theirs}");
    keys.press("Escape");
    wait(
        &app,
        "both rows, once the watch catches up",
        "const names = [...document.querySelectorAll('#entries .entry .label')] \
           .map(l => l.textContent); \
         return names.includes('Budget 2026.xlsx') && names.includes('Budget 2027.xlsx');",
    )
    .await;
    app.quit().await;
}

/// Click the row named `name`, with Ctrl held when `add` (to add it to the selection).
async fn click_row(app: &App, name: &str, add: bool) {
    app.wd
        .execute(
            "const r = [...document.querySelectorAll('#entries .entry')].find(r => \
             r.querySelector('.label').textContent === arguments[0]); \
             r.dispatchEvent(new MouseEvent('click', {bubbles: true, ctrlKey: arguments[1]}));",
            json!([name, add]),
        )
        .await
        .unwrap();
}

const ROWS_SHOWN: &str = "const names = [...document.querySelectorAll('#entries .entry .label')] \
     .map(l => l.textContent); \
     return ['file2.txt', 'file10.txt', 'Music'].filter(n => names.includes(n)).length;";

#[tokio::test]
async fn delete_removes_files_and_a_folder_at_once_and_ctrl_z_brings_all_of_it_back() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;
    let before = [
        at_fakebox(&s, "/file2.txt").await,
        at_fakebox(&s, "/Music/Demo tape/01 – Opening.mp3").await,
    ];
    click_row(&app, "file2.txt", false).await;
    click_row(&app, "file10.txt", true).await;
    click_row(&app, "Music", true).await;
    let keys = Keyboard::new(&desktop);
    keys.press("Delete");
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .expect("the first write asks for write access");
    keys.press("Return");
    let said = wait(
        &app,
        "the toast, with Undo",
        "const t = document.getElementById('toast'); \
         return !t.hidden && !document.getElementById('toast-undo').hidden \
           && document.getElementById('toast-text').textContent;",
    )
    .await;
    assert_eq!(said, "Deleted 3 items");
    assert_eq!(
        wait(
            &app,
            "the rows gone",
            &format!("const n = (() => {{ {ROWS_SHOWN} }})(); return n === 0 && 'gone';")
        )
        .await,
        "gone"
    );
    for path in ["/file2.txt", "/file10.txt", "/Music"] {
        let gone = at_fakebox(&s, path).await;
        assert!(
            gone["error_summary"]
                .as_str()
                .unwrap_or_default()
                .starts_with("path/not_found"),
            "{path}: {gone}"
        );
    }

    // Every state the toast's progress bar is shown in while the Undo runs.
    app.wd
        .execute(
            "window.progressSeen = []; const bar = document.getElementById('toast-progress'); \
             new MutationObserver(() => { if (!bar.hidden) window.progressSeen.push( \
               [bar.hasAttribute('value') ? bar.value : null, bar.max]); }) \
             .observe(bar, { attributes: true });",
            json!([]),
        )
        .await
        .unwrap();
    keys.press("ctrl+z");
    let said = wait(
        &app,
        "the toast saying it is back",
        "const t = document.getElementById('toast-text').textContent; \
         return t.startsWith('Restored') && t;",
    )
    .await;
    assert_eq!(said, "Restored 3 items");
    let seen = app
        .wd
        .execute(
            "return [window.progressSeen, document.getElementById('toast-progress').hidden];",
            json!([]),
        )
        .await
        .unwrap();
    let steps = seen[0].as_array().unwrap();
    assert_eq!(
        steps[0][0],
        Value::Null,
        "working, with no count yet, first: {seen}"
    );
    let last = steps.last().unwrap();
    assert!(
        last[0] == last[1] && last[1].as_f64().unwrap() > 3.0,
        "each file and folder counted to the end: {seen}"
    );
    assert_eq!(seen[1], true, "the bar goes with the work: {seen}");
    assert_eq!(
        wait(
            &app,
            "the rows back",
            &format!("const n = (() => {{ {ROWS_SHOWN} }})(); return n === 3 && 'back';")
        )
        .await,
        "back"
    );
    let after = [
        at_fakebox(&s, "/file2.txt").await,
        at_fakebox(&s, "/Music/Demo tape/01 – Opening.mp3").await,
    ];
    for (was, now) in before.iter().zip(&after) {
        assert_eq!(
            now["content_hash"], was["content_hash"],
            "the same bytes: {now}"
        );
        assert_eq!(now["size"], was["size"]);
    }
    let history = rpc(&s, "files/list_revisions", json!({"path": "/file2.txt"})).await;
    let revs: Vec<&str> = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rev"].as_str().unwrap())
        .collect();
    assert_eq!(history["is_deleted"], false);
    assert_eq!(
        revs.len(),
        2,
        "the revision deleted kept in its history: {history}"
    );
    assert_eq!(revs[1], before[0]["rev"].as_str().unwrap());
    assert!(at_fakebox(&s, "/file10.txt").await[".tag"] == "file");
    app.quit().await;
}

#[tokio::test]
async fn an_earlier_version_previewed_in_versions_and_restored_is_the_file_again() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;
    let original = at_fakebox(&s, "/file2.txt").await;
    e2e::fixture::fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/file2.txt", "content": "two, edited\n"}]}),
    )
    .await;
    click_row(&app, "file2.txt", false).await;
    app.wd
        .execute(
            "document.getElementById('act-versions').click();",
            json!([]),
        )
        .await
        .unwrap();
    let rows = wait(
        &app,
        "both versions listed",
        "const rows = document.querySelectorAll('#versions-list li'); \
         return document.getElementById('versions').open && rows.length === 2 && rows.length;",
    )
    .await;
    assert_eq!(rows, 2);
    let press = |label: &str| {
        format!(
            "const b = [...document.querySelectorAll('#versions-list li')][1] \
               .querySelector(`button[aria-label^='{label}']`); b.click(); return true;"
        )
    };
    app.wd.execute(&press("Preview"), json!([])).await.unwrap();
    let shown = wait(
        &app,
        "the earlier version's text",
        "const p = document.getElementById('versions-preview'); return !p.hidden && p.textContent;",
    )
    .await;
    assert_eq!(shown, "two\n");

    app.wd.execute(&press("Restore"), json!([])).await.unwrap();
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .expect("restoring asks for write access first");
    Keyboard::new(&desktop).press("Return");
    let said = wait(
        &app,
        "the restore said, in the dialog opened again",
        "const t = document.getElementById('versions-status').textContent; \
         return document.getElementById('versions').open && t.startsWith('Restored') && t;",
    )
    .await;
    assert!(said.as_str().unwrap().contains("kept here too"), "{said}");
    let now = at_fakebox(&s, "/file2.txt").await;
    assert_eq!(now["content_hash"], original["content_hash"], "{now}");
    assert_ne!(now["rev"], original["rev"], "a new revision");
    let listed = wait(
        &app,
        "three versions listed",
        "const n = document.querySelectorAll('#versions-list li').length; return n === 3 && n;",
    )
    .await;
    assert_eq!(listed, 3);
    app.quit().await;
}

fn row_named(name: &str) -> String {
    format!(
        "return [...document.querySelectorAll('#entries .entry')].find(r => \
         r.querySelector('.label').textContent === '{name}');"
    )
}

#[tokio::test]
async fn rows_dragged_by_the_pointer_onto_a_folder_row_move_into_it() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;
    click_row(&app, "file2.txt", false).await;
    click_row(&app, "file10.txt", true).await;
    let from = on_screen(&app, &desktop, &row_named("file2.txt")).await;
    let to = on_screen(&app, &desktop, &row_named("Music")).await;
    let pointer = |args: &[&str]| desktop.xdotool(args).unwrap();
    pointer(&[
        "mousemove",
        "--sync",
        &from.0.to_string(),
        &from.1.to_string(),
    ]);
    pointer(&["mousedown", "1"]);
    for step in 1..=10 {
        let x = from.0 + (to.0 - from.0) * step / 10;
        let y = from.1 + (to.1 - from.1) * step / 10;
        pointer(&["mousemove", "--sync", &x.to_string(), &y.to_string()]);
        std::thread::sleep(Duration::from_millis(30));
    }
    let ghost = wait(
        &app,
        "the drag saying where the rows go",
        "const g = document.getElementById('drag-ghost'); \
         return !g.hidden && g.textContent.replace(/[\\u2066-\\u2069]/g, '');",
    )
    .await;
    assert_eq!(ghost, "Move 2 items to “Music”");
    pointer(&["mouseup", "1"]);
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .expect("the first move asks for write access");
    Keyboard::new(&desktop).press("Return");
    let said = wait(
        &app,
        "the move said",
        "const t = document.getElementById('toast-text').textContent.replace(/[\\u2066-\\u2069]/g, ''); \
         return t.startsWith('Moved') && t;",
    )
    .await;
    assert_eq!(said, "Moved 2 items to “Music”");
    for name in ["file2.txt", "file10.txt"] {
        assert_eq!(
            at_fakebox(&s, &format!("/Music/{name}")).await[".tag"],
            "file"
        );
        let gone = at_fakebox(&s, &format!("/{name}")).await;
        assert!(
            gone["error_summary"]
                .as_str()
                .unwrap_or_default()
                .starts_with("path/not_found"),
            "{gone}"
        );
    }
    wait(
        &app,
        "the rows gone from the root",
        &format!("return !(() => {{ {} }})();", row_named("file2.txt")),
    )
    .await;
    app.quit().await;
}

#[tokio::test]
async fn a_file_cut_and_pasted_in_another_folder_and_one_moved_by_the_picker_go_there() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;
    click_row(&app, "file2.txt", false).await;
    let keys = Keyboard::new(&desktop);
    keys.press("ctrl+x");
    let said = wait(
        &app,
        "the cut said",
        "const t = document.getElementById('toast-text').textContent; return t.startsWith('Cut') && t;",
    )
    .await;
    assert!(said.as_str().unwrap().contains("Ctrl+V"), "{said}");
    click_row(&app, "Music", false).await;
    keys.press("Return");
    wait(
        &app,
        "Music open",
        "const c = document.querySelector('#crumbs [aria-current]'); return c && c.textContent === 'Music';",
    )
    .await;
    keys.press("ctrl+v");
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .expect("the first paste asks for write access");
    keys.press("Return");
    wait(
        &app,
        "the pasted file's row",
        &format!("return !!(() => {{ {} }})();", row_named("file2.txt")),
    )
    .await;
    assert_eq!(at_fakebox(&s, "/Music/file2.txt").await[".tag"], "file");

    // Move to…: the picker, by the keyboard alone: Backspace up to the app folder, then
    // down to "Projects", Enter into it, Ctrl+Enter to move there.
    click_row(&app, "file2.txt", false).await;
    app.wd
        .execute("document.getElementById('act-move').click();", json!([]))
        .await
        .unwrap();
    wait(
        &app,
        "the picker in Music",
        "return document.getElementById('picker').open \
           && document.activeElement.id === 'picker-list' \
           && document.getElementById('picker-go').disabled;",
    )
    .await;
    keys.press("BackSpace");
    wait(
        &app,
        "the app folder's folders",
        "return [...document.querySelectorAll('#picker-list li')].some(l => l.textContent === 'Projects');",
    )
    .await;
    let moves = app
        .wd
        .execute(
            "return [...document.querySelectorAll('#picker-list li')].findIndex(l => l.textContent === 'Projects');",
            json!([]),
        )
        .await
        .unwrap();
    for _ in 0..moves.as_i64().unwrap() {
        keys.press("Down");
    }
    keys.press("Return");
    wait(
        &app,
        "the picker in Projects",
        "const c = document.querySelector('#picker-crumbs [aria-current]'); \
         return c && c.textContent === 'Projects' && !document.getElementById('picker-go').disabled;",
    )
    .await;
    keys.press("ctrl+Return");
    let said = wait(
        &app,
        "the move said",
        "const t = document.getElementById('toast-text').textContent.replace(/[\\u2066-\\u2069]/g, ''); \
         return t.startsWith('Moved') && t;",
    )
    .await;
    assert_eq!(said, "Moved “file2.txt” to “Projects”");
    assert_eq!(at_fakebox(&s, "/Projects/file2.txt").await[".tag"], "file");
    app.quit().await;
}

#[tokio::test]
async fn a_folder_deleted_elsewhere_comes_back_from_the_bin_with_its_files() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;
    let song = "/Music/Demo tape/01 – Opening.mp3";
    let before = at_fakebox(&s, song).await;
    fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        json!({"ops": [{"op": "delete", "path": "/Music"}]}),
    )
    .await;
    wait(
        &app,
        "the folder's row gone, as the watch hears",
        "return ![...document.querySelectorAll('#entries .entry .label')] \
           .some(l => l.textContent === 'Music');",
    )
    .await;

    app.wd
        .execute(
            "document.getElementById('show-deleted').click();",
            json!([]),
        )
        .await
        .unwrap();
    let about = wait(
        &app,
        "the folder in Deleted files",
        "const li = document.querySelector('#deleted-list li[data-path=\"/Music\"]'); \
         return document.getElementById('deleted').open && li && li.textContent;",
    )
    .await;
    let about = about.as_str().unwrap();
    assert!(
        about.contains("Folder ·") && about.contains("deleted"),
        "{about}"
    );
    app.wd
        .execute(
            "document.querySelector('#deleted-list li[data-path=\"/Music\"] button').click();",
            json!([]),
        )
        .await
        .unwrap();
    app.wait_visible("ask-write", Duration::from_secs(10))
        .await
        .expect("the first write asks for write access");
    Keyboard::new(&desktop).press("Return");
    wait(
        &app,
        "the folder back in the list",
        "return [...document.querySelectorAll('#entries .entry .label')] \
           .some(l => l.textContent === 'Music');",
    )
    .await;
    let now = at_fakebox(&s, song).await;
    assert_eq!(now["content_hash"], before["content_hash"], "{now}");
    assert_eq!(now["size"], before["size"]);
    app.quit().await;
}
