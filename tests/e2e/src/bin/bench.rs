//! Benchmarks of the built app in a real desktop session (not tests: figures, no pass or
//! fail). Run by `bash tests/bench.sh`, which builds the release app first. Prints a
//! Markdown report. The whole set (`bench.sh --full`, `BENCH_FULL`): cold start and idle
//! memory beside the floor, connect latency, listing 10k/100k in the window (and memory per
//! cached entry), a cached revisit, live updates (a change at fakebox → its row in the
//! window), a start that shows the stored listing, and a 1 GiB download beside curl's.
//! Each figure is the median of five runs, with min and max (live updates: median and 95th
//! percentile of 20). CI's short report: start and idle beside the floor, connect and the
//! 100k listing, three runs each, and one download.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use e2e::app::{app_binary, App, STEP};
use e2e::desktop::Desktop;
use e2e::fixture::{app_env, browser_log, fakebox_control, setup_with, wait_for_name, Setup};
use e2e::procs::Proc;
use serde_json::{json, Value};

/// How many times each figure is taken: five for the whole set (`bench.sh --full`), three
/// for CI's short report.
fn runs() -> usize {
    if full() {
        5
    } else {
        3
    }
}

/// The whole set (`BENCH_FULL`, from `bench.sh --full`), or CI's short report: start and
/// idle beside the floor, connect, the 100,000-entry listing and one download.
fn full() -> bool {
    std::env::var_os("BENCH_FULL").is_some_and(|v| !v.is_empty())
}

struct Stats(Vec<f64>);

const CHANGES: usize = 20;

impl Stats {
    /// Median and 95th percentile (nearest rank), with the extremes.
    fn percentiles(mut self, unit: &str) -> String {
        self.0.sort_by(f64::total_cmp);
        let n = self.0.len();
        if n == 0 {
            return "n/a".into();
        }
        let p95 = self.0[((n * 95).div_ceil(100)).max(1) - 1];
        format!(
            "median {:.0} {unit}, p95 {p95:.0} {unit} (min {:.0}, max {:.0}, n={n})",
            self.0[n / 2],
            self.0[0],
            self.0[n - 1]
        )
    }

    fn median(&self) -> f64 {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    }

    fn show(mut self, unit: &str) -> String {
        self.0.sort_by(f64::total_cmp);
        let n = self.0.len();
        if n == 0 {
            return "n/a".into();
        }
        format!(
            "{:.1} {unit} (min {:.1}, max {:.1}, n={n})",
            self.0[n / 2],
            self.0[0],
            self.0[n - 1]
        )
    }
}

/// Memory of the app and every process below it, in kB: the sum of RSS (shared pages
/// counted in each process), the sum of PSS (shared pages split between processes), and
/// the number of processes.
fn memory_of_app(binary: &Path) -> (u64, u64, usize) {
    let target = std::fs::canonicalize(binary).unwrap_or_else(|_| binary.to_path_buf());
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut roots = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            if let Some(ppid) = stat
                .rsplit(')')
                .next()
                .and_then(|r| r.split_whitespace().nth(1))
            {
                parent.insert(pid, ppid.parse().unwrap_or(0));
            }
        }
        if std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|e| e == target) {
            roots.push(pid);
        }
    }
    let below = |pid: u32| {
        let mut p = pid;
        for _ in 0..64 {
            if roots.contains(&p) {
                return true;
            }
            match parent.get(&p) {
                Some(&pp) if pp > 1 => p = pp,
                _ => return false,
            }
        }
        false
    };
    let (mut rss, mut pss, mut count) = (0, 0, 0);
    for &pid in parent.keys().filter(|&&p| below(p)) {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let own_pss = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("Pss:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        if std::env::var_os("BENCH_PROCESSES").is_some() {
            let name = status.lines().next().unwrap_or_default().to_string();
            eprintln!("{name}: RSS {} kB, PSS {own_pss} kB", field("VmRSS:"));
        }
        rss += field("VmRSS:");
        pss += own_pss;
        count += 1;
    }
    (rss, pss, count)
}

