//! The floor Dropdesk's benchmarks measure against (`tests/bench.sh`): Tauri's own
//! hello-world window, as its benchmark suite measures it, built with the same Tauri,
//! WebKitGTK and release profile as Dropdesk (one workspace, one lock file). It prints
//! when the page has loaded, with the time since the process started, as Dropdesk logs it.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::Instant;

fn main() {
    let started = Instant::now();
    tauri::Builder::default()
        .on_page_load(move |_, payload| {
            if matches!(payload.event(), tauri::webview::PageLoadEvent::Finished) {
                println!(
                    "page loaded {} ms after start",
                    started.elapsed().as_millis()
                );
            }
        })
        .run(tauri::generate_context!())
        .expect("the floor window");
}
