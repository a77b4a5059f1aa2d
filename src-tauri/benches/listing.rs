//! Benchmark (not a test): list generated folders of 10,000 and 100,000 entries with
//! Dropdesk's client and, in the same run and through the same TLS front, with the official
//! Dropbox Python SDK; and the floor: parsing the same JSON pages alone. Prints Markdown.
//! `bash tests/bench.sh` runs it with the SDK installed in a venv (`BENCH_PYTHON`).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use dropdesk::dropbox::{self, ListFolderResult};
use dropdesk::secret::AccessToken;
use fakebox::{Config, Fakebox};

#[path = "support/tls_front.rs"]
mod tls_front;

const RUNS: usize = 5;
const FOLDERS: [(&str, usize); 2] = [("/ten", 10_000), ("/hundred", 100_000)];

fn median(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    format!(
        "{:.0} ms (min {:.0}, max {:.0})",
        v[v.len() / 2],
        v[0],
        v[v.len() - 1]
    )
}

fn med(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn list_all(client: &dropbox::Client, token: &AccessToken, path: &str) -> usize {
    let mut page = client
        .list_folder(token, path, 2000)
        .await
        .expect("list_folder");
    let mut n = page.entries.len();
    while page.has_more {
        page = client
            .list_folder_continue(token, &page.cursor)
            .await
            .expect("continue");
        n += page.entries.len();
    }
    n
}

/// The raw JSON pages, for the parse-only floor.
async fn raw_pages(http: &reqwest::Client, base: &str, token: &str, path: &str) -> Vec<String> {
    let post = |route: &str, body: serde_json::Value| {
        http.post(format!("{base}/2/{route}"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let mut out = Vec::new();
    let mut text = post(
        "files/list_folder",
        serde_json::json!({"path": path, "limit": 2000}),
    )
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    loop {
        let page: ListFolderResult = serde_json::from_str(&text).unwrap();
        out.push(text);
        if !page.has_more {
            return out;
        }
        text = post(
            "files/list_folder/continue",
            serde_json::json!({"cursor": page.cursor}),
        )
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    }
}

#[tokio::main]
async fn main() {
    let fb = Fakebox::start(Config {
        generate: FOLDERS.iter().map(|(p, n)| (p.to_string(), *n)).collect(),
        ..Config::default()
    })
    .await
    .expect("fakebox");
    let (token, _) = fb.mint_grant();
    let front = tls_front::TlsFront::start(fb.base_url());
    let (dir, port, python) = (front.dir.clone(), front.port, front.python.clone());
    let base = front.base();

    let ca = reqwest::Certificate::from_pem(&std::fs::read(dir.join("ca.pem")).unwrap()).unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    let client = dropbox::Client::new(http.clone(), url::Url::parse(&format!("{base}/")).unwrap());
    let secret = AccessToken::new(token.clone());

    println!("| listing over TLS, limit 2000 | Dropdesk | Python SDK | ratio | parse-only floor | Dropdesk / floor |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (path, n) in FOLDERS {
        let mut ours = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            assert_eq!(list_all(&client, &secret, path).await, n);
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let pages = raw_pages(&http, &base, &token, path).await;
        let mut floor = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            let count: usize = pages
                .iter()
                .map(|p| {
                    serde_json::from_str::<ListFolderResult>(p)
                        .unwrap()
                        .entries
                        .len()
                })
                .sum();
            assert_eq!(count, n);
            floor.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let sdk = Command::new(&python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bench/sdk_listing.py"))
            .args([&token, path, &RUNS.to_string()])
            .env("DROPBOX_API_HOST", format!("127.0.0.1:{port}"))
            .env("DROPBOX_API_CONTENT_HOST", format!("127.0.0.1:{port}"))
            .env("DROPBOX_API_NOTIFY_HOST", format!("127.0.0.1:{port}"))
            .env("DROPBOX_WEB_HOST", format!("127.0.0.1:{port}"))
            .env("REQUESTS_CA_BUNDLE", dir.join("ca.pem"))
            .output()
            .expect("python");
        let sdk_ms: Option<Vec<f64>> = serde_json::from_slice::<serde_json::Value>(&sdk.stdout)
            .ok()
            .and_then(|v| serde_json::from_value(v["ms"].clone()).ok());
        let (sdk_text, ratio) = match &sdk_ms {
            Some(v) => (
                median(v.clone()),
                format!("{:.1}×", med(v.clone()) / med(ours.clone())),
            ),
            None => (
                format!(
                    "failed: {}",
                    String::from_utf8_lossy(&sdk.stderr)
                        .lines()
                        .last()
                        .unwrap_or("")
                ),
                "n/a".into(),
            ),
        };
        println!(
            "| {n} entries | {} | {sdk_text} | {ratio} | {} | {:.1}× |",
            median(ours.clone()),
            median(floor.clone()),
            med(ours) / med(floor)
        );
    }
    drop(front);
}
