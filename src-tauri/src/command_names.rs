// The Tauri IPC commands, one list: `build.rs` includes this file to generate their
// permissions, and `tests/commands_agree.rs` checks that `lib.rs`'s `generate_handler!`,
// the capability file and `ui/js/api.js` name exactly these.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "ui_ready",
    "last_seen",
    "restore",
    "account_status",
    "start_connect",
    "finish_connect",
    "cancel_connect",
    "submit_code",
    "reopen_browser",
    "accounts",
    "switch_account",
    "disconnect",
    "open_folder",
    "folder_window",
    "folder_seek",
    "open_file",
    "search",
];
