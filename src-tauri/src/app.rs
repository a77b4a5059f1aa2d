//! Assembles the core at start-up: settings, the demo emulator when there is no app key
//! (in a build with the `demo` feature; without it, the window says where to put a key),
//! the keychain, the OAuth and API clients, and the session. A bad setting does not stop
//! the window from opening: it becomes the problem the window shows.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use crate::auth::OAuth;
use crate::browser::Browser;
use crate::config::Config;
#[cfg(feature = "demo")]
use crate::demo;
use crate::files::{self, FileOpener, Files};
use crate::session::{Opener, Retry, Session, Settings};
use crate::store::ListingStore;
use crate::vault::{self, Keychain, Keyring, SERVICE};
use crate::view::{Info, Problem};
use crate::{dropbox, messages};

/// The running core: the session and the browser on top of it.
pub struct Core {
    pub session: Arc<Session>,
    pub browser: Arc<Browser>,
}

pub struct App {
    pub info: Info,
    /// `Err` when the settings could not be used.
    pub core: Result<Core, Problem>,
    /// Keeps the demo's emulator alive as long as the app.
    #[cfg(feature = "demo")]
    _demo: Option<demo::Demo>,
}

/// The app while it starts: the window opens at once, and every command waits here until
/// the core is up (the demo's emulator and the first keychain call take a while).
pub struct Launch {
    force_demo: bool,
    app: tokio::sync::OnceCell<App>,
}

impl Launch {
    pub fn new(force_demo: bool) -> Self {
        Launch {
            force_demo,
            app: tokio::sync::OnceCell::new(),
        }
    }

    /// The started app; the first caller starts it, the others wait for it.
    pub async fn app(&self) -> &App {
        self.app
            .get_or_init(|| async {
                let app = App::start(self.force_demo).await;
                milestone("core ready");
                app
            })
            .await
    }
}

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Remember when the process started, for the ready mark.
pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// Log a start-up milestone with the time since start (benchmarks read these lines).
pub fn milestone(what: &str) {
    if let Some(t) = STARTED.get() {
        log::info!("{what} {} ms after start", t.elapsed().as_millis());
    }
}

/// Downloads go to the platform's cache folder and open with the desktop's default
/// program (xdg-open on Linux), started as the person would start it.
fn files(session: &Arc<Session>) -> Option<Files> {
    let opener: FileOpener = Arc::new(files::opener::open_detached);
    Files::default_root()
        .map(|root| Files::new(session.clone(), root, files::DEFAULT_LIMIT, opener))
}

/// The listings kept on disk; without one (no cache folder, a broken file) the app works
/// as before, from the network only.
fn listing_store() -> Option<Arc<ListingStore>> {
    let path = ListingStore::default_path()?;
    let store = ListingStore::open(&path).or_else(|e| {
        // Only a copy of what Dropbox holds: a file that cannot be used is started anew.
        log::warn!(
            "the listing store at {} cannot be used ({e}); starting it anew",
            path.display()
        );
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        ListingStore::open(&path)
    });
    match store {
        Ok(store) => Some(Arc::new(store)),
        Err(e) => {
            log::warn!("no listing store at {}: {e}", path.display());
            None
        }
    }
}

fn system_browser() -> Opener {
    Arc::new(|url: &str| webbrowser::open(url).map_err(|e| e.to_string()))
}

impl App {
    /// An app that opens its window only to say what is wrong, and how to fix it.
    fn failed(demo: bool, problem: Problem) -> App {
        log::error!("{}", problem.message);
        App {
            info: Info {
                demo,
                version: env!("CARGO_PKG_VERSION"),
                key_source: None,
            },
            core: Err(problem),
            #[cfg(feature = "demo")]
            _demo: None,
        }
    }

    pub async fn start(force_demo: bool) -> App {
        let config = match Config::load() {
            Ok(c) => c,
            Err(e) => return App::failed(false, messages::settings(&e)),
        };
        let demo_mode = force_demo || config.app_key.is_none();
        #[cfg(feature = "demo")]
        let (endpoints, app_key, service, demo) = if demo_mode {
            match demo::start(&config).await {
                Ok(d) => (
                    d.endpoints.clone(),
                    d.app_key.clone(),
                    vault::DEMO_SERVICE,
                    Some(d),
                ),
                Err(e) => return App::failed(true, messages::demo_failed(&e)),
            }
        } else {
            (
                config.endpoints.clone(),
                config.app_key.clone().unwrap_or_default(),
                SERVICE,
                None,
            )
        };
        // What users install has no emulator: with no key there is nothing to sign in to.
        #[cfg(not(feature = "demo"))]
        let (endpoints, app_key, service) = match &config.app_key {
            Some(key) if !force_demo => (config.endpoints.clone(), key.clone(), SERVICE),
            _ => return App::failed(false, messages::no_app_key(config.file_place.as_deref())),
        };
        log::info!(
            "starting {}; settings from {}",
            if demo_mode {
                "the demo against a built-in emulated Dropbox"
            } else {
                "against Dropbox"
            },
            config
                .file
                .as_ref()
                .map_or("defaults and the environment".to_string(), |f| f
                    .display()
                    .to_string())
        );
        let key_source = messages::key_source(config.app_key_from.as_ref()).filter(|_| !demo_mode);
        if let Some(source) = &key_source {
            log::info!("{source}");
        }
        // Opening the store touches the disk: off the async threads, beside the rest.
        let store = tokio::task::spawn_blocking(listing_store);
        let keyring = Keyring::new(Arc::new(Keychain::new(service)), vault::TIMEOUT);
        if demo_mode {
            forget_stale_demo_grant(&keyring).await;
        }
        let http = dropbox::http_client();
        let session = Session::new(
            OAuth::new(&app_key, &endpoints, http.clone()),
            dropbox::Client::new(http, endpoints.api.clone())
                .with_hosts(endpoints.notify.clone(), endpoints.content.clone()),
            keyring,
            Settings {
                ports: config.redirect_ports.clone(),
                auth_timeout: config.auth_timeout,
                retry: Retry::default(),
            },
            system_browser(),
        );
        let store = store.await.ok().flatten();
        App {
            info: Info {
                demo: demo_mode,
                version: env!("CARGO_PKG_VERSION"),
                key_source,
            },
            core: Ok(Core {
                browser: Browser::with_parts(session.clone(), files(&session), store),
                session,
            }),
            #[cfg(feature = "demo")]
            _demo: demo,
        }
    }
}

/// The demo's Dropbox lives only as long as the app, so a demo grant from an earlier run
/// is meaningless: remove it rather than report it as revoked. Bounded like every
/// keychain call: a locked keychain must not keep the window at "Starting…".
async fn forget_stale_demo_grant(keyring: &Keyring) {
    if let Err(e) = keyring.forget_all().await {
        log::warn!("could not remove an earlier demo grant: {e}");
    }
}