async fn js(app: &App, script: &str) -> Value {
    app.wd
        .execute(script, json!([]))
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// One start of an app, timed without WebDriver: spawn → page loaded (Tauri's
/// `PageLoadEvent::Finished`, as each app reports it) seen from outside, and the same from
/// inside the process; for Dropdesk the UI's ready mark too; then memory once idle.
struct Start {
    page_outside: f64,
    page_inside: f64,
    ready_outside: f64,
    ready_inside: f64,
    rss: u64,
    pss: u64,
}

/// How long to let an app settle before reading its idle memory.
const SETTLE: Duration = Duration::from_secs(3);

/// Poll `check` every few ms (a start is timed to the ms) for up to a minute.
fn soon<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(Instant::now() < deadline, "no {what} within a minute");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The number after `label` in `line`.
fn after(line: &str, label: &str) -> f64 {
    line.split(label)
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

/// The app key Dropdesk starts with here, as the package carries one: its first view is
/// the welcome view (nothing reaches Dropbox before Connect).
const A_KEY: (&str, &str) = ("DROPBOX_APP_KEY", "dropdeskbenchkey");

fn start_dropdesk(binary: &Path, env: &[(&str, &str)]) -> Start {
    let desktop = Desktop::start().expect("desktop");
    let log = desktop.app_log();
    let mut cmd = desktop.command(binary);
    cmd.envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let started = Instant::now();
    let _app = Proc::spawn("dropdesk", cmd).expect("app starts");
    let line = |mark: &str| {
        std::fs::read_to_string(&log)
            .ok()?
            .lines()
            .find(|l| l.contains(mark))
            .map(str::to_string)
    };
    let page = soon("page loaded mark", || line("page loaded"));
    let page_outside = started.elapsed().as_secs_f64() * 1000.0;
    let ready = soon("ready mark", || line("ui ready"));
    let ready_outside = started.elapsed().as_secs_f64() * 1000.0;
    std::thread::sleep(SETTLE);
    let (rss, pss, _) = memory_of_app(binary);
    Start {
        page_outside,
        page_inside: after(&page, "page loaded "),
        ready_outside,
        ready_inside: after(&ready, "ui ready "),
        rss,
        pss,
    }
}

fn start_floor(binary: &Path, env: &[(&str, &str)]) -> Start {
    let desktop = Desktop::start().expect("desktop");
    let mut cmd = desktop.command(binary);
    cmd.envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let started = Instant::now();
    let mut app = Proc::spawn("floor", cmd).expect("the floor starts");
    let line = app
        .first_line(Duration::from_secs(60))
        .expect("the floor's page loads");
    let page_outside = started.elapsed().as_secs_f64() * 1000.0;
    std::thread::sleep(SETTLE);
    let (rss, pss, _) = memory_of_app(binary);
    Start {
        page_outside,
        page_inside: after(&line, "page loaded "),
        ready_outside: f64::NAN,
        ready_inside: f64::NAN,
        rss,
        pss,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// A side table of starts measured in the same rotation as the main one.
fn starts_table(title: &str, runs: &[Start], with_ready: bool) {
    let col = |f: fn(&Start) -> f64| Stats(runs.iter().map(f).collect());
    println!(
        "| {title}, n={} in turn with the rest | figure |\n| --- | --- |",
        runs.len()
    );
    println!(
        "| spawn → page loaded, outside | {} |",
        col(|r| r.page_outside).show("ms")
    );
    if with_ready {
        println!(
            "| spawn → UI ready mark, outside | {} |",
            col(|r| r.ready_outside).show("ms")
        );
    }
    println!(
        "| idle PSS, all processes | {} |",
        col(|r| r.pss as f64 / 1024.0).show("MB")
    );
    println!(
        "| idle RSS, all processes | {} |\n",
        col(|r| r.rss as f64 / 1024.0).show("MB")
    );
}

/// The browser stand-in built beside this benchmark.
fn browser_stand_in() -> String {
    std::env::current_exe()
        .expect("own path")
        .with_file_name("e2e-browser")
        .display()
        .to_string()
}

/// Dropdesk as packaged (no emulator, an app key, its welcome view) and the floor, started
/// in turn, `RUNS` times each (and an earlier Dropdesk build, `before`, when given, with no
/// key: a build with the demo runs it); a Markdown table of each figure for both, the
/// ratio and the goal, and the idle memory beside the floor with the WebKit settings
/// Dropdesk chooses on this machine.
fn against_the_floor(binary: &Path, floor: &Path, before: Option<&Path>) {
    let (mut ours, mut theirs, mut earlier, mut no_dmabuf) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs() {
        ours.push(start_dropdesk(binary, &[A_KEY]));
        theirs.push(start_floor(floor, &[]));
        no_dmabuf.push(start_floor(
            floor,
            &[("WEBKIT_DISABLE_DMABUF_RENDERER", "1")],
        ));
        if let Some(before) = before {
            earlier.push(start_dropdesk(before, &[]));
        }
    }
    starts_table(
        "the floor with `WEBKIT_DISABLE_DMABUF_RENDERER=1`",
        &no_dmabuf,
        false,
    );
    if let Some(before) = before {
        starts_table(&format!("`{}` (before)", before.display()), &earlier, true);
    }
    let col = |runs: &[Start], f: fn(&Start) -> f64| Stats(runs.iter().map(f).collect());
    let row = |label: &str, unit: &str, f: fn(&Start) -> f64, goal: &str| {
        let (a, b) = (
            median(ours.iter().map(f).collect()),
            median(theirs.iter().map(f).collect()),
        );
        println!(
            "| {label} | {} | {} | {:.2}× | {goal} |",
            col(&ours, f).show(unit),
            col(&theirs, f).show(unit),
            a / b
        );
    };
    println!("| start and idle, the package's build at its welcome view (n={}, in turn) | Dropdesk | floor | ratio | goal |\n| --- | --- | --- | --- | --- |", ours.len());
    row(
        "spawn → page loaded, outside",
        "ms",
        |r| r.page_outside,
        "≤ 1.05×",
    );
    row(
        "process start → page loaded, inside",
        "ms",
        |r| r.page_inside,
        "",
    );
    row(
        "idle PSS, all processes",
        "MB",
        |r| r.pss as f64 / 1024.0,
        "≤ 0.85×",
    );
    row(
        "idle RSS, all processes",
        "MB",
        |r| r.rss as f64 / 1024.0,
        "",
    );
    // Dropdesk turns WebKit's DMA-BUF renderer off where there is no GPU render node
    // (`webview::choose_renderer`); the floor with the same setting is the fair floor.
    let render_node = std::fs::read_dir("/dev/dri").is_ok_and(|d| {
        d.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    let same_settings = if render_node { &theirs } else { &no_dmabuf };
    let pss = |runs: &[Start]| median(runs.iter().map(|r| r.pss as f64).collect());
    println!(
        "| idle PSS beside the floor with Dropdesk's WebKit settings | {} | {} | {:.2}× | ≤ 1.05× |",
        col(&ours, |r| r.pss as f64 / 1024.0).show("MB"),
        col(same_settings, |r| r.pss as f64 / 1024.0).show("MB"),
        pss(&ours) / pss(same_settings)
    );
    let size = |p: &Path| std::fs::metadata(p).map_or(f64::NAN, |m| m.len() as f64 / 1e6);
    println!(
        "| release binary | {:.2} MB | {:.2} MB | {:.2}× | ≤ 1.5× |",
        size(binary),
        size(floor),
        size(binary) / size(floor)
    );
    println!(
        "\n| Dropdesk alone | figure |\n| --- | --- |\n| spawn → UI ready mark, outside | {} |\n| process start → UI ready, inside | {} |\n",
        col(&ours, |r| r.ready_outside).show("ms"),
        col(&ours, |r| r.ready_inside).show("ms")
    );
}

fn rfc3339_ms(line: &str) -> Option<f64> {
    // "2026-11-23T08:25:20.123456789Z INFO ..." → ms since the epoch (same day is enough:
    // both stamps compared come from one run).
    let stamp = line.split_whitespace().next()?;
    let t = stamp.split('T').nth(1)?.trim_end_matches('Z');
    let mut parts = t.split(':');
    let h: f64 = parts.next()?.parse().ok()?;
    let m: f64 = parts.next()?.parse().ok()?;
    let s: f64 = parts.next()?.parse().ok()?;
    Some(((h * 60.0 + m) * 60.0 + s) * 1000.0)
}

fn day_ms(epoch_ms: f64) -> f64 {
    epoch_ms % 86_400_000.0
}

struct ConnectRun {
    click_to_browser: f64,
    callback_to_name: f64,
    callback_to_connected: f64,
    exchange: f64,
    keychain: f64,
    all_done: f64,
    account: f64,
}

async fn connect_once(desktop: &Desktop, s: &Setup) -> (App, ConnectRun) {
    let app = App::launch(desktop, &app_env(s, &browser_stand_in(), "allow"), &[])
        .await
        .expect("app launches");
    js(
        &app,
        "window.__named = 0; window.__connected = 0; new MutationObserver(() => { if (!window.__named && document.getElementById('account-name').textContent) window.__named = Date.now(); }).observe(document.getElementById('account-name'), {childList: true, characterData: true, subtree: true}); new MutationObserver(() => { if (!window.__connected && document.getElementById('status').dataset.state === 'connected') window.__connected = Date.now(); }).observe(document.getElementById('status'), {attributes: true}); new MutationObserver(() => { if (document.getElementById('confirm-account').open) document.getElementById('confirm-account-yes').click(); }).observe(document.getElementById('confirm-account'), {attributes: true});",
    )
    .await;
    let clicked = js(
        &app,
        "const t = Date.now(); document.getElementById('connect').click(); return t;",
    )
    .await
    .as_f64()
    .unwrap();
    wait_for_name(&app, s).await;
    let named = js(&app, "return window.__named;").await.as_f64().unwrap();
    let connected = app
        .wd
        .wait_for(
            "return window.__connected || null;",
            Duration::from_secs(30),
        )
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN);
    let blog = browser_log(s);
    let browser_at: f64 = blog
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("started-at-ms "))
        .and_then(|v| v.parse().ok())
        .unwrap();
    let log = std::fs::read_to_string(desktop.app_log()).unwrap_or_default();
    let callback_at = log
        .lines()
        .rev()
        .find(|l| l.contains("sign-in wait finished"))
        .and_then(rfc3339_ms)
        .unwrap_or(f64::NAN);
    let phases = log
        .lines()
        .rev()
        .find(|l| l.contains("connected: token exchange"))
        .unwrap_or("");
    let num = |label: &str| -> f64 {
        phases
            .split(label)
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let run = ConnectRun {
        click_to_browser: browser_at - clicked,
        callback_to_name: day_ms(named) - callback_at,
        callback_to_connected: day_ms(connected) - callback_at,
        exchange: num("token exchange "),
        keychain: num("keychain write "),
        all_done: num("all done at "),
        account: num("account named at "),
    };
    (app, run)
}

/// Open a folder in the window and time it; returns (first rows ms, complete ms, rows in DOM).
async fn open_folder(app: &App, name: &str) -> (f64, f64, u64) {
    js(
        app,
        &format!(
            "const r = [...document.querySelectorAll('#entries .entry')].find(r => r.querySelector('.label').textContent === {name:?}); r.dispatchEvent(new MouseEvent('dblclick', {{bubbles: true}}));"
        ),
    )
    .await;
    app.wd
        .wait_for("const l = document.getElementById('entries'); return l.dataset.completeMs ? true : null;", Duration::from_secs(300))
        .await
        .expect("the listing completes");
    let v = js(
        app,
        "const l = document.getElementById('entries'); return [+l.dataset.firstRowsMs, +l.dataset.completeMs, document.querySelectorAll('#entries .entry').length];",
    )
    .await;
    (
        v[0].as_f64().unwrap(),
        v[1].as_f64().unwrap(),
        v[2].as_u64().unwrap(),
    )
}

async fn back_to_root(app: &App) {
    js(
        app,
        "document.querySelectorAll('#crumbs button')[0].click();",
    )
    .await;
    app.wd
        .wait_for("return document.querySelectorAll('#crumbs button').length === 1 && document.getElementById('entries').dataset.completeMs ? true : null;", STEP)
        .await
        .expect("back at the root");
}

fn epoch_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Changes made at fakebox while the root folder is open, each timed from the request to
/// the row appearing in (or leaving) the window's DOM, as a MutationObserver in the page
/// sees it (the page's clock and this process's are the same system clock).
async fn live_updates(app: &App, s: &Setup) -> (Stats, Stats) {
    js(
        app,
        "window.__seen = new Map(); window.__gone = new Map(); const list = document.getElementById('entries'); new MutationObserver(() => { const now = Date.now(); const shown = new Set([...list.querySelectorAll('.entry .label')].map(l => l.textContent)); for (const n of shown) if (!window.__seen.has(n)) window.__seen.set(n, now); for (const n of window.__seen.keys()) if (!shown.has(n) && !window.__gone.has(n)) window.__gone.set(n, now); }).observe(list, {childList: true, subtree: true, characterData: true});",
    )
    .await;
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for i in 0..CHANGES {
        let name = format!("A live change {i:02}.txt");
        for (op, into) in [("add_file", &mut added), ("delete", &mut removed)] {
            let asked = epoch_ms();
            fakebox_control(
                &s.fakebox,
                reqwest::Method::POST,
                "files",
                json!({"ops": [{"op": op, "path": format!("/{name}"), "content": "live"}]}),
            )
            .await;
            let map = if op == "add_file" { "__seen" } else { "__gone" };
            let seen = app
                .wd
                .wait_for(
                    &format!("return window.{map}.get({name:?}) || null;"),
                    Duration::from_secs(60),
                )
                .await
                .expect("the change shows without a click");
            into.push(seen.as_f64().unwrap_or(f64::NAN) - asked);
        }
    }
    (Stats(added), Stats(removed))
}

/// Start again with the grant and the stored listing: the UI's ready mark and the first
/// rows (from the store) in the page's clock, and whether they came from the store.
async fn start_from_store(desktop: &Desktop, env: &[(&str, String)]) -> (Stats, Stats, bool) {
    let (mut after_ready, mut after_page, mut stored) = (Vec::new(), Vec::new(), true);
    for _ in 0..runs() {
        let app = App::launch(desktop, env, &[])
            .await
            .expect("app relaunches");
        let v = app
            .wd
            .wait_for(
                "const l = document.getElementById('entries'); return l.dataset.firstRowsAt && document.body.dataset.readyAt ? [+document.body.dataset.readyAt, +l.dataset.firstRowsAt, performance.timeOrigin, l.dataset.fromCache === 'true'] : null;",
                Duration::from_secs(60),
            )
            .await
            .expect("rows at start");
        let (ready, rows, origin) = (
            v[0].as_f64().unwrap(),
            v[1].as_f64().unwrap(),
            v[2].as_f64().unwrap(),
        );
        after_ready.push(rows - ready);
        after_page.push(rows - origin);
        stored &= v[3].as_bool().unwrap_or(false);
        app.quit().await;
    }
    (Stats(after_ready), Stats(after_page), stored)
}

/// The resident memory of the app's own process (not WebKit's), in kB.
fn app_rss(binary: &Path) -> u64 {
    let target = std::fs::canonicalize(binary).unwrap_or_else(|_| binary.to_path_buf());
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let pid = entry.file_name();
        if std::fs::read_link(entry.path().join("exe")).is_ok_and(|e| e == target) {
            let status = std::fs::read_to_string(format!("/proc/{}/status", pid.to_string_lossy()))
                .unwrap_or_default();
            return status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
        }
    }
    0
}

const GIB: u64 = 1 << 30;

/// A 1 GiB file from fakebox on loopback, fetched by curl (to a file) and by the app
/// (opened: downloaded into its cache with the content hash checked), in turn, `RUNS`
/// times each: throughput in MB/s, and the app process's peak RSS above its idle RSS,
/// sampled every 20 ms while it downloads.
async fn download_vs_curl(
    app: &App,
    s: &Setup,
    desktop: &Desktop,
    binary: &Path,
) -> (Stats, Stats, Stats) {
    // What xdg-open starts for the downloaded file: a stand-in that only records it.
    desktop.default_opener("application/octet-stream");
    let (token, _) = s.fakebox.mint_grant();
    let out = desktop.dir.join("curl-download.bin");
    let (mut curl, mut ours, mut above) = (Vec::new(), Vec::new(), Vec::new());
    let downloads = if full() { runs() } else { 1 };
    for i in 0..downloads {
        let name = format!("Gig {i}.bin");
        fakebox_control(
            &s.fakebox,
            reqwest::Method::POST,
            "files",
            json!({"ops": [{"op": "add_file", "path": format!("/{name}"), "size": GIB}]}),
        )
        .await;
        let arg = format!("Dropbox-API-Arg: {{\"path\": \"/{name}\"}}");
        let took = tokio::process::Command::new("curl")
            .args(["-s", "-X", "POST", "-o"])
            .arg(&out)
            .args(["-w", "%{time_total}", "-H"])
            .arg(format!("Authorization: Bearer {token}"))
            .args(["-H", &arg])
            .arg(format!(
                "{}/2/files/download",
                s.fakebox.base_url().trim_end_matches('/')
            ))
            .output()
            .await
            .expect("curl runs");
        let secs: f64 = String::from_utf8_lossy(&took.stdout)
            .trim()
            .parse()
            .unwrap_or(f64::NAN);
        assert_eq!(
            std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0),
            GIB,
            "curl got it all"
        );
        curl.push(GIB as f64 / secs / 1e6);
        let _ = std::fs::remove_file(&out);

        // Only this file in view: the filter narrows the folder to it.
        js(
            app,
            &format!("const f = document.getElementById('filter'); f.value = {name:?}; f.dispatchEvent(new Event('input'));"),
        )
        .await;
        let row = format!("[...document.querySelectorAll('#entries .entry')].find(r => r.querySelector('.label').textContent === {name:?})");
        app.wd
            .wait_for(&format!("return {row} && document.querySelectorAll('#entries .entry').length === 1 ? true : null;"), Duration::from_secs(30))
            .await
            .expect("the file is listed");
        tokio::time::sleep(Duration::from_millis(500)).await;
        let idle = app_rss(binary);
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(idle));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sampler = {
            let (peak, stop, binary) = (peak.clone(), stop.clone(), binary.to_path_buf());
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    peak.fetch_max(app_rss(&binary), std::sync::atomic::Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        // Timed by the page's own clock, from the double-click to the row's "done", seen by
        // a MutationObserver; the harness looks only twice a second, so that its polling
        // takes next to nothing from the two cores the download shares.
        js(
            app,
            &format!("window.__done = 0; window.__watch?.disconnect(); const list = document.getElementById('transfer-list'); window.__watch = new MutationObserver(() => {{ const t = [...list.querySelectorAll('.transfer')].find(t => t.querySelector('.tname').textContent === {name:?}); if (!window.__done && t && t.dataset.state === 'done') window.__done = Date.now(); }}); window.__watch.observe(list, {{subtree: true, childList: true, attributes: true}}); window.__clicked = Date.now(); {row}.dispatchEvent(new MouseEvent('dblclick', {{bubbles: true}}));"),
        )
        .await;
        let deadline = Instant::now() + Duration::from_secs(600);
        let millis = loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let took = app
                .wd
                .execute(
                    "return window.__done ? window.__done - window.__clicked : null;",
                    json!([]),
                )
                .await
                .expect("the page answers");
            if let Some(ms) = took.as_f64() {
                break ms;
            }
            assert!(Instant::now() < deadline, "the app's download finishes");
        };
        let secs = millis / 1000.0;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = sampler.join();
        ours.push(GIB as f64 / secs / 1e6);
        above.push(
            peak.load(std::sync::atomic::Ordering::Relaxed)
                .saturating_sub(idle) as f64
                / 1024.0,
        );
    }
    (Stats(curl), Stats(ours), Stats(above))
}

/// One part of a connect, as a row's label and how to read it from a run.
type Part = (&'static str, fn(&ConnectRun) -> f64);

/// Connect latency, each part's median over the runs.
fn connect_table(runs: &[ConnectRun]) {
    let rows: [Part; 7] = [
        ("click → browser command started", |r| r.click_to_browser),
        ("callback received → name on screen", |r| {
            r.callback_to_name
        }),
        ("… token exchange", |r| r.exchange),
        (
            "… account named (account + space usage, beside the keychain write), from the callback",
            |r| r.account,
        ),
        ("… keychain write", |r| r.keychain),
        (
            "… the core done (grant kept, names remembered), from the callback",
            |r| r.all_done,
        ),
        ("callback received → Connected on screen", |r| {
            r.callback_to_connected
        }),
    ];
    println!(
        "| connect (auto-approve, median of {}) | figure |\n| --- | --- |",
        runs.len()
    );
    for (label, part) in rows {
        let stats = Stats(runs.iter().map(part).collect());
        println!("| {label} | {} |", stats.show("ms"));
    }
    println!();
}

fn download_table(curl: Stats, ours: Stats, above: Stats) {
    let ratio = ours.median() / curl.median();
    println!(
        "\n| 1 GiB from fakebox on loopback (n={}, in turn) | figure |\n| --- | --- |",
        curl.0.len()
    );
    println!("| curl, to a file | {} |", curl.show("MB/s"));
    println!("| Dropdesk, Open (into the cache, content hash checked; double-click → Done in the window) | {} |", ours.show("MB/s"));
    println!("| Dropdesk ÷ curl (medians; goal ≥ 0.8×) | {ratio:.2}× |");
    println!(
        "| Dropdesk's process, peak RSS above idle while downloading (goal ≤ 30 MB) | {} |",
        above.show("MB")
    );
}

fn file_size(p: &Path) -> String {
    std::fs::metadata(p).map_or("not built".into(), |m| {
        format!("{:.2} MB", m.len() as f64 / 1e6)
    })
}

#[tokio::main]
async fn main() {
    let binary = app_binary();
    assert!(
        binary.exists(),
        "{} is missing: run tests/bench.sh",
        binary.display()
    );
    println!(
        "## Measured {}\n",
        std::env::var("BENCH_DATE").unwrap_or_default()
    );
    println!(
        "App binary: `{}`, {}\n",
        binary.display(),
        file_size(&binary)
    );
    if let Some(deb) = std::env::var_os("BENCH_DEB") {
        println!(
            "Debian package: `{}`, {}\n",
            PathBuf::from(&deb).display(),
            file_size(Path::new(&deb))
        );
    }

    if std::env::var_os("BENCH_ONLY_CONNECT").is_some() {
        let desktop = Desktop::start().expect("desktop");
        let mut connects = Vec::new();
        for _ in 0..runs() {
            let s = setup_with(&desktop, |c| c.auto_approve = true).await;
            let (app, run) = connect_once(&desktop, &s).await;
            connects.push(run);
            let _ = js(&app, "return window.__TAURI__.core.invoke('disconnect', { accountId: document.getElementById('view-connected').dataset.accountId });").await;
            app.quit().await;
        }
        connect_table(&connects);
        return;
    }
    if std::env::var_os("BENCH_ONLY_DOWNLOAD").is_some() {
        let desktop = Desktop::start().expect("desktop");
        let s = setup_with(&desktop, |c| c.auto_approve = true).await;
        let (app, _) = connect_once(&desktop, &s).await;
        let (curl, ours, above) = download_vs_curl(&app, &s, &desktop, &binary).await;
        app.quit().await;
        download_table(curl, ours, above);
        return;
    }
    let floor =
        std::env::var_os("FLOOR_APP").map_or_else(|| binary.with_file_name("floor"), PathBuf::from);
    assert!(
        floor.exists(),
        "{} is missing: run tests/bench.sh",
        floor.display()
    );
    let before = std::env::var_os("BENCH_BEFORE").map(PathBuf::from);
    against_the_floor(&binary, &floor, before.as_deref());
    if std::env::var_os("BENCH_ONLY_START").is_some() {
        return;
    }

    let desktop = Desktop::start().expect("desktop");
    let mut connects = Vec::new();
    let mut memory = Vec::new();
    let folders: &[(&str, usize)] = if full() {
        &[("Ten thousand", 10_000), ("Hundred thousand", 100_000)]
    } else {
        &[("Hundred thousand", 100_000)]
    };
    for i in 0..runs() {
        let s = setup_with(&desktop, |c| {
            c.auto_approve = true;
            c.generate = folders
                .iter()
                .map(|&(name, n)| (format!("/{name}"), n))
                .collect();
        })
        .await;
        let (app, run) = connect_once(&desktop, &s).await;
        let env = app_env(&s, &browser_stand_in(), "allow");
        connects.push(run);
        if i + 1 < runs() {
            // Forget the grant so the next run connects afresh.
            let _ = js(&app, "return window.__TAURI__.core.invoke('disconnect', { accountId: document.getElementById('view-connected').dataset.accountId });").await;
            app.quit().await;
            continue;
        }
        // The last run goes on: memory and listings.
        tokio::time::sleep(Duration::from_secs(2)).await;
        memory.push(("idle after connecting", memory_of_app(&binary)));
        let mut listing = Vec::new();
        for &(folder, _) in folders {
            let (first, complete, rows) = open_folder(&app, folder).await;
            // The listing is written to the store just after it is complete.
            tokio::time::sleep(SETTLE).await;
            memory.push((folder, memory_of_app(&binary)));
            back_to_root(&app).await;
            let mut revisits = Vec::new();
            let mut from_cache = Value::Null;
            for _ in 0..runs() {
                revisits.push(open_folder(&app, folder).await.0);
                from_cache = js(
                    &app,
                    "return document.getElementById('entries').dataset.fromCache;",
                )
                .await;
                back_to_root(&app).await;
            }
            listing.push((
                folder,
                first,
                complete,
                rows,
                Stats(revisits).show("ms"),
                from_cache,
            ));
        }
        let updates = if full() {
            let updates = live_updates(&app, &s).await;
            back_to_root(&app).await;
            Some(updates)
        } else {
            None
        };
        let (curl, ours, above) = download_vs_curl(&app, &s, &desktop, &binary).await;
        app.quit().await;
        let from_store = if full() {
            Some(start_from_store(&desktop, &env).await)
        } else {
            None
        };
        connect_table(&connects);
        println!("| memory (app + WebKit processes) | sum of RSS | sum of PSS | processes |\n| --- | --- | --- | --- |");
        for (label, (rss, hwm, n)) in &memory {
            println!(
                "| {label} | {:.0} MB | {:.0} MB | {n} |",
                *rss as f64 / 1024.0,
                *hwm as f64 / 1024.0
            );
        }
        println!("\n| listing in the window | first rows | whole listing | rows in DOM | cached revisit: first rows |\n| --- | --- | --- | --- | --- |");
        for (folder, first, complete, rows, cached, from_cache) in listing {
            println!("| {folder} | {first:.0} ms | {complete:.0} ms | {rows} | {cached} (from cache: {from_cache}) |");
        }
        if full() {
            let pss = |label: &str| {
                memory
                    .iter()
                    .find(|(l, _)| *l == label)
                    .map_or(0.0, |(_, (_, pss, _))| *pss as f64 * 1024.0)
            };
            println!(
                "\n| memory per cached entry, whole app | figure |\n| --- | --- |\n| (PSS after 100,000 − PSS after 10,000) / 90,000 | {:.0} bytes |",
                (pss("Hundred thousand") - pss("Ten thousand")) / 90_000.0
            );
        }
        if let Some((added, removed)) = updates {
            println!("\n| live updates: change at fakebox → row in the window ({CHANGES} each) | figure |\n| --- | --- |");
            println!("| a file added | {} |", added.percentiles("ms"));
            println!("| a file deleted | {} |", removed.percentiles("ms"));
        }
        if let Some((after_ready, after_page, stored)) = from_store {
            println!(
                "\n| start with the stored listing (n={}) | figure |\n| --- | --- |",
                runs()
            );
            println!("| UI ready → first rows | {} |", after_ready.show("ms"));
            println!("| page start → first rows | {} |", after_page.show("ms"));
            println!("| rows came from the store | {stored} |");
        }
        download_table(curl, ours, above);
    }
}
