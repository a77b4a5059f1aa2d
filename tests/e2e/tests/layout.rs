//! Nothing cut off in the default window with the preview open: placeholders fit their
//! boxes, no control's text is clipped and every control can be reached, a cut name shows
//! whole on hover; the list's columns
//! resize by pointer and keyboard and keep their width at the next start. A German
//! desktop gets the window in German, with German sizes and dates, nothing cut off either;
//! so does a desktop at twice the text size in a high-contrast theme, and the window
//! follows the desktop into high contrast and back while it runs. The right-to-left
//! pseudo-language mirrors the layout and keeps each file name's own direction.

use std::time::Duration;

use e2e::app::App;
use e2e::desktop::Desktop;
use e2e::fixture::{
    app_env, app_env_with_mode_file, connected_read_only, setup_with, wait_for_name,
};
use e2e::input::{on_screen, Keyboard};
use serde_json::{json, Value};

const BROWSER: &str = env!("CARGO_BIN_EXE_e2e-browser");

async fn wait(app: &App, what: &str, script: &str) -> Value {
    app.wait_for(script, Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The width of the Modified column in the rows, in CSS pixels.
async fn modified_width(app: &App) -> f64 {
    wait(
        app,
        "a row's Modified cell",
        "const d = document.querySelector('#entries .entry .date'); \
         return d && d.getBoundingClientRect().width;",
    )
    .await
    .as_f64()
    .unwrap()
}

/// Elements shown whose text does not fit them, and that do not show it whole on hover:
/// `[what, text]`.
const CLIPPED: &str = "
  const shown = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const out = [];
  const scrolls = (v) => v === 'auto' || v === 'scroll';
  // Where a control cannot be reached: beside the window, below the page's end, or cut off
  // by a box that does not scroll (one that scrolls reaches it).
  const unreachable = (el) => {
    const r = el.getBoundingClientRect();
    if (r.left < -1 || r.right > innerWidth + 1) return 'outside the window';
    if (r.bottom + scrollY > document.scrollingElement.scrollHeight + 1) return 'below the page';
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const b = a.getBoundingClientRect();
      if (r.left >= b.left - 1 && r.right <= b.right + 1 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1) continue;
      return scrolls(s.overflowX) || scrolls(s.overflowY) ? null : `cut off by ${a.id || a.className || a.tagName}`;
    }
    return null;
  };
  for (const el of document.querySelectorAll('button, input, [role=separator]')) {
    const why = shown(el) && unreachable(el);
    if (why) out.push([el.id || el.className || el.tagName, why]);
  }
  for (const el of document.querySelectorAll('button, h1, h2, h3, label, [role=status], .entry .label, .list-head span')) {
    if (!shown(el) || el.scrollWidth <= el.clientWidth + 1) continue;
    const text = el.textContent.trim();
    if (el.title && el.title.includes(text)) continue;
    out.push([el.id || el.className || el.tagName, text]);
  }
  const canvas = document.createElement('canvas').getContext('2d');
  for (const input of document.querySelectorAll('input[placeholder]')) {
    if (!shown(input)) continue;
    const s = getComputedStyle(input);
    canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    if (canvas.measureText(input.placeholder).width > room) out.push([input.id, input.placeholder]);
  }
  return out;";

#[tokio::test]
async fn nothing_is_cut_off_and_columns_resize_by_pointer_and_keyboard_and_keep_their_width() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let mode = desktop.dir.join("browser-mode");
    let (app, s) = connected_read_only(&desktop, BROWSER, &mode).await;
    wait(
        &app,
        "the preview open",
        "return document.getElementById('act-preview').getAttribute('aria-pressed') === 'true' \
           && !document.getElementById('preview').hidden;",
    )
    .await;
    let clipped = app.wd.execute(CLIPPED, json!([])).await.unwrap();
    assert_eq!(clipped, json!([]), "cut off in the default window");

    let before = modified_width(&app).await;
    let (x, y) = on_screen(
        &app,
        &desktop,
        "return document.querySelector('[data-resize=modified]');",
    )
    .await;
    let (x, y) = (x.to_string(), y.to_string());
    let left = (x.parse::<i64>().unwrap() - 60).to_string();
    for step in [
        vec!["mousemove", "--sync", &x, &y],
        vec!["mousedown", "1"],
        vec!["mousemove", "--sync", &left, &y],
        vec!["mouseup", "1"],
    ] {
        desktop.xdotool(&step).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    let dragged = modified_width(&app).await;
    assert!(
        (dragged - (before + 60.0)).abs() <= 2.0,
        "dragged 60 px toward Name: {before} → {dragged}"
    );

    app.wd
        .execute(
            "document.querySelector('[data-resize=size]').focus();",
            json!([]),
        )
        .await
        .unwrap();
    let keys = Keyboard::new(&desktop);
    keys.press("Right");
    keys.press("Right");
    let size = wait(
        &app,
        "the Size column narrower by two steps",
        "const h = document.querySelector('[data-resize=size]'); \
         return h.getAttribute('aria-valuenow') === '80' && h.getAttribute('aria-valuenow');",
    )
    .await;
    assert_eq!(size, "80");
    let clipped = app.wd.execute(CLIPPED, json!([])).await.unwrap();
    assert_eq!(clipped, json!([]), "cut off once resized");
    app.screenshot("columns-resized").await.unwrap();
    app.quit().await;

    let app = App::launch(&desktop, &app_env_with_mode_file(&s, BROWSER, &mode), &[])
        .await
        .expect("the app starts again");
    let again = modified_width(&app).await;
    assert!(
        (again - dragged).abs() <= 1.0,
        "kept at the next start: {dragged} → {again}"
    );
    let size = app
        .wd
        .execute(
            "return document.querySelector('[data-resize=size]').getAttribute('aria-valuenow');",
            json!([]),
        )
        .await
        .unwrap();
    assert_eq!(size, "80");
    app.quit().await;
}

#[tokio::test]
async fn a_german_desktop_gets_the_window_in_german_with_german_sizes_and_dates() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup_with(&desktop, |_| {}).await;
    let mut env = app_env(&s, BROWSER, "allow");
    env.push(("LANG", "de_DE.UTF-8".into()));
    let app = App::launch(&desktop, &env, &[])
        .await
        .expect("app launches");
    let said = app
        .wd
        .execute(
            "return [document.documentElement.lang, document.getElementById('connect').textContent];",
            json!([]),
        )
        .await
        .unwrap();
    assert_eq!(said, json!(["de", "Mit Dropbox verbinden"]));
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    wait(
        &app,
        "the rows",
        "return document.querySelectorAll('#entries .entry .date').length > 3",
    )
    .await;
    let shown = wait(
        &app,
        "the window's words in German",
        "const text = (id) => document.getElementById(id).textContent; \
         return text('status-text') === 'Verbunden' && [text('act-upload'), \
           document.getElementById('search').placeholder, text('summary-text'), \
           [...document.querySelectorAll('#entries .entry .date')].map(d => d.textContent), \
           text('account-store'), text('usage-text')];",
    )
    .await;
    assert_eq!(shown[0], "Hochladen…");
    assert_eq!(
        shown[4], "Angemeldet; aufbewahrt in deinem GNOME-Schlüsselbund (Secret Service).",
        "what the core says comes in German too"
    );
    let usage = shown[5].as_str().unwrap();
    assert!(
        usage.contains(" von ") && usage.ends_with(" TB belegt"),
        "{usage}"
    );
    assert_eq!(shown[1], "Überall suchen (Strg+K)");
    let summary = shown[2].as_str().unwrap();
    assert!(
        summary.starts_with("5 Ordner · 5 Dateien · ") && summary.ends_with(",0 KB"),
        "counts and a size as German writes them: {summary}"
    );
    let dates: Vec<&str> = shown[3]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|d| !d.is_empty())
        .collect();
    assert!(
        !dates.is_empty()
            && dates.iter().all(|d| {
                let parts: Vec<&str> = d.split(' ').collect();
                parts.len() == 3 && parts[0].ends_with('.') && parts[2].len() == 4
            }),
        "dates as German writes them (4. Dez. 2026): {dates:?}"
    );
    let clipped = app.wd.execute(CLIPPED, json!([])).await.unwrap();
    assert_eq!(clipped, json!([]), "cut off in German");
    app.screenshot("german").await.unwrap();
    app.quit().await;
}

