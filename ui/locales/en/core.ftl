# Dropdesk in English: what its core says (src-tauri/src/messages.rs), chiefly its
# problems. A problem's message is what to do; its .title is the banner's heading.

## Numbers in sentences: the decimal point of a size ("1.5 GB").
decimal-point = .

## Retrying.
retries-by-itself = Dropdesk retries by itself in { $seconds } s.
offline-as-of = Offline — showing the folder as of { $time }. Dropdesk retries by itself in { $seconds } s.

## Signing in.
authorize-failed = Dropbox reported '{ $error }' { $description }. If you set your own app key, check its redirect URIs and permissions in the App Console.
    .title = Dropbox could not connect Dropdesk
code-refused = Dropbox did not accept the code: it may be mistyped, already used or expired. Open the page again for a new code, then paste it here.
    .title = That code did not work
listener-failed = Dropdesk's sign-in listener stopped answering, so the sign-in ended and its port is free again. Connect again.
    .title = The sign-in listener stopped
not-connected = Connect Dropbox first.
    .title = Not connected
not-waiting = Use Connect Dropbox to start one.
    .title = No sign-in in progress
ports-busy = Dropdesk could not open its sign-in listener: ports { $ports } on 127.0.0.1 are all in use. Close the program using them, or set other registered ports with redirect_ports in config.toml.
    .title = Sign-in listener unavailable
revoked = Dropdesk's access was removed (perhaps on dropbox.com). Reconnect to keep using Dropdesk.
    .title = Dropbox access was revoked
sign-in-server-unreachable = The sign-in server could not be reached or failed. Check your connection; your sign-in is kept.
    .title = Dropbox could not be reached
sign-in-refused-by-dropbox = Dropbox refused the sign-in ({ $error }): { $why ->
        [invalid-grant] the sign-in code expired or was already used
        [invalid-client] it does not know this app key, or the app may not use PKCE sign-in
        [invalid-scope] the app does not have the permissions Dropdesk asks for
       *[other] the request was not accepted
    }. Connect again to start over.
    .title = Dropbox refused the sign-in
declined = You declined the request in your browser. Connect again whenever you like.
timed-out = The sign-in timed out before Dropbox answered. Connect again to retry.

## The keychain.
keychain-unavailable = Dropdesk keeps your Dropbox sign-in only in the system keychain, and none answered ({ $detail }). On GNOME, start GNOME Keyring (gnome-keyring-daemon --start --components=secrets); on KDE, enable KWallet's Secret Service; then retry.
    .title = No keychain available
keychain-locked = Your keychain is locked or refused access. Unlock your login keyring (for example in Passwords and Keys), then retry.
    .title = Keychain locked
keychain-timeout = The keychain did not answer in time. If an unlock prompt is open, answer it, then retry.
    .title = Keychain not answering
keychain-corrupt = The Dropbox sign-in saved in your keychain cannot be read. Disconnect and connect again.
    .title = Saved sign-in unreadable
keychain-overtaken = Dropdesk stopped keeping this sign-in because it was given up meanwhile. Connect again.
    .title = Sign-in not kept
keychain-error = The keychain failed: { $detail }. Retry, or restart your session's keyring.
    .title = Keychain error
signed-in = Signed in; kept in { $store ->
        [gnome-keyring] your GNOME Keyring (Secret Service)
        [kwallet] your KDE Wallet (Secret Service)
        [keepassxc] KeePassXC (Secret Service)
        [mac-keychain] your macOS Keychain
        [windows-credentials] Windows Credential Manager
        [memory] memory only (a test build)
       *[secret-service] your system keychain (Secret Service)
    }.

## Dropbox's answers.
offline = Dropdesk cannot reach Dropbox. Check your connection; your sign-in is kept.
    .title = You're offline
rate-limited = Dropbox asked Dropdesk to wait { $seconds } seconds.
    .title = Dropbox asked to slow down
server-error = Dropbox answered with a server error ({ $status }). Your sign-in is kept; try again shortly.
    .title = Dropbox is having trouble
bad-request = Dropbox refused Dropdesk's request to { $route } ({ $status }). If you set your own app key, check its settings in the App Console; otherwise please report this.
    .title = Dropbox refused a request
bad-answer = Dropbox sent an answer Dropdesk does not understand. Retry; if it keeps happening, please report it.
    .title = Unexpected answer from Dropbox
