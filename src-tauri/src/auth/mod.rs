//! Signing in to Dropbox: PKCE and state, the authorize URL and the code exchange
//! (`oauth`), the loopback listener that catches the redirect (`listener`) behind its
//! hardened front (`gate`), the one-time links that start a sign-in in the browser
//! (`start_links`), and the pages the browser tab shows (`page`). Touches neither the UI
//! nor the keychain.

pub mod gate;
pub mod listener;
pub mod oauth;
pub mod page;
pub mod start_links;

pub use listener::{Callback, Expect, Listener, Outcome, PortsBusy};
pub use oauth::{Access, Authorization, OAuth, TokenError, Tokens, WRITE_SCOPE};