/// The window at `width`×`height` in the screen's top left corner.
fn resize(desktop: &Desktop, width: u32, height: u32) {
    let window = e2e::drag::window_titled(desktop, "Dropdesk").expect("the app's window");
    desktop
        .xdotool(&["windowmove", "--sync", &window, "0", "0"])
        .unwrap();
    desktop
        .xdotool(&[
            "windowsize",
            "--sync",
            &window,
            &width.to_string(),
            &height.to_string(),
        ])
        .unwrap();
}

#[tokio::test]
async fn at_twice_the_text_size_in_high_contrast_nothing_is_cut_off_and_every_control_is_reachable()
{
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    // What GNOME's text scaling factor of 2 sets for GTK: 192 dots per inch.
    let resources = desktop.dir.join("Xresources");
    std::fs::write(&resources, "Xft.dpi: 192\n").unwrap();
    let merged = desktop
        .command("xrdb")
        .args(["-nocpp", "-merge"])
        .arg(&resources)
        .status()
        .expect("xrdb");
    assert!(merged.success());
    let s = setup_with(&desktop, |_| {}).await;
    let mut env = app_env(&s, BROWSER, "allow");
    env.push(("GTK_THEME", "HighContrast".into()));
    let app = App::launch(&desktop, &env, &[])
        .await
        .expect("app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    resize(&desktop, 1280, 800);
    let seen = wait(
        &app,
        "the page zoomed to twice the size and in high contrast, with its rows",
        "return document.querySelectorAll('#entries .entry').length > 3 \
           && document.documentElement.dataset.contrast === 'more' \
           && innerWidth > 560 && innerWidth;",
    )
    .await;
    assert!(
        (620.0..=660.0).contains(&seen.as_f64().unwrap()),
        "1280 pixels at 200% are 640: {seen}"
    );
    let clipped = app.wd.execute(CLIPPED, json!([])).await.unwrap();
    assert_eq!(clipped, json!([]), "cut off at 200% in high contrast");
    app.wd
        .execute("window.scrollTo(0, 0);", json!([]))
        .await
        .unwrap();
    app.screenshot("large-text-high-contrast").await.unwrap();
    let focus = app
        .wd
        .execute(
            "document.getElementById('act-upload').focus(); \
             const s = getComputedStyle(document.activeElement); \
             return [s.outlineStyle, parseFloat(s.outlineWidth)];",
            json!([]),
        )
        .await
        .unwrap();
    assert!(
        focus[0] != "none" && focus[1].as_f64().unwrap() >= 3.0,
        "focus still shows: {focus}"
    );
    app.quit().await;
}

#[tokio::test]
async fn the_right_to_left_pseudo_language_mirrors_the_window_and_names_keep_their_direction() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let s = setup_with(&desktop, |_| {}).await;
    // A name that would pass for a PDF if its right-to-left override were obeyed.
    e2e::fixture::fakebox_control(
        &s.fakebox,
        reqwest::Method::POST,
        "files",
        json!({"ops": [{"op": "add_file", "path": "/invoice\u{202E}fdp.exe", "content": "x"}]}),
    )
    .await;
    let mut env = app_env(&s, BROWSER, "allow");
    env.push(("LANGUAGE", "ar_XB".into()));
    let app = App::launch(&desktop, &env, &[])
        .await
        .expect("app launches");
    app.click("connect").await.unwrap();
    wait_for_name(&app, &s).await;
    let laid = wait(
        &app,
        "the window right to left, with its rows",
        "const r = (sel) => document.querySelector(sel).getBoundingClientRect(); \
         return document.querySelectorAll('#entries .entry').length > 3 \
           && [document.documentElement.dir, \
               r('.account').left > r('.browser').left, \
               r('#back').left > r('#forward').left, \
               r('#entries .entry .name').right > r('#entries .entry .date').right, \
               document.getElementById('act-upload').textContent, \
               document.querySelector('#crumbs button').textContent, \
               document.getElementById('account-store').textContent.startsWith('\\u202ESigned in')];",
    )
    .await;
    assert_eq!(
        laid,
        json!([
            "rtl",
            true,
            true,
            true,
            "\u{202E}Upload…\u{202C}",
            "\u{202E}App folder\u{202C}",
            true
        ]),
        "mirrored: the account card, Back before Forward, a row's name before its date, \
         the words turned around, the core's too"
    );
    let name = wait(
        &app,
        "the disguised name, shown without its override",
        "const l = [...document.querySelectorAll('#entries .entry .label')] \
           .find(l => l.textContent.startsWith('invoice')); \
         return l && [l.textContent, getComputedStyle(l).unicodeBidi];",
    )
    .await;
    assert_eq!(name, json!(["invoicefdp.exe", "isolate"]));
    let clipped = app.wd.execute(CLIPPED, json!([])).await.unwrap();
    assert_eq!(clipped, json!([]), "cut off right to left");
    app.screenshot("right-to-left").await.unwrap();
    app.quit().await;
}

