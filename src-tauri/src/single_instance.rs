//! One Dropdesk per desktop session on Linux. The first launch owns a name on the session
//! bus and answers one method on it; a later launch calls that method, which brings the
//! first window forward, and exits. This goes over libdbus (the `dbus` crate), which the
//! keychain's Secret Service client already links, instead of a second D-Bus stack
//! (`tauri-plugin-single-instance` brings zbus, about 0.5 MB of the binary, for this
//! alone; macOS and Windows still use the plugin). Without a session bus every launch
//! runs on its own, as the plugin does.

use std::time::Duration;

use dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply;
use dbus::blocking::Connection;
use dbus::channel::{MatchingReceiver, Sender};
use dbus::message::MatchRule;

const PATH: &str = "/app/dropdesk/SingleInstance";
const INTERFACE: &str = "app.dropdesk.SingleInstance";
const RAISE: &str = "Raise";
/// How long a later launch waits for the first one to answer.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// What a launch found on the session bus.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// This is the first launch; a later one's call runs the callback given to [`claim`].
    First,
    /// Another launch is running and has been told to come forward: this one should exit.
    HandedOver,
    /// Another launch owns the name but did not answer (it may be hung).
    Unanswered(String),
    /// No session bus, or it refused the name: this launch runs on its own.
    Alone(String),
}

/// Claim `name` on the session bus for this launch. As the first, `on_raise` runs on a
/// thread of the bus's own each time a later launch asks.
pub fn claim(name: &str, on_raise: impl Fn() + Send + 'static) -> Claim {
    let (tx, rx) = std::sync::mpsc::channel();
    let name = name.to_owned();
    let serve = move || {
        let outcome = Connection::new_session()
            .map_err(|e| Claim::Alone(describe(&e)))
            .and_then(|bus| {
                // Not queued and never replaced: a later launch learns at once that the
                // name is taken, and nobody can take it from the running one.
                match bus.request_name(name.as_str(), false, false, true) {
                    Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => Ok(bus),
                    Ok(_) => Err(hand_over(&bus, &name)),
                    Err(e) => Err(Claim::Alone(describe(&e))),
                }
            });
        let bus = match outcome {
            Ok(bus) => bus,
            Err(claim) => {
                let _ = tx.send(claim);
                return;
            }
        };
        let rule = MatchRule::new_method_call()
            .with_path(PATH)
            .with_interface(INTERFACE)
            .with_member(RAISE);
        bus.start_receive(
            rule,
            Box::new(move |call, bus| {
                on_raise();
                let _ = bus.send(call.method_return());
                true
            }),
        );
        let _ = tx.send(Claim::First);
        // Until the process ends, or the bus goes away (then the name is gone too).
        while bus.process(Duration::from_secs(3600)).is_ok() {}
    };
    match std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(serve)
    {
        Ok(_) => rx
            .recv()
            .unwrap_or_else(|_| Claim::Alone("the bus thread stopped".into())),
        Err(e) => Claim::Alone(e.to_string()),
    }
}

/// Ask the launch that owns `name` to come forward.
fn hand_over(bus: &Connection, name: &str) -> Claim {
    let running = bus.with_proxy(name, PATH, ANSWER_WITHIN);
    match running.method_call::<(), _, _, _>(INTERFACE, RAISE, ()) {
        Ok(()) => Claim::HandedOver,
        Err(e) => Claim::Unanswered(describe(&e)),
    }
}

fn describe(e: &dbus::Error) -> String {
    e.message().unwrap_or("D-Bus error").to_owned()
}