untrusted = The server that answered did not prove it is Dropbox, so Dropdesk sent it nothing. A network that intercepts secure connections (a company proxy, a hotel or airport sign-in page) or a wrong date and time on this computer can cause this. Sign in to the network or correct the clock, then Retry.
    .title = Dropbox's identity could not be verified
missing-scope = Dropbox says this sign-in does not allow what Dropdesk asked. If you use your own app key, tick account_info.read, files.metadata.read and files.content.read in the App Console, then reconnect.
    .title = Dropdesk lacks a permission
account-suspended = Dropbox says this account is suspended. Sign in on dropbox.com to see why.
    .title = Dropbox account suspended
sign-in-refused = Dropbox no longer accepts Dropdesk's sign-in. Reconnect to keep using Dropdesk.
    .title = Dropbox refused the sign-in
folder-not-found = This folder no longer exists in your app folder.
    .title = Folder not found
listing-reset = Dropbox asked Dropdesk to list this folder again. Retry.
    .title = The folder changed
route-error = Dropbox said: { $summary }. Retry, or open another folder.
    .title = Dropbox could not list this folder

## Uploads, and names at Dropbox.
file-in-the-way = A file has the name of a folder this upload goes into. Rename or move that file, then retry.
    .title = A file is in the way
name-taken-meanwhile = Something with this name is already in that folder (or it changed at Dropbox meanwhile), so Dropdesk replaced nothing. Nothing was lost.
    .title = The name is taken
name-taken = “{ $name }” is already in this folder (Dropbox matches names whatever their case). Choose another name.
    .title = The name is taken
insufficient-space = Dropbox has no room for this file. Free some space in your Dropbox (or get more), then retry.
    .title = Your Dropbox is full
no-room = Dropbox needs { $needed } more room for this upload ({ $free } is free). Free some space in your Dropbox (or get more), then retry.
    .title = Your Dropbox is full
name-not-taken = Dropbox refuses this file's name. Rename the file on this computer, then upload it again.
    .title = Dropbox does not take this name
name-refused = { $why ->
        [empty] Type a name.
        [dots] “.” and “..” mean this folder and the one above it, so Dropbox does not take them as names.
        [slash] A name cannot contain “/”: Dropbox reads it as a folder in the path.
        [space-at-end] Dropbox does not take a name that ends with a space. Remove it.
        [too-long] Dropbox takes names of up to { $bytes } bytes; this one is longer. Shorten it.
       *[reserved] Dropbox keeps this name out of every folder (it belongs to the system). Choose another.
    }
    .title = Dropbox does not take this name
file-too-large = Dropbox takes files of up to 2 TiB (2,199,019,061,248 bytes).
    .title = The file is too large for Dropbox
upload-failed = Dropbox said: { $summary }. Retry.
    .title = Dropbox did not take the file
upload-damaged = What Dropbox stored does not match the file on this computer. Retry.
    .title = The upload was damaged
file-unreadable = Dropdesk could not upload { $file }: { $why ->
        [denied] you may not read it
        [gone] it is no longer there
       *[other] reading it failed
    }. Fix that, then retry.
    .title = The file could not be read
file-changed-here = { $file } changed on this computer during the upload, so Dropdesk committed nothing of it. Retry when it is saved.
    .title = The file changed while it was uploading
not-a-file = Dropdesk does not follow links out of what you chose to upload.
    .title = A link was not followed
not-all-uploaded = { $refused } of the folder's files did not go up; the first is { $first }: { $why } The rest are in your Dropbox. Retry uploads the folder again; files already there are left as they are.
    .title = Some files were not uploaded
into-itself = The folder chosen is the one being moved or copied, or a folder inside it. Choose another folder.
    .title = A folder cannot go into itself
write-not-allowed = Dropbox says this sign-in lets Dropdesk only read. Allow uploads in your browser, and this upload starts again.
    .title = Dropdesk may not add files
upload-interrupted = The connection to Dropbox broke off. What Dropbox received is kept there: Resume carries on from there.
    .title = Upload interrupted

## Downloads and opening files.
file-not-written = Dropdesk could not save the file in { $folder }: { $why ->
        [full] the disk is full
        [denied] Dropdesk may not write there
       *[other] the folder could not be written
    }. Free some space or fix the folder, then retry.
    .title = The file could not be saved
file-corrupt = What arrived does not match the file at Dropbox, so Dropdesk kept nothing. Retry.
    .title = The download was damaged
file-name-not-allowed = Rename the file at Dropbox, then open it again.
    .title = This file's name cannot be used here
