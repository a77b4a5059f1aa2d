//! Settings: the Dropbox app key, the loopback ports registered as redirect URIs, the
//! connect timeout, and Dropbox's base URLs (overridable so the app can talk to the
//! emulator). Read from the environment and `config.toml` in the platform's config dir
//! (the `dirs` crate: XDG on Linux, Application Support on macOS, AppData on Windows).
//! Holds no secrets. A bad setting is a typed [`ConfigError`] naming where it came from
//! and the key; `messages` words it. A
//! third of the file is its tests.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use url::Url;

/// Ports to register in the Dropbox App Console as `http://127.0.0.1:<port>/callback`.
pub const DEFAULT_PORTS: [u16; 3] = [53421, 53422, 53423];
pub const DEFAULT_AUTH_TIMEOUT: Duration = Duration::from_secs(300);
const TIMEOUT_RANGE: std::ops::RangeInclusive<u64> = 10..=3600;

/// Base URLs of the Dropbox hosts Dropdesk talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The authorize page.
    pub web: Url,
    /// The token endpoint and the RPC routes.
    pub api: Url,
    /// Long-polls for changes (`files/list_folder/longpoll`).
    pub notify: Url,
    /// File contents (`files/download`).
    pub content: Url,
}

impl Endpoints {
    pub fn dropbox() -> Self {
        let u = |s: &str| Url::parse(s).expect("static URL");
        Endpoints {
            web: u("https://www.dropbox.com"),
            api: u("https://api.dropboxapi.com"),
            notify: u("https://notify.dropboxapi.com"),
            content: u("https://content.dropboxapi.com"),
        }
    }

    /// One origin for every host, as the emulator serves them.
    pub fn single(base: &Url) -> Self {
        Endpoints {
            web: base.clone(),
            api: base.clone(),
            notify: base.clone(),
            content: base.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `None` means no app is configured: the app runs its demo.
    pub app_key: Option<String>,
    /// Where the app key came from (never its value: that goes nowhere but the requests).
    pub app_key_from: Option<Source>,
    pub redirect_ports: Vec<u16>,
    pub auth_timeout: Duration,
    pub endpoints: Endpoints,
    /// The file the settings came from, when there was one.
    pub file: Option<PathBuf>,
    /// Where the settings file is looked for, whether or not it exists (what to tell a
    /// person who has to create it).
    pub file_place: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            app_key: None,
            app_key_from: None,
            redirect_ports: DEFAULT_PORTS.to_vec(),
            auth_timeout: DEFAULT_AUTH_TIMEOUT,
            endpoints: Endpoints::dropbox(),
            file: None,
            file_place: None,
        }
    }
}

/// Where a setting came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Environment,
    /// Compiled in: `DROPDESK_APP_KEY` when the package was built.
    BuiltIn,
}

/// The app key compiled into this build (`DROPDESK_APP_KEY` set when it was built), used
/// when neither the environment nor the config file names one. With PKCE and no client
/// secret an app key is public by design, as every peer's client id is.
pub const BUILT_IN_APP_KEY: Option<&str> = option_env!("DROPDESK_APP_KEY");

/// What is wrong with one setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The file exists but cannot be read (the I/O error's text).
    Unreadable(String),
    /// Not TOML, or a value of the wrong type (toml's own description).
    Invalid(String),
    UnknownKey,
    AppKey,
    NoPorts,
    NotPortList(String),
    Port(i64),
    Timeout(u64),
    NotUrl(String),
    /// Plain http to a host other than this machine.
    Insecure(String),
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("a setting cannot be used: {key:?} from {origin:?}: {problem:?}")]
pub struct ConfigError {
    pub origin: Source,
    /// The key, dotted (`dropbox.api_url`) or the environment variable; `None` when the
    /// file as a whole is the problem.
    pub key: Option<String>,
    /// Where in the file, for a syntax error.
    pub at_byte: Option<usize>,
    pub problem: Problem,
}

fn fail(source: &Source, key: &str, problem: Problem) -> ConfigError {
    ConfigError {
        origin: source.clone(),
        key: Some(key.to_string()),
        at_byte: None,
        problem,
    }
}

#[derive(Deserialize, Default)]
struct FileConfig {
    app_key: Option<String>,
    redirect_ports: Option<Vec<i64>>,
    auth_timeout_secs: Option<u64>,
    dropbox: Option<FileEndpoints>,
}