/// The desktop switches to a high-contrast theme while Dropdesk runs (as GNOME's setting
/// reaches GTK: over XSETTINGS, here from xsettingsd), and back: the window follows each
/// change at once, without a restart.
#[tokio::test]
async fn the_window_follows_the_desktop_into_high_contrast_and_back_while_it_runs() {
    let _one_at_a_time = e2e::serial().await;
    let desktop = Desktop::start().expect("desktop session");
    let conf = desktop.dir.join("xsettingsd.conf");
    let theme = |name: &str| {
        std::fs::write(&conf, format!("Net/ThemeName \"{name}\"\n")).unwrap();
    };
    theme("Adwaita");
    let mut cmd = desktop.command("xsettingsd");
    cmd.arg("-c")
        .arg(&conf)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let settings = e2e::procs::Proc::spawn("xsettingsd", cmd).expect("xsettingsd");
    // xsettingsd reads its file again on SIGHUP and tells every GTK program.
    let reload = || {
        let sent = std::process::Command::new("kill")
            .args(["-HUP", &settings.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    };
    let s = setup_with(&desktop, |_| {}).await;
    let app = App::launch(&desktop, &app_env(&s, BROWSER, "allow"), &[])
        .await
        .expect("app launches");
    let contrast = "return document.readyState === 'complete' \
        && [document.documentElement.dataset.contrast ?? 'normal', \
            getComputedStyle(document.body).backgroundColor];";
    let before = wait(&app, "the page", contrast).await;
    assert_eq!(before[0], "normal", "{before}");
    theme("HighContrast");
    reload();
    let high = wait(
        &app,
        "high contrast, followed",
        "return document.documentElement.dataset.contrast === 'more' \
          && getComputedStyle(document.body).backgroundColor;",
    )
    .await;
    assert_ne!(high, before[1], "the page's colours change too");
    theme("Adwaita");
    reload();
    let back = wait(
        &app,
        "the ordinary theme again",
        "return !document.documentElement.dataset.contrast \
          && getComputedStyle(document.body).backgroundColor;",
    )
    .await;
    assert_eq!(back, before[1]);
    app.quit().await;
}

/// What each part of the forced-colors page looks like: [id, background, colour, border
/// top (width, style, colour), a label's colour].
const LOOKS: &str = "
    return [...document.querySelectorAll('[id]')].map((e) => {
      const s = getComputedStyle(e);
      const label = e.querySelector('.label');
      return [e.id, s.backgroundColor, s.color,
              [s.borderTopWidth, s.borderTopStyle, s.borderTopColor],
              label ? getComputedStyle(label).color : null];
    });";

/// Windows' contrast themes reach the page as forced colors (WebView2 is Chromium), which
/// WebKitGTK does not have: the window's own style sheet, in Chromium with forced colors
/// emulated, still shows which row is selected and which filter is pressed, and every
/// button, the banner and the notice keep an edge.
#[tokio::test]
async fn in_forced_colors_the_selection_a_pressed_filter_and_every_edge_stay_visible() {
    let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("support/forced-colors.html");
    let chromium = e2e::chromium::Chromium::start("forced-colors")
        .await
        .expect("Chromium starts");
    let wd = &chromium.wd;
    wd.navigate(&format!("file://{}", page.display()))
        .await
        .unwrap();
    wd.cdp(
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "forced-colors", "value": "active"}]}),
    )
    .await
    .expect("forced colors emulated");
    let forced = wd
        .execute(
            "return matchMedia('(forced-colors: active)').matches;",
            json!([]),
        )
        .await
        .unwrap();
    assert_eq!(forced, json!(true));
    let looks = wd.execute(LOOKS, json!([])).await.unwrap();
    chromium.close().await;
    let part = |id: &str| {
        looks
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l[0] == id)
            .unwrap_or_else(|| panic!("{id} on the page: {looks}"))
            .clone()
    };
    // A colour without its alpha: a transparent row shows the page's colour, and forced
    // colours keep only the alpha of ours.
    let rgb = |c: &Value| -> Vec<String> {
        c.as_str()
            .unwrap()
            .split(|ch: char| !ch.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .take(3)
            .map(str::to_string)
            .collect()
    };
    let (selected, page) = (part("selected"), part("page"));
    assert_ne!(
        rgb(&selected[1]),
        rgb(&page[1]),
        "the selected row stands out: {selected} on {page}"
    );
    assert_ne!(
        rgb(&selected[1]),
        rgb(&selected[2]),
        "its text can be read on it: {selected}"
    );
    assert_eq!(selected[4], selected[2], "its name too: {selected}");
    for id in [
        "primary",
        "secondary",
        "ghost",
        "danger",
        "pressed",
        "unpressed",
        "icon",
        "banner",
        "notice",
    ] {
        let p = part(id);
        let edge = &p[3];
        assert!(
            edge[1] == "solid" && edge[0] != "0px" && edge[2] != p[1],
            "{id} has an edge: {p}"
        );
    }
    assert_ne!(
        part("pressed")[3][0],
        part("unpressed")[3][0],
        "a pressed filter looks pressed"
    );
}
