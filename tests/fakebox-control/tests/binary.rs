//! The fakebox program: its one line of output, its refusal of other addresses.

const REDIRECT: &str = "http://127.0.0.1:53682/callback";

#[test]
fn binary_prints_one_url_line_and_serves() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fakebox"))
        .args([
            "--app-key",
            "k",
            "--redirect-uri",
            REDIRECT,
            "--generate",
            "/g=10",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("FAKEBOX_URL=http://127.0.0.1:")
        .map(str::to_string);
    let state = url
        .as_ref()
        .and_then(|port| std::net::TcpStream::connect(format!("127.0.0.1:{port}")).ok());
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(url.is_some(), "{line}");
    assert!(state.is_some(), "serving");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fakebox"))
        .args([
            "--listen",
            "0.0.0.0:0",
            "--app-key",
            "k",
            "--redirect-uri",
            REDIRECT,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}