#[derive(Deserialize, Default)]
struct FileEndpoints {
    web_url: Option<String>,
    api_url: Option<String>,
    notify_url: Option<String>,
    content_url: Option<String>,
}

/// The platform's place for `config.toml`.
pub fn default_file() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("dropdesk").join("config.toml"))
}

impl Config {
    /// Read the process environment and the config file (`$DROPDESK_CONFIG`, else the
    /// platform's config dir), over the app key built in.
    pub fn load() -> Result<Config, ConfigError> {
        Self::load_from(&|k| std::env::var(k).ok(), default_file(), BUILT_IN_APP_KEY)
    }

    /// The settings from `env`, the file and `built_in`: the environment wins over the
    /// file, and both over the app key built in.
    pub fn load_from(
        env: &dyn Fn(&str) -> Option<String>,
        default_file: Option<PathBuf>,
        built_in: Option<&str>,
    ) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        if let Some(key) = built_in.filter(|k| !k.trim().is_empty()) {
            config.app_key = Some(check_app_key(&Source::BuiltIn, "DROPDESK_APP_KEY", key)?);
            config.app_key_from = Some(Source::BuiltIn);
        }
        let path = env("DROPDESK_CONFIG")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or(default_file);
        config.file_place = path.clone();
        if let Some(path) = path {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    config.apply_file(&path, &text)?;
                    config.file = Some(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(ConfigError {
                        origin: Source::File(path),
                        key: None,
                        at_byte: None,
                        problem: Problem::Unreadable(e.to_string()),
                    })
                }
            }
        }
        // The environment wins over the file.
        let src = Source::Environment;
        if let Some(key) = env("DROPBOX_APP_KEY").filter(|k| !k.trim().is_empty()) {
            config.app_key = Some(check_app_key(&src, "DROPBOX_APP_KEY", &key)?);
            config.app_key_from = Some(src.clone());
        }
        if let Some(ports) = env("DROPDESK_REDIRECT_PORTS").filter(|p| !p.is_empty()) {
            let key = "DROPDESK_REDIRECT_PORTS";
            let parsed: Vec<i64> = ports
                .split(',')
                .map(|p| p.trim().parse())
                .collect::<Result<_, _>>()
                .map_err(|_| fail(&src, key, Problem::NotPortList(ports.clone())))?;
            config.redirect_ports = check_ports(&src, key, &parsed)?;
        }
        if let Some(base) = env("DROPDESK_DROPBOX_URL").filter(|u| !u.is_empty()) {
            let url = check_url(&src, "DROPDESK_DROPBOX_URL", &base)?;
            config.endpoints = Endpoints::single(&url);
        }
        Ok(config)
    }

    fn apply_file(&mut self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let src = Source::File(path.to_path_buf());
        let parsed = parse(&src, text)?;
        if let Some(key) = parsed.app_key {
            self.app_key = Some(check_app_key(&src, "app_key", &key)?);
            self.app_key_from = Some(src.clone());
        }
        if let Some(ports) = parsed.redirect_ports {
            self.redirect_ports = check_ports(&src, "redirect_ports", &ports)?;
        }
        if let Some(secs) = parsed.auth_timeout_secs {
            if !TIMEOUT_RANGE.contains(&secs) {
                return Err(fail(&src, "auth_timeout_secs", Problem::Timeout(secs)));
            }
            self.auth_timeout = Duration::from_secs(secs);
        }
        if let Some(d) = parsed.dropbox {
            let e = &mut self.endpoints;
            for (key, value, slot) in [
                ("dropbox.web_url", d.web_url, &mut e.web),
                ("dropbox.api_url", d.api_url, &mut e.api),
                ("dropbox.notify_url", d.notify_url, &mut e.notify),
                ("dropbox.content_url", d.content_url, &mut e.content),
            ] {
                if let Some(v) = value {
                    *slot = check_url(&src, key, &v)?;
                }
            }
        }
        Ok(())
    }

    pub fn redirect_uri(port: u16) -> String {
        format!("http://127.0.0.1:{port}/callback")
    }
}

