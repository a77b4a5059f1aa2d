//! Benchmark (not a test): uploads to fakebox through one TLS front, side by side in one
//! run, in turn. 1 GiB with Dropdesk's uploader (`files::upload`, the app's own path: 16
//! MiB chunks, the content hash computed while reading, checked at the end) beside curl
//! sending the same bytes to the same upload-session routes in the same chunk size over
//! one connection; the peak RSS of the uploader's process (one of its own, apart from
//! fakebox) above what it held before. And 1,000
//! files of 10 KiB: a folder upload (closed sessions committed by `finish_batch_v2`)
//! beside one `files/upload` per file. Prints Markdown; nothing is asserted.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use dropdesk::dropbox::{Commit, WriteMode};
use dropdesk::files::upload::{Local, Upload, CHUNK};
use dropdesk::files::upload_tree::{TreeUpload, PARALLEL};
use dropdesk::session::{Retry, Session};
use fakebox::{Config, Fakebox};
use tokio_util::sync::CancellationToken;

#[path = "support/tls_front.rs"]
mod tls_front;
#[path = "support/writing.rs"]
mod writing;
use writing::{https, writing_session};

const RUNS: usize = 3;
/// The round trip the second small-files run is given, in milliseconds.
const ROUND_TRIP_MS: u64 = 20;
const GIB: usize = 1 << 30;

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

