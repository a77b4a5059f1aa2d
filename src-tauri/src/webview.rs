//! The window's web view, tuned for what Dropdesk is (part of the Tauri layer): one
//! document that never navigates, shows no media and no 3D, and holds only the rows in
//! sight. On Linux WebKitGTK is told so; `tests/BENCHMARKS.md` has what each setting
//! bought, measured against a blank Tauri window, and why WebKit's DMA-BUF renderer is
//! left as WebKit chooses. Other platforms keep their defaults.

/// Tell the web view what this page does not need.
pub fn tune<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let tuned = window.with_webview(|webview| {
            use webkit2gtk::{
                CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
            };
            let view = webview.inner();
            if let Some(context) = view.context() {
                // A viewer of one local document: the smallest memory and disk caches.
                context.set_cache_model(CacheModel::DocumentViewer);
                context.set_spell_checking_enabled(false);
            }
            if let Some(settings) = WebViewExt::settings(&view) {
                // Flat rows and text, no 3D: painted without GPU compositing the page looks
                // the same, and WebKit keeps no GL context or compositing buffers for it
                // (78 MB less PSS here, where GL is software; see the benchmarks).
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
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