/// Parse the file: `serde_ignored` finds the first unknown key, `serde_path_to_error` the
/// dotted key a wrong value is at.
fn parse(src: &Source, text: &str) -> Result<FileConfig, ConfigError> {
    let mut unknown = None;
    let mut track = serde_path_to_error::Track::new();
    let de = serde_path_to_error::Deserializer::new(toml::Deserializer::new(text), &mut track);
    let parsed: Result<FileConfig, toml::de::Error> = serde_ignored::deserialize(de, |path| {
        unknown.get_or_insert_with(|| dotted(&path));
    });
    match parsed {
        Err(e) => {
            let key = track.path().to_string();
            Err(ConfigError {
                origin: src.clone(),
                key: (!key.is_empty() && key != ".").then_some(key),
                at_byte: e.span().map(|s| s.start),
                problem: Problem::Invalid(e.message().to_string()),
            })
        }
        Ok(_) if unknown.is_some() => Err(fail(src, &unknown.unwrap(), Problem::UnknownKey)),
        Ok(parsed) => Ok(parsed),
    }
}

/// `dropbox.notify` for an ignored key (serde_ignored's own display marks the `Option`
/// levels with `?`).
fn dotted(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Map { parent, key } => match dotted(parent) {
            p if p.is_empty() => key.clone(),
            p => format!("{p}.{key}"),
        },
        Path::Seq { parent, index } => format!("{}[{index}]", dotted(parent)),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => dotted(parent),
    }
}

fn check_app_key(src: &Source, key: &str, value: &str) -> Result<String, ConfigError> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(fail(src, key, Problem::AppKey));
    }
    Ok(v.to_string())
}

fn check_ports(src: &Source, key: &str, ports: &[i64]) -> Result<Vec<u16>, ConfigError> {
    if ports.is_empty() {
        return Err(fail(src, key, Problem::NoPorts));
    }
    ports
        .iter()
        .map(|&p| {
            u16::try_from(p)
                .ok()
                .filter(|&p| p >= 1024)
                .ok_or_else(|| fail(src, key, Problem::Port(p)))
        })
        .collect()
}

