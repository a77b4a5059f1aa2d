//! Settings: the Dropbox app key, the loopback ports registered as redirect URIs, the
//! connect timeout, and Dropbox's base URLs (overridable so the app can talk to the
//! emulator). Read from the environment and `config.toml` in the XDG config dir. Holds
//! no secrets; a bad file gives a message that names the file and the key.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use url::Url;

/// Ports to register in the Dropbox App Console as `http://127.0.0.1:<port>/callback`.
pub const DEFAULT_PORTS: [u16; 3] = [53421, 53422, 53423];
pub const DEFAULT_AUTH_TIMEOUT: Duration = Duration::from_secs(300);

/// Base URLs of Dropbox's four hosts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    pub web: Url,
    pub api: Url,
    pub content: Url,
    pub notify: Url,
}

impl Endpoints {
    pub fn dropbox() -> Self {
        let u = |s: &str| Url::parse(s).expect("static URL");
        Endpoints {
            web: u("https://www.dropbox.com"),
            api: u("https://api.dropboxapi.com"),
            content: u("https://content.dropboxapi.com"),
            notify: u("https://notify.dropboxapi.com"),
        }
    }

    /// One origin for every host, as the emulator serves them.
    pub fn single(base: &Url) -> Self {
        Endpoints {
            web: base.clone(),
            api: base.clone(),
            content: base.clone(),
            notify: base.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `None` means no app is configured: the app runs its demo.
    pub app_key: Option<String>,
    pub redirect_ports: Vec<u16>,
    pub auth_timeout: Duration,
    pub endpoints: Endpoints,
    /// The file the settings came from, when there was one.
    pub file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            app_key: None,
            redirect_ports: DEFAULT_PORTS.to_vec(),
            auth_timeout: DEFAULT_AUTH_TIMEOUT,
            endpoints: Endpoints::dropbox(),
            file: None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("Dropdesk cannot use its settings in {}: {key}: {problem}", file.display())]
pub struct ConfigError {
    pub file: PathBuf,
    pub key: String,
    pub problem: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    app_key: Option<String>,
    redirect_ports: Option<Vec<i64>>,
    auth_timeout_secs: Option<u64>,
    dropbox: Option<FileEndpoints>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileEndpoints {
    web_url: Option<String>,
    api_url: Option<String>,
    content_url: Option<String>,
    notify_url: Option<String>,
}

/// Where `config.toml` lives: `$DROPDESK_CONFIG`, else `$XDG_CONFIG_HOME/dropdesk/`, else
/// `~/.config/dropdesk/`.
pub fn config_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(p) = env("DROPDESK_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = env("XDG_CONFIG_HOME")
        .filter(|p| Path::new(p).is_absolute())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some(base.join("dropdesk").join("config.toml"))
}

impl Config {
    /// Read the process environment and the config file.
    pub fn load() -> Result<Config, ConfigError> {
        Self::load_from(&|k| std::env::var(k).ok())
    }

    pub fn load_from(env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        if let Some(path) = config_path(env) {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    config.apply_file(&path, &text)?;
                    config.file = Some(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(ConfigError {
                        file: path,
                        key: "(file)".into(),
                        problem: e.to_string(),
                    })
                }
            }
        }
        // The environment wins over the file.
        let env_source = PathBuf::from("the environment");
        if let Some(key) = env("DROPBOX_APP_KEY").filter(|k| !k.trim().is_empty()) {
            config.app_key = Some(check_app_key(&env_source, "DROPBOX_APP_KEY", &key)?);
        }
        if let Some(ports) = env("DROPDESK_REDIRECT_PORTS").filter(|p| !p.is_empty()) {
            let parsed: Result<Vec<i64>, _> = ports.split(',').map(|p| p.trim().parse()).collect();
            let parsed = parsed.map_err(|_| ConfigError {
                file: env_source.clone(),
                key: "DROPDESK_REDIRECT_PORTS".into(),
                problem: format!("'{ports}' is not a comma-separated list of port numbers"),
            })?;
            config.redirect_ports = check_ports(&env_source, "DROPDESK_REDIRECT_PORTS", &parsed)?;
        }
        if let Some(base) = env("DROPDESK_DROPBOX_URL").filter(|u| !u.is_empty()) {
            let url = check_url(&env_source, "DROPDESK_DROPBOX_URL", &base)?;
            config.endpoints = Endpoints::single(&url);
        }
        Ok(config)
    }

    fn apply_file(&mut self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let parsed: FileConfig = toml::from_str(text).map_err(|e| ConfigError {
            file: path.to_path_buf(),
            key: toml_key(&e),
            problem: e.message().to_string(),
        })?;
        if let Some(key) = parsed.app_key {
            self.app_key = Some(check_app_key(path, "app_key", &key)?);
        }
        if let Some(ports) = parsed.redirect_ports {
            self.redirect_ports = check_ports(path, "redirect_ports", &ports)?;
        }
        if let Some(secs) = parsed.auth_timeout_secs {
            if !(10..=3600).contains(&secs) {
                return Err(ConfigError {
                    file: path.to_path_buf(),
                    key: "auth_timeout_secs".into(),
                    problem: format!("{secs} is outside 10..=3600 seconds"),
                });
            }
            self.auth_timeout = Duration::from_secs(secs);
        }
        if let Some(d) = parsed.dropbox {
            let e = &mut self.endpoints;
            for (key, value, slot) in [
                ("dropbox.web_url", d.web_url, &mut e.web),
                ("dropbox.api_url", d.api_url, &mut e.api),
                ("dropbox.content_url", d.content_url, &mut e.content),
                ("dropbox.notify_url", d.notify_url, &mut e.notify),
            ] {
                if let Some(v) = value {
                    *slot = check_url(path, key, &v)?;
                }
            }
        }
        Ok(())
    }

    pub fn redirect_uri(port: u16) -> String {
        format!("http://127.0.0.1:{port}/callback")
    }
}

/// The dotted key a TOML error is about, or `(file)` when it is about the syntax.
fn toml_key(e: &toml::de::Error) -> String {
    let message = e.message();
    if let Some(rest) = message.split("unknown field `").nth(1) {
        return rest.split('`').next().unwrap_or("(file)").to_string();
    }
    if let Some(rest) = message.split("for key `").nth(1) {
        return rest.split('`').next().unwrap_or("(file)").to_string();
    }
    match e.span() {
        Some(span) => format!("(file, at byte {})", span.start),
        None => "(file)".into(),
    }
}

fn check_app_key(file: &Path, key: &str, value: &str) -> Result<String, ConfigError> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ConfigError {
            file: file.to_path_buf(),
            key: key.into(),
            problem:
                "an app key is the letters and digits shown as 'App key' in the Dropbox App Console"
                    .into(),
        });
    }
    Ok(v.to_string())
}

