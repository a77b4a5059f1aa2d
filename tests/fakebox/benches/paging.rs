//! Benchmark (not a test): page through a generated 100,000-entry folder over HTTP with
//! `list_folder` + `list_folder/continue` at 2000 entries a page. Prints the median and
//! spread of several runs. `cargo bench -p fakebox --bench paging`.

use std::time::Instant;

use fakebox::{Config, Fakebox};
use serde_json::{json, Value};

const RUNS: usize = 5;

#[tokio::main]
async fn main() {
    let fb = Fakebox::start(Config {
        generate: vec![("/big".into(), 100_000)],
        ..Config::default()
    })
    .await
    .expect("fakebox");
    let (token, _) = fb.mint_grant();
    let client = reqwest::Client::new();
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut count = 0;
        let mut page: Value = post(
            &client,
            &fb,
            &token,
            "files/list_folder",
            json!({"path": "/big", "limit": 2000}),
        )
        .await;
        loop {
            count += page["entries"].as_array().unwrap().len();
            if !page["has_more"].as_bool().unwrap() {
                break;
            }
            page = post(
                &client,
                &fb,
                &token,
                "files/list_folder/continue",
                json!({"cursor": page["cursor"]}),
            )
            .await;
        }
        assert_eq!(count, 100_000);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "fakebox: 100,000 entries in 50 pages: median {:.0} ms (min {:.0}, max {:.0}) over {RUNS} runs",
        times[RUNS / 2],
        times[0],
        times[RUNS - 1]
    );
}

async fn post(
    client: &reqwest::Client,
    fb: &Fakebox,
    token: &str,
    route: &str,
    body: Value,
) -> Value {
    client
        .post(format!("{}/2/{route}", fb.base_url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
