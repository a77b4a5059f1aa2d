//! The fakebox binary, with its control surface: parse the command line, start the emulator, print exactly one
//! `FAKEBOX_URL=http://127.0.0.1:<port>` line when ready, and serve until killed.

use std::io::Write;
use std::time::Duration;

use fakebox::Config;

const USAGE: &str = "usage: fakebox [--listen 127.0.0.1:0] --app-key KEY --redirect-uri URI [--redirect-uri URI ...]
               [--auto-approve] [--seed DIR] [--generate /path=N ...] [--access-token-ttl SECS] [--sample]";

fn parse(args: Vec<String>) -> Result<Config, String> {
    let mut config = Config::default();
    let mut app_key = None;
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--listen" => {
                let v = value("--listen")?;
                config.listen = v
                    .parse()
                    .map_err(|_| format!("--listen: '{v}' is not an address like 127.0.0.1:0"))?;
            }
            "--app-key" => app_key = Some(value("--app-key")?),
            "--redirect-uri" => config.redirect_uris.push(value("--redirect-uri")?),
            "--auto-approve" => config.auto_approve = true,
            "--sample" => config.sample = true,
            "--seed" => config.seed_dir = Some(value("--seed")?.into()),
            "--generate" => {
                let v = value("--generate")?;
                let (path, n) = v
                    .rsplit_once('=')
                    .ok_or_else(|| format!("--generate: '{v}' is not /path=N"))?;
                let n: usize = n
                    .parse()
                    .map_err(|_| format!("--generate: '{n}' is not a number"))?;
                if !path.starts_with('/') {
                    return Err(format!("--generate: '{path}' must start with /"));
                }
                config.generate.push((path.to_string(), n));
            }
            "--access-token-ttl" => {
                let v = value("--access-token-ttl")?;
                let secs: u64 = v
                    .parse()
                    .map_err(|_| format!("--access-token-ttl: '{v}' is not a number of seconds"))?;
                config.access_token_ttl = Duration::from_secs(secs);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    config.app_key = app_key.ok_or("--app-key is required")?;
    if config.redirect_uris.is_empty() {
        return Err("at least one --redirect-uri is required".into());
    }
    Ok(config)
}

#[tokio::main]
async fn main() {
    let config = match parse(std::env::args().skip(1).collect()) {
        Ok(c) => c,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("fakebox: {e}");
            }
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    let server = match fakebox_control::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fakebox: {e}");
            std::process::exit(1);
        }
    };
    println!("FAKEBOX_URL={}", server.base_url());
    let _ = std::io::stdout().flush();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("signal handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    server.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn full_contract_parses() {
        let c = parse(args(
            "--listen 127.0.0.1:0 --app-key k --redirect-uri http://127.0.0.1:53682/callback \
             --redirect-uri http://127.0.0.1:53683/callback --auto-approve --generate /big=100 \
             --access-token-ttl 60",
        ))
        .unwrap();
        assert_eq!(c.app_key, "k");
        assert_eq!(c.redirect_uris.len(), 2);
        assert!(c.auto_approve);
        assert_eq!(c.generate, vec![("/big".to_string(), 100)]);
        assert_eq!(c.access_token_ttl.as_secs(), 60);
    }

    #[test]
    fn bad_arguments_are_explained() {
        assert!(parse(args("--redirect-uri x"))
            .unwrap_err()
            .contains("--app-key"));
        assert!(parse(args("--app-key k"))
            .unwrap_err()
            .contains("redirect-uri"));
        assert!(parse(args("--app-key k --redirect-uri x --generate big=1"))
            .unwrap_err()
            .contains("must start with /"));
        assert!(parse(args("--app-key k --redirect-uri x --listen nope"))
            .unwrap_err()
            .contains("not an address"));
    }
}