fn check_ports(file: &Path, key: &str, ports: &[i64]) -> Result<Vec<u16>, ConfigError> {
    let fail = |problem: String| ConfigError {
        file: file.to_path_buf(),
        key: key.into(),
        problem,
    };
    if ports.is_empty() {
        return Err(fail("list at least one port".into()));
    }
    ports
        .iter()
        .map(|&p| {
            u16::try_from(p)
                .ok()
                .filter(|&p| p >= 1024)
                .ok_or_else(|| fail(format!("{p} is not a port between 1024 and 65535")))
        })
        .collect()
}

fn check_url(file: &Path, key: &str, value: &str) -> Result<Url, ConfigError> {
    let fail = |problem: String| ConfigError {
        file: file.to_path_buf(),
        key: key.into(),
        problem,
    };
    let url = Url::parse(value).map_err(|e| fail(format!("'{value}' is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(fail(format!(
            "'{value}' must be an http(s) URL with a host"
        )));
    }
    Ok(url)
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
        let mut vars: HashMap<String, String> = extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        vars.insert("XDG_CONFIG_HOME".into(), dir.path().display().to_string());
        let result = Config::load_from(&|k| vars.get(k).cloned());
        (dir, result)
    }

    #[test]
    fn defaults_without_file_or_env() {
        let c = Config::load_from(&|_| None).unwrap();
        assert_eq!(c.app_key, None);
        assert!(c.redirect_ports.len() >= 3);
        assert_eq!(c.endpoints.api.as_str(), "https://api.dropboxapi.com/");
    }

    #[test]
    fn file_then_env() {
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
    fn bad_files_name_file_and_key() {
        let cases = [
            (
                "redirect_ports = [80]",
                "redirect_ports",
                "80 is not a port",
            ),
            ("redirect_ports = [70000]", "redirect_ports", "70000"),
            (
                "[dropbox]\napi_url = \"ftp://x\"",
                "dropbox.api_url",
                "http(s)",
            ),
            (
                "[dropbox]\nweb_url = \"not a url\"",
                "dropbox.web_url",
                "not a URL",
            ),
            ("app_kee = \"x\"", "app_kee", "unknown field"),
            ("app_key = [1]", "(file", "invalid type"),
            ("this is not toml", "(file", ""),
            ("auth_timeout_secs = 1", "auth_timeout_secs", "outside"),
        ];
        for (text, key, problem) in cases {
            let (dir, result) = with_file(text, &[]);
            let err = result.unwrap_err();
            assert!(err.key.starts_with(key), "{text}: key {}", err.key);
            assert!(err.problem.contains(problem), "{text}: {}", err.problem);
            let shown = err.to_string();
            assert!(shown.contains(&dir.path().display().to_string()), "{shown}");
        }
    }

    #[test]
    fn bad_env_is_explained() {
        let err = Config::load_from(&|k| (k == "DROPDESK_REDIRECT_PORTS").then(|| "1,x".into()))
            .unwrap_err();
        assert_eq!(err.key, "DROPDESK_REDIRECT_PORTS");
        let err =
            Config::load_from(&|k| (k == "DROPBOX_APP_KEY").then(|| "a b".into())).unwrap_err();
        assert_eq!(err.key, "DROPBOX_APP_KEY");
    }
}
