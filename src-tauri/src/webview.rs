//! The window's web view, tuned for what Dropdesk is (part of the Tauri layer): one
//! document that never navigates, shows no media and no 3D, and holds only the rows in
//! sight. On Linux WebKitGTK is told so, and without a GPU its DMA-BUF renderer is off
//! and the page told to paint cheaply; `tests/BENCHMARKS.md` has what each setting
//! bought, measured against a blank Tauri window. Other platforms keep their defaults.
//! The page follows a high-contrast theme (it is marked, and its style answers with
//! high-contrast colours), also when the theme changes. The desktop's text size WebKitGTK
//! follows by itself: it zooms the page by GTK's font resolution, which GNOME's Large Text
//! and text scaling factor set.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the desktop asks for high contrast, as last read from GTK on the main thread.
static HIGH_CONTRAST: AtomicBool = AtomicBool::new(false);

/// Choose WebKitGTK's renderer before any window exists. Without a GPU render node
/// (`/dev/dri/renderD*`: virtual machines, remote and headless desktops), the DMA-BUF
/// renderer has no hardware to share buffers with and only costs memory, so it is turned
/// off there; with a GPU WebKit's default stays. A value the user set is kept. Says
/// whether it turned the renderer off.
pub fn choose_renderer() -> bool {
    #[cfg(target_os = "linux")]
    {
        const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
        if std::env::var_os(VAR).is_none() && !has_render_node() {
            // Before any thread is started: nothing else reads the environment yet. For
            // Dropdesk's web view only: the programs it opens do not inherit it.
            crate::process::set_own_var(VAR, "1");
            return true;
        }
    }
    false
}

#[cfg(target_os = "linux")]
fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
        dir.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Tell the page it is painted on the CPU, so that it draws what is cheap there (crisp
/// edges instead of blurred shadows, which cost 40 ms a repaint here).
pub fn painted_in_software<R: tauri::Runtime>(webview: &tauri::Webview<R>) {
    if let Err(e) = webview.eval("document.documentElement.dataset.render = 'software';") {
        log::warn!("could not tell the page how it is painted: {e}");
    }
}

/// Once the page has loaded: mark it with the contrast the desktop asks for
/// (`data-contrast="more"`).
pub fn show_contrast<R: tauri::Runtime>(webview: &tauri::Webview<R>) {
    if let Err(e) = webview.eval(contrast_script()) {
        log::warn!("could not tell the page the contrast: {e}");
    }
}

fn contrast_script() -> &'static str {
    if HIGH_CONTRAST.load(Ordering::Relaxed) {
        "document.documentElement.dataset.contrast = 'more';"
    } else {
        "delete document.documentElement.dataset.contrast;"
    }
}

/// Follow the desktop's contrast, now and as its theme changes.
pub fn follow_contrast<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let followed = window.with_webview(move |webview| {
            use gtk::prelude::GtkSettingsExt;
            use webkit2gtk::WebViewExt;
            let view = webview.inner();
            let Some(settings) = gtk::Settings::default() else {
                return;
            };
            // The page is marked when it has loaded (`show_contrast`).
            HIGH_CONTRAST.store(high_contrast(&settings), Ordering::Relaxed);
            if high_contrast(&settings) {
                log::info!("the desktop asks for high contrast");
            }
            // Straight to WebKit: this runs on the main thread, where Tauri's own eval
            // would wait for itself.
            settings.connect_gtk_theme_name_notify(move |s| {
                HIGH_CONTRAST.store(high_contrast(s), Ordering::Relaxed);
                view.evaluate_javascript(
                    contrast_script(),
                    None,
                    None,
                    None::<&webkit2gtk::gio::Cancellable>,
                    |_| {},
                );
            });
        });
        if let Err(e) = followed {
            log::warn!("could not follow the desktop's contrast: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Whether GTK's theme (its setting, or `GTK_THEME`, which overrides it) is a high-contrast
/// one: GNOME's HighContrast and HighContrastInverse.
#[cfg(target_os = "linux")]
fn high_contrast(settings: &gtk::Settings) -> bool {
    use gtk::prelude::GtkSettingsExt;
    let named = |name: &str| name.to_ascii_lowercase().contains("highcontrast");
    std::env::var("GTK_THEME").is_ok_and(|t| named(&t))
        || settings.gtk_theme_name().is_some_and(|t| named(&t))
}

/// Tell the web view what this page does not need.
pub fn tune<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let tuned = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
            let view = webview.inner();
            if let Some(context) = view.context() {
                // A viewer of one local document: the smallest memory and disk caches.
                context.set_cache_model(CacheModel::DocumentViewer);
                context.set_spell_checking_enabled(false);
            }
            if let Some(settings) = WebViewExt::settings(&view) {
                // No navigation, so nothing to keep for going back.
                settings.set_enable_page_cache(false);
                settings.set_enable_back_forward_navigation_gestures(false);
                // No 3D, audio, video, camera or microphone, no web databases.
                settings.set_enable_webgl(false);
                settings.set_enable_webaudio(false);
                settings.set_enable_media(false);
                settings.set_enable_media_stream(false);
                settings.set_enable_html5_database(false);
                settings.set_enable_offline_web_application_cache(false);
                // Only local pages: no host names to look up ahead.
                settings.set_enable_dns_prefetching(false);
            }
        });
        if let Err(e) = tuned {
            log::warn!("could not tune the web view: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