file-gone = It changed or was removed at Dropbox meanwhile. The folder shows what is there now.
    .title = The file is no longer there
file-changed = Someone changed this file while it was downloading, so Dropdesk kept nothing. The folder now shows the new version; open or save it again.
    .title = The file changed at Dropbox
transfer-cancelled = The download was cancelled and nothing of it was kept.
    .title = Cancelled
is-program = Opening it may run it on this computer, with everything you may do. Open it only if you trust where it came from.
    .title = This file is a program
no-opener = Dropdesk downloaded the file, but no program is set to open files of this type. Set a default program for it in your desktop's settings.
    .title = No program opened the file
download-interrupted = The connection to Dropbox broke off. What arrived is kept: Resume carries on from there.
    .title = Download interrupted
names-refused = These names cannot be used for files on this computer: { $names }. Rename them at Dropbox, then save them again; everything else was saved.
    .title = { $count ->
        [one] A file was not saved
       *[other] Some files were not saved
    }
quoted-name = “{ $name }”
folder-vanished = “{ $name }” no longer exists; showing the nearest folder that does.

## Disconnecting.
disconnect-not-connected = Dropdesk was not connected.
disconnect-confirmed = Disconnected. Dropbox confirmed that Dropdesk's access is revoked, and the sign-in was removed from this computer.
disconnect-unconfirmed = Disconnected on this computer, but Dropbox could not confirm the revoke. To be sure, remove Dropdesk under Settings → Connected apps on dropbox.com.

## Settings, and starting.
key-source = Dropbox app key: { $source ->
        [built-in] built into this package
        [environment] from DROPBOX_APP_KEY
       *[file] from { $file }
    }
settings = Dropdesk cannot use { $origin ->
        [environment] its settings from the environment
        [built-in] the app key built into this package
       *[file] its settings in { $file }
    }: { $key }: { $what }. Fix this, then restart Dropdesk.
    .title = Settings need attention
settings-whole-file = (the file)
the-settings-file = the settings file
settings-file-at = (the file, at byte { $byte })
settings-unreadable = the file cannot be read ({ $detail })
settings-invalid = this is not valid here ({ $detail })
settings-unknown-key = unknown field; check its spelling against the README
settings-app-key = an app key is the letters and digits shown as 'App key' in the Dropbox App Console
settings-no-ports = list at least one port
settings-not-port-list = '{ $text }' is not a comma-separated list of port numbers
settings-port = { $port } is not a port between 1024 and 65535
settings-timeout = { $seconds } is outside 10 to 3600 seconds
settings-not-url = '{ $text }' must be an http(s) URL with a host
settings-insecure = '{ $text }' uses plain http to another machine; use https (http is only for 127.0.0.1)
no-app-key = Dropdesk needs a Dropbox app key to sign in, and this build carries none. Put app_key = "your key" in { $file }, or set DROPBOX_APP_KEY, then start Dropdesk again. A package built with DROPDESK_APP_KEY carries its own (README, "For packagers").
    .title = This build has no Dropbox app key
demo-failed = The demo could not start its emulated Dropbox ({ $detail }). Restart Dropdesk.
    .title = The demo could not start

## The titles of the file dialogs.
dialog-save-copy = Save a copy
dialog-upload = Upload to Dropbox
dialog-upload-folders = Upload folders to Dropbox
dialog-download-to = Download to folder

## The pages the browser shows at the end of a sign-in.
page-approved = Dropdesk has your approval. You can close this tab and return to Dropdesk.
    .title = You're connected
page-declined = You declined to connect Dropdesk. You can close this tab and return to Dropdesk; connect again any time.
    .title = Request declined
page-failed = Dropbox said: { $error } { $description }. Close this tab and return to Dropdesk to try again.
    .title = Dropbox could not connect Dropdesk
page-stale-link = It does not belong to the sign-in Dropdesk is waiting for. Return to Dropdesk and use Connect Dropbox again.
    .title = This sign-in link has expired
page-not-for-us = This address is only used by Dropdesk while you sign in.
    .title = Nothing here
page-other-browser = Dropdesk accepts the answer only in the browser where its sign-in began. Return to Dropdesk and use Connect Dropbox again.
    .title = This sign-in did not start here
page-start-used = Each of Dropdesk's sign-in links opens Dropbox once. Return to Dropdesk and press Open the page again for a new one.
    .title = This sign-in link was already used
page-redirecting = Taking you to Dropbox to approve Dropdesk.
    .title = On to Dropbox…