/// An https URL, or an http one to this machine (the emulator): bearer and refresh tokens
/// never travel in clear over a network.
fn check_url(src: &Source, key: &str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|_| fail(src, key, Problem::NotUrl(value.into())))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => return Err(fail(src, key, Problem::NotUrl(value.into()))),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(fail(src, key, Problem::Insecure(value.into()))),
        _ => Err(fail(src, key, Problem::NotUrl(value.into()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with_file(
        text: &str,
        extra: &[(&str, &str)],
    ) -> (tempfile::TempDir, Result<Config, ConfigError>) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dropdesk").join("config.toml");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, text).unwrap();
        let vars: HashMap<String, String> = extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let result = Config::load_from(&|k| vars.get(k).cloned(), Some(file), None);
        (dir, result)
    }

    #[test]
    fn defaults_without_file_or_env() {
        let c = Config::load_from(&|_| None, None, None).unwrap();
        assert_eq!(c.app_key, None);
        assert!(c.redirect_ports.len() >= 3);
        assert_eq!(c.endpoints.api.as_str(), "https://api.dropboxapi.com/");
    }

    #[test]
    fn the_file_is_read_and_the_environment_wins() {
        let (_d, c) = with_file(
            "app_key = \"abc123\"\nredirect_ports = [50000, 50001]\n[dropbox]\napi_url = \"http://127.0.0.1:9/\"\n",
            &[],
        );
        let c = c.unwrap();
        assert_eq!(c.app_key.as_deref(), Some("abc123"));
        assert_eq!(c.redirect_ports, [50000, 50001]);
        assert_eq!(c.endpoints.api.as_str(), "http://127.0.0.1:9/");
        assert_eq!(c.endpoints.web.as_str(), "https://www.dropbox.com/");
        let (_d, c) = with_file("app_key = \"abc123\"", &[("DROPBOX_APP_KEY", "fromenv")]);
        assert_eq!(c.unwrap().app_key.as_deref(), Some("fromenv"));
    }

    #[test]
    fn a_bad_file_names_the_file_and_the_key() {
        /// The file's text, the key named, and what the problem must be.
        type Case = (&'static str, Option<&'static str>, fn(&Problem) -> bool);
        let cases: [Case; 9] = [
            ("redirect_ports = [80]", Some("redirect_ports"), |p| {
                *p == Problem::Port(80)
            }),
            ("redirect_ports = [70000]", Some("redirect_ports"), |p| {
                *p == Problem::Port(70000)
            }),
            (
                "[dropbox]\napi_url = \"ftp://x\"",
                Some("dropbox.api_url"),
                |p| matches!(p, Problem::NotUrl(_)),
            ),
            (
                "[dropbox]\nweb_url = \"not a url\"",
                Some("dropbox.web_url"),
                |p| matches!(p, Problem::NotUrl(_)),
            ),
            ("app_kee = \"x\"", Some("app_kee"), |p| {
                *p == Problem::UnknownKey
            }),
            ("[dropbox]\nnotify = 1", Some("dropbox.notify"), |p| {
                *p == Problem::UnknownKey
            }),
            (
                "app_key = [1]",
                Some("app_key"),
                |p| matches!(p, Problem::Invalid(m) if m.contains("invalid type")),
            ),
            ("this is not toml", None, |p| {
                matches!(p, Problem::Invalid(_))
            }),
            ("auth_timeout_secs = 1", Some("auth_timeout_secs"), |p| {
                *p == Problem::Timeout(1)
            }),
        ];
        for (text, key, problem) in cases {
            let (dir, result) = with_file(text, &[]);
            let err = result.unwrap_err();
            assert_eq!(err.key.as_deref(), key, "{text}");
            assert!(problem(&err.problem), "{text}: {:?}", err.problem);
            let Source::File(file) = &err.origin else {
                panic!("{text}: from the file")
            };
            assert!(file.starts_with(dir.path()), "{text}");
        }
        let (_d, syntax) = with_file("this is not toml", &[]);
        assert!(syntax.unwrap_err().at_byte.is_some());
    }

    #[test]
    fn a_bad_environment_is_explained() {
        let err = Config::load_from(
            &|k| (k == "DROPDESK_REDIRECT_PORTS").then(|| "1,x".into()),
            None,
            None,
        )
        .unwrap_err();
        assert_eq!(err.key.as_deref(), Some("DROPDESK_REDIRECT_PORTS"));
        assert_eq!(err.origin, Source::Environment);
        let err = Config::load_from(
            &|k| (k == "DROPBOX_APP_KEY").then(|| "a b".into()),
            None,
            None,
        )
        .unwrap_err();
        assert_eq!(err.key.as_deref(), Some("DROPBOX_APP_KEY"));
    }

    #[test]
    fn plain_http_is_only_for_this_machine() {
        let env =
            |url: &'static str| move |k: &str| (k == "DROPDESK_DROPBOX_URL").then(|| url.into());
        for ok in [
            "http://127.0.0.1:8080/",
            "http://localhost:1/",
            "http://[::1]:2/",
            "https://example.com/",
        ] {
            assert!(Config::load_from(&env(ok), None, None).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/",
            "http://10.0.0.1/",
            "http://127.0.0.1.example.com/",
        ] {
            let err = Config::load_from(&env(bad), None, None).unwrap_err();
            assert_eq!(err.problem, Problem::Insecure(bad.into()), "{bad}");
        }
    }

    /// The app key's sources in their order: the environment over the config file, both
    /// over the key built into the package; each says where the key came from.
    #[test]
    fn the_app_key_comes_from_the_environment_then_the_file_then_the_build() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        let built = Some("builtinkey1");
        let only_built = Config::load_from(&|_| None, Some(file.clone()), built).unwrap();
        assert_eq!(only_built.app_key.as_deref(), Some("builtinkey1"));
        assert_eq!(only_built.app_key_from, Some(Source::BuiltIn));
        std::fs::write(&file, "app_key = \"filekey2\"").unwrap();
        let from_file = Config::load_from(&|_| None, Some(file.clone()), built).unwrap();
        assert_eq!(from_file.app_key.as_deref(), Some("filekey2"));
        assert_eq!(from_file.app_key_from, Some(Source::File(file.clone())));
        let env = |k: &str| (k == "DROPBOX_APP_KEY").then(|| "envkey3".to_string());
        let from_env = Config::load_from(&env, Some(file), built).unwrap();
        assert_eq!(from_env.app_key.as_deref(), Some("envkey3"));
        assert_eq!(from_env.app_key_from, Some(Source::Environment));
        let none = Config::load_from(&|_| None, None, None).unwrap();
        assert_eq!((none.app_key, none.app_key_from), (None, None), "the demo");
        let bad = Config::load_from(&|_| None, None, Some("not a key")).unwrap_err();
        assert_eq!(bad.origin, Source::BuiltIn);
    }
}