/// This process's resident set now and at its peak since the last reset, in KiB.
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Forget the peak so far (`/proc/self/clear_refs`, 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// 1,000 small files in `tree` uploaded as a folder, and one `files/upload` each, in turn:
/// each way's times in milliseconds.
async fn small_files(session: &Session, tree: &Path, tag: &str) -> (Vec<f64>, Vec<f64>) {
    let (mut batched, mut each) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let t = Instant::now();
        let done = TreeUpload {
            session,
            root: tree,
            into: &format!("/batched-{tag}{run}"),
            chunk: CHUNK,
            retry: Retry::default(),
            on_bytes: &|_, _| {},
            on_wait: &|_| {},
            cancel: &CancellationToken::new(),
        }
        .run()
        .await
        .unwrap();
        assert_eq!(done.uploaded, 1000);
        batched.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        for i in 0..1000 {
            let commit = Commit {
                path: format!("/each-{tag}{run}/Small/f{i:04}.bin"),
                mode: WriteMode::Add,
                autorename: false,
                client_modified: None,
            };
            let body = std::fs::read(tree.join(format!("f{i:04}.bin"))).unwrap();
            session
                .upload(&commit, bytes::Bytes::from(body))
                .await
                .unwrap();
        }
        each.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    (batched, each)
}

async fn ours(session: &Session, file: &Path, to: &str) -> f64 {
    let local = Local::of(file).unwrap();
    let commit = Commit {
        path: to.into(),
        mode: WriteMode::Overwrite,
        autorename: false,
        client_modified: None,
    };
    let t = Instant::now();
    Upload {
        session,
        local: &local,
        commit: &commit,
        chunk: CHUNK,
        retry: Retry::default(),
        on_bytes: &|_, _| {},
        on_saved: &|_| {},
        on_wait: &|_| {},
        cancel: &CancellationToken::new(),
    }
    .run(None)
    .await
    .unwrap();
    t.elapsed().as_secs_f64()
}

/// A folder uploaded whole into `/bench-folders`: the seconds it took.
async fn folder(session: &Session, root: &Path) -> f64 {
    let t = Instant::now();
    let outcome = TreeUpload {
        session,
        root,
        into: "/bench-folders",
        chunk: CHUNK,
        retry: Retry::default(),
        on_bytes: &|_, _| {},
        on_wait: &|_| {},
        cancel: &CancellationToken::new(),
    }
    .run()
    .await
    .unwrap();
    assert_eq!(outcome.refused_count, 0);
    t.elapsed().as_secs_f64()
}

/// The uploader's process run on its own: `what` (`file` or `folder`) at `path`; the
/// seconds it took and its peak RSS above what it held before, in MiB.
fn uploader(fb: &Fakebox, base: &str, ca_path: &Path, what: &str, path: &Path) -> (f64, f64) {
    let (access, refresh) = fb.mint_grant();
    let out = Command::new(std::env::current_exe().unwrap())
        .arg("--uploader")
        .args([
            base,
            &ca_path.display().to_string(),
            fb.app_key(),
            &access,
            &refresh,
            what,
        ])
        .arg(path)
        .output()
        .expect("the uploader's process");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut figures = text
        .split_whitespace()
        .map(|f| f.parse::<f64>().unwrap_or(f64::NAN));
    let secs = figures.next().unwrap_or(f64::NAN);
    (secs, figures.next().unwrap_or(f64::NAN) / 1024.0)
}

/// curl: `start` with the first chunk, then every other chunk and `finish` in one process
/// (one connection), the same chunk size, each request with its content hash (taken
/// beforehand) as Dropdesk's carry, so that fakebox checks the same for both.
fn curl(
    base: &str,
    ca: &Path,
    token: &str,
    chunks: &[(std::path::PathBuf, String)],
    to: &str,
) -> f64 {
    let t = Instant::now();
    let started = Command::new("curl")
        .args(["-sS", "--cacert"])
        .arg(ca)
        .args([
            "-X",
            "POST",
            &format!("{base}/2/files/upload_session/start"),
        ])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args(["-H", "Content-Type: application/octet-stream"])
        .args([
            "-H",
            &format!(
                "Dropbox-API-Arg: {{\"close\": false, \"content_hash\": \"{}\"}}",
                chunks[0].1
            ),
        ])
        .arg("--data-binary")
        .arg(format!("@{}", chunks[0].0.display()))
        .output()
        .expect("curl");
    let id = serde_json::from_slice::<serde_json::Value>(&started.stdout).unwrap()["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut args: Vec<String> = vec!["-sS".into(), "-o".into(), "/dev/null".into()];
    let mut offset = std::fs::metadata(&chunks[0].0).unwrap().len();
    for (i, (chunk, hash)) in chunks.iter().enumerate().skip(1) {
        let last = i == chunks.len() - 1;
        let (route, arg) = if last {
            (
                "finish",
                format!("{{\"cursor\": {{\"session_id\": \"{id}\", \"offset\": {offset}}}, \"commit\": {{\"path\": \"{to}\", \"mode\": \"overwrite\"}}, \"content_hash\": \"{hash}\"}}"),
            )
        } else {
            (
                "append_v2",
                format!("{{\"cursor\": {{\"session_id\": \"{id}\", \"offset\": {offset}}}, \"content_hash\": \"{hash}\"}}"),
            )
        };
        if i > 1 {
            args.push("--next".into());
            args.extend(["-sS".into(), "-o".into(), "/dev/null".into()]);
        }
        args.extend([
            "--cacert".into(),
            ca.display().to_string(),
            "-X".into(),
            "POST".into(),
            format!("{base}/2/files/upload_session/{route}"),
            "-H".into(),
            format!("Authorization: Bearer {token}"),
            "-H".into(),
            "Content-Type: application/octet-stream".into(),
            "-H".into(),
            format!("Dropbox-API-Arg: {arg}"),
            "--data-binary".into(),
            format!("@{}", chunk.display()),
        ]);
        offset += std::fs::metadata(chunk).unwrap().len();
    }
    let ok = Command::new("curl").args(&args).status().expect("curl");
    assert!(ok.success());
    t.elapsed().as_secs_f64()
}

/// The uploader's side, in a process of its own so that its memory is only its own (the
/// parent holds fakebox, which keeps what it is sent): upload the file or the folder, print the seconds
/// it took and the peak RSS above what the process held before, in KiB.
async fn child(vars: &[String]) {
    let [base, ca, key, access, refresh, what, file] = vars else {
        panic!("child arguments");
    };
    let session = writing_session(
        key,
        (access.clone(), refresh.clone()),
        base,
        https(Path::new(ca)),
    )
    .await;
    let (before, _) = rss();
    reset_peak();
    let secs = match what.as_str() {
        "file" => ours(&session, Path::new(file), "/bench/ours.bin").await,
        _ => folder(&session, Path::new(file)).await,
    };
    let (_, peak) = rss();
    println!("{secs} {}", peak.saturating_sub(before));
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--uploader") {
        return child(&args[i + 1..]).await;
    }
    let mut config = Config::default();
    config.app_scopes.push("files.content.write".into());
    let fb = Fakebox::start(config).await.expect("fakebox");
    let front = tls_front::TlsFront::start(fb.base_url());
    let base = front.base();
    let ca_path = front.dir.join("ca.pem");
    let session = writing_session(fb.app_key(), fb.mint_grant(), &base, https(&ca_path)).await;
    let (token, _) = fb.mint_grant();

    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("one.gib");
    let bytes: Vec<u8> = (0..GIB)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&big, &bytes).unwrap();
    let chunks: Vec<_> = bytes
        .chunks(CHUNK)
        .enumerate()
        .map(|(i, c)| {
            let p = dir.path().join(format!("chunk{i:03}"));
            std::fs::write(&p, c).unwrap();
            (p, fakebox::files::content_hash(c))
        })
        .collect();
    drop(bytes);

    let (mut d, mut c, mut above) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (secs, mib) = uploader(&fb, &base, &ca_path, "file", &big);
        d.push(secs);
        above.push(mib);
        c.push(curl(&base, &ca_path, &token, &chunks, "/bench/curl.bin"));
    }
    let mbps = |secs: f64| GIB as f64 / secs / 1e6;
    let (dm, dmin, dmax) = median(d.iter().map(|s| mbps(*s)).collect());
    let (cm, cmin, cmax) = median(c.iter().map(|s| mbps(*s)).collect());
    let (am, amin, amax) = median(above);
    println!("| 1 GiB to fakebox over TLS, 16 MiB chunks (n={RUNS}, in turn) | Dropdesk | curl | Dropdesk ÷ curl (goal ≥ 0.9×) | peak RSS above before (goal ≤ 64 MiB) |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| throughput | {dm:.0} MB/s (min {dmin:.0}, max {dmax:.0}) | {cm:.0} MB/s (min {cmin:.0}, max {cmax:.0}) | {:.2}× | {am:.1} MiB (min {amin:.1}, max {amax:.1}) |",
        dm / cm
    );

    // 1,000 files of 10 KiB: as a folder (batched) beside one files/upload each.
    let tree = dir.path().join("Small");
    std::fs::create_dir_all(&tree).unwrap();
    for i in 0..1000 {
        std::fs::write(
            tree.join(format!("f{i:04}.bin")),
            vec![(i % 251) as u8; 10 * 1024],
        )
        .unwrap();
    }
    let (batched, each) = small_files(&session, &tree, "here").await;
    // The same against a fakebox that holds every request a while, as a round trip to a
    // nearby Dropbox data centre would take.
    let mut far = Config::default();
    far.app_scopes.push("files.content.write".into());
    far.round_trip = Some(Duration::from_millis(ROUND_TRIP_MS));
    let far_fb = Fakebox::start(far).await.expect("fakebox");
    let far_front = tls_front::TlsFront::start(far_fb.base_url());
    let far_session = writing_session(
        far_fb.app_key(),
        far_fb.mint_grant(),
        &far_front.base(),
        https(&far_front.dir.join("ca.pem")),
    )
    .await;
    let (far_batched, far_each) = small_files(&far_session, &tree, "far").await;
    println!();
    println!("| 1,000 files of 10 KiB over TLS (n={RUNS}, in turn) | as a folder (batched, {PARALLEL} on the wire) | one files/upload each | speed-up (goal ≥ 5×) |");
    println!("| --- | --- | --- | --- |");
    for (label, b, e) in [
        ("on loopback", batched, each),
        (
            &*format!("with a {ROUND_TRIP_MS} ms round trip"),
            far_batched,
            far_each,
        ),
    ] {
        let ((bm, bmin, bmax), (em, emin, emax)) = (median(b), median(e));
        println!(
            "| {label} | {bm:.0} ms (min {bmin:.0}, max {bmax:.0}) | {em:.0} ms (min {emin:.0}, max {emax:.0}) | {:.1}× |",
            em / bm
        );
    }
    println!("| writes committed at Dropbox | 1 batch | 1,000 | |");
    drop(far_front);

    // Folders of 10,000 and 100,000 one-byte files, 1,000 to a subfolder: the uploader's
    // memory should not grow with the number of files.
    println!();
    println!(
        "| a folder of one-byte files, 1,000 to a subfolder (n=1) | time | peak RSS above before |"
    );
    println!("| --- | --- | --- |");
    for count in [10_000, 100_000] {
        let root = dir.path().join(format!("Files{count}"));
        for i in 0..count {
            let sub = root.join(format!("d{:03}", i / 1000));
            if i % 1000 == 0 {
                std::fs::create_dir_all(&sub).unwrap();
            }
            std::fs::write(sub.join(format!("f{:03}", i % 1000)), b"x").unwrap();
        }
        let (secs, mib) = uploader(&fb, &base, &ca_path, "folder", &root);
        println!("| {count} files | {secs:.1} s | {mib:.1} MiB |");
    }
    drop(front);
}
