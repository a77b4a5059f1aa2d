//! One sign-in's start links. Each is a one-time token (`/start?t=…`) that sets a cookie of
//! its own and sends the browser on to Dropbox; the callback is accepted only with one of
//! those cookies. A link never travels on a command line, where any local user can read
//! it: the browser is given a forwarding page in a folder only this user can enter
//! (`file://…/sign-in-N.html`, which sends it on to the link). "Open the page again" and
//! "Copy link" each get a new link, so the person at the keyboard can always go on; a
//! link opened a second time (a reload, the Back button) is refused without ending the
//! sign-in. The cookie lives for the sign-in only and is sent to `/callback` only.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::distributions::{Alphanumeric, DistString};

use crate::secret;

/// The cookie that ties the callback to a browser that opened a start link.
pub const COOKIE: &str = "dropdesk_signin";

fn random(n: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), n)
}

/// What a start link's use comes to.
#[derive(Debug, PartialEq, Eq)]
pub enum Use {
    /// First use: set this cookie, for this many seconds.
    Cookie(String, u64),
    /// The link was used already.
    Used,
    /// Not one of ours.
    Unknown,
}

#[derive(Default)]
struct Links {
    /// Every token handed out, and whether it was used.
    tokens: Vec<(String, bool)>,
    /// The cookie each use set.
    cookies: Vec<String>,
    /// Forwarding pages written so far (their names are numbered).
    pages: usize,
}

pub struct StartLinks {
    port: u16,
    ends: Instant,
    links: Mutex<Links>,
    dir: Option<PrivateDir>,
}

impl StartLinks {
    /// The links of a sign-in through the listener on `port`, ending in `lifetime`; `dir`
    /// holds the forwarding pages (without one, a link is handed over as it is).
    pub fn new(port: u16, lifetime: Duration, dir: Option<PrivateDir>) -> Self {
        StartLinks {
            port,
            ends: Instant::now() + lifetime,
            links: Mutex::default(),
            dir,
        }
    }

    fn links(&self) -> std::sync::MutexGuard<'_, Links> {
        self.links.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The private folder (the listener's socket lives there too, on Unix).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(PrivateDir::path)
    }

    /// A new start link, for the clipboard ("Copy link").
    pub fn mint(&self) -> String {
        let token = random(32);
        self.links().tokens.push((token.clone(), false));
        format!("http://127.0.0.1:{}/start?t={token}", self.port)
    }

    /// What to give the browser: a new link behind a forwarding page only this user can
    /// read (`file://…`), or, where no such folder could be made, the link itself.
    pub fn for_browser(&self) -> String {
        let link = self.mint();
        let Some(dir) = self.dir() else {
            return link;
        };
        let n = {
            let mut links = self.links();
            links.pages += 1;
            links.pages
        };
        let page = dir.join(format!("sign-in-{n}.html"));
        match write_private(&page, &forwarding_page(&link)) {
            Ok(()) => url::Url::from_file_path(&page)
                .map(String::from)
                .unwrap_or(link),
            Err(e) => {
                log::warn!("could not write the sign-in's forwarding page: {e}");
                link
            }
        }
    }

    /// The browser opened `/start` with `token`.
    pub fn open(&self, token: Option<&str>) -> Use {
        let mut links = self.links();
        let Some(token) = token else {
            return Use::Unknown;
        };
        let Some(slot) = links
            .tokens
            .iter_mut()
            .find(|(t, _)| secret::same(t, token))
        else {
            return Use::Unknown;
        };
        if slot.1 {
            return Use::Used;
        }
        slot.1 = true;
        let cookie = random(43);
        links.cookies.push(cookie.clone());
        let left = self.ends.saturating_duration_since(Instant::now());
        Use::Cookie(cookie, left.as_secs().max(1))
    }

    /// The request's `Cookie` header holds one of the cookies a start link set.
    pub fn has_cookie(&self, header: Option<&str>) -> bool {
        let links = self.links();
        header.is_some_and(|h| {
            h.split(';')
                .filter_map(|pair| pair.trim().split_once('='))
                .any(|(k, v)| k == COOKIE && links.cookies.iter().any(|c| secret::same(v, c)))
        })
    }
}

/// The page that sends the browser on to `link` at once (and offers it as a link, for a
/// browser that does not follow a refresh).
fn forwarding_page(link: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"referrer\" \
         content=\"no-referrer\"><meta http-equiv=\"refresh\" content=\"0;url={link}\">\
         <title>Dropdesk sign-in</title></head><body><p>Opening Dropbox… \
         <a href=\"{link}\">Continue</a></p></body></html>"
    )
}

/// Write a new file only this user can read.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    std::io::Write::write_all(&mut options.open(path)?, text.as_bytes())
}

/// A new folder only this user can enter (in `$XDG_RUNTIME_DIR`, else the temporary
/// folder), removed with everything in it when dropped.
pub struct PrivateDir(PathBuf);

impl PrivateDir {
    pub fn path(&self) -> &Path {
        &self.0
    }

    #[cfg(unix)]
    pub fn new() -> std::io::Result<PrivateDir> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|p| p.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        let dir = base.join(format!("dropdesk-{}", random(16)));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        Ok(PrivateDir(dir))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_link_is_good_once_and_its_cookie_is_its_own() {
        let links = StartLinks::new(53682, Duration::from_secs(600), None);
        let first = links.mint();
        let second = links.mint();
        let token = |l: &str| l.split("t=").nth(1).unwrap().to_string();
        assert_eq!(links.open(Some("wrong")), Use::Unknown);
        assert_eq!(links.open(None), Use::Unknown);
        let Use::Cookie(cookie, secs) = links.open(Some(&token(&first))) else {
            panic!("the first use sets a cookie");
        };
        assert!(secs > 590 && secs <= 600, "{secs}");
        assert_eq!(links.open(Some(&token(&first))), Use::Used);
        assert!(matches!(links.open(Some(&token(&second))), Use::Cookie(c, _) if c != cookie));
        assert!(links.has_cookie(Some(&format!("x=1; {COOKIE}={cookie}"))));
        assert!(!links.has_cookie(Some(&format!("{COOKIE}=forged"))));
        assert!(!links.has_cookie(None));
    }

    #[cfg(unix)]
    #[test]
    fn the_browser_gets_a_private_forwarding_page_never_the_link() {
        use std::os::unix::fs::PermissionsExt;
        let links = StartLinks::new(53682, Duration::from_secs(600), PrivateDir::new().ok());
        let opened = links.for_browser();
        assert!(opened.starts_with("file://"), "{opened}");
        assert!(
            !opened.contains("t="),
            "no token in what goes on a command line"
        );
        let page = url::Url::parse(&opened).unwrap().to_file_path().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&page), 0o600);
        assert_eq!(mode(page.parent().unwrap()), 0o700);
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(html.contains("http://127.0.0.1:53682/start?t="), "{html}");
        let dir = page.parent().unwrap().to_path_buf();
        drop(links);
        assert!(!dir.exists(), "gone with the sign-in");
    }
}
