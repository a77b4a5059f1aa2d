// The only module that talks to Rust: Tauri's invoke, one function per command (the
// names must match src-tauri/src/command_names.rs; a test checks). Errors arrive as
// { code, title, message, action, retry_in? } problems.

import { t } from './l10n.js';

const invoke = (cmd, args) => window.__TAURI__.core.invoke(cmd, args);

export const appInfo = () => invoke('app_info');
export const uiReady = () => invoke('ui_ready');
/** What the window showed last ({ display_name, email, initials } or null), at once. */
export const lastSeen = () => invoke('last_seen');
/** The window's language and its catalogues: { language, texts, fallback } (Fluent). */
export const catalogues = () => invoke('catalogues');
export const restore = () => invoke('restore');
/** The account in use, asked of Dropbox again (when it was offline); answers like restore. */
export const accountStatus = () => invoke('account_status');
/** Start a sign-in; `write` asks the account in use for write access (the first upload). */
export const startConnect = (write = false) => invoke('start_connect', { write });
/** Wait for the sign-in to end; `named` (a Tauri Channel) hears of the account as soon as
 * Dropbox names it (`confirm` first, for an account not connected here), while its grant
 * is still being written to the keychain. */
export const finishConnect = (named) => invoke('finish_connect', { onNamed: named });
export const cancelConnect = () => invoke('cancel_connect');
/** Exchange a code pasted from Dropbox's page; rejects with a problem if refused. */
export const submitCode = (code) => invoke('submit_code', { code });
export const reopenBrowser = () => invoke('reopen_browser');
/** A new start link to paste into a browser (each opens Dropbox once). */
export const startLink = () => invoke('start_link');
/** The answer to "Connect Dropbox as …?" for an account not connected here. */
export const confirmConnect = (yes) => invoke('confirm_connect', { yes });
/** The connected accounts: [{ account_id, display_name, email, initials, current }]. */
export const accounts = () => invoke('accounts');
/** Use another connected account; answers like restore. */
export const switchAccount = (accountId) => invoke('switch_account', { accountId });
/** Disconnect the account the window shows (never "the current one"). */
export const disconnect = (accountId) => invoke('disconnect', { accountId });
/** Remove a saved sign-in that cannot be read, before connecting again. */
export const forgetUnreadable = () => invoke('forget_unreadable');
/** Open a folder (its path and its path_lower, both as Dropbox gave them) and get the
 * first `rows` rows of the view `spec`; `channel` (a Tauri Channel) hears of every page
 * and change after that. */
export const openFolder = (path, pathLower, spec, rows, channel) =>
  invoke('open_folder', { path, pathLower, spec, rows, onProgress: channel });
/** Rows `start..start+count` of the folder's sorted, filtered view, with totals. */
export const folderWindow = (pathLower, spec, start, count) =>
  invoke('folder_window', { pathLower, spec, start, count });
/** Download (unless cached) and open a file with the system's default program; a program
 * (problem `is_program`) only with `program` true, once the person said so. */
export const openFile = (pathLower, program = false) => invoke('open_file', { pathLower, program });
/** "Save as…": Rust asks where with the native dialog; true when a place was chosen. */
export const saveAs = (pathLower) => invoke('save_as', { pathLower });
/** "Download to folder…": { chosen, conflicts, started }; with conflicts, nothing started
 * until resolveConflicts. */
export const downloadToFolder = (paths) => invoke('download_to_folder', { paths });
/** Rename the entry `pathLower` to `name` in its folder; answers { path, path_lower }. */
export const rename = (pathLower, name) => invoke('rename', { pathLower, name });
/** Delete the entries `paths` (keys) as one batch; `channel` hears { done, total }.
 * Answers { deleted, undo?, not_done: [{ name, problem }] }. */
export const deleteEntries = (paths, channel) => invoke('delete_entries', { paths, onAlong: channel });
/** Bring back what the delete `undo` took; answers { restored, not_done }. */
export const undoDelete = (undo, channel) => invoke('undo_delete', { undo, onAlong: channel });
/** Move (or with `copy`, copy) the entries `paths` (keys) into the folder `into` (its
 * key `intoLower`); `channel` hears { done, total }. Answers { done, not_done }. */
export const relocate = (paths, into, intoLower, copy, channel) =>
  invoke('relocate', { paths, into, intoLower, copy, onAlong: channel });
/** The folders in a folder, for the picker: [{ name, path, path_lower, kind }]. */
export const subfolders = (path, pathLower) => invoke('subfolders', { path, pathLower });
/** The files deleted in the folder `path`: [{ name, path, deleted_at?, rev, size }]. */
export const deletedFiles = (path) => invoke('deleted_files', { path });
/** Bring a deleted file back at the revision it had, or (no `rev`) a deleted folder with
 * what went with it; `onAlong` (a Channel) hears { done, total }. */
export const restoreDeleted = (path, rev, onAlong) =>
  invoke('restore_deleted', { path, rev: rev ?? null, onAlong });
/** The versions of a file, newest first: [{ rev, size, modified, current }]. */
export const versions = (pathLower) => invoke('versions', { pathLower });
/** The preview of one version of a file (as `preview` answers). */
export const previewVersion = (pathLower, rev) => invoke('preview_version', { pathLower, rev });
/** "Save a copy…" of one version: Rust asks where; true when a place was chosen. */
export const saveVersion = (pathLower, rev) => invoke('save_version', { pathLower, rev });
/** Make one version the file again. */
export const restoreVersion = (pathLower, rev) => invoke('restore_version', { pathLower, rev });
/** 'replace' | 'keep_both' | 'skip', or null to cancel; answers how many started. */
export const resolveConflicts = (onConflict) => invoke('resolve_conflicts', { onConflict });
/** "Upload…": Rust asks which files (or with `folders`, folders) with the native dialog;
 * they go into `folder` (a path in the app folder). Answers { started, refused: [{ name,
 * problem }] }. */
export const uploadFiles = (folder, folders = false) => invoke('upload_files', { folder, folders });
/** `channel` hears of files dragged over the window: { state: over|left|dropped, count, x, y }. */
export const watchDrops = (channel) => invoke('watch_drops', { onDrag: channel });
/** Upload what was dropped last into `folder`; answers like uploadFiles. With
 * `conflicts`, nothing started until resolveUploadConflicts. */
export const uploadDropped = (folder) => invoke('upload_dropped', { folder });
/** Make a folder named `name` in `folder` ({ path, lower }); answers { path, path_lower }. */
export const newFolder = (folder, name) =>
  invoke('new_folder', { folder: folder.path, folderLower: folder.lower, name });
/** 'replace' | 'keep_both' | 'skip', or null to upload nothing; answers like uploadFiles. */
export const resolveUploadConflicts = (onConflict) => invoke('resolve_upload_conflicts', { onConflict });
/** Every transfer so far; `channel` hears of each change from now on. */
export const watchTransfers = (channel) => invoke('watch_transfers', { onChange: channel });
export const cancelTransfer = (id) => invoke('cancel_transfer', { id });
/** Resume a failed transfer (after what it kept) or start a cancelled one again. */
export const retryTransfer = (id) => invoke('retry_transfer', { id });
/** Open a finished transfer's file, or (folder) show the folder it is in. */
export const openTransferred = (id, folder, program = false) =>
  invoke('open_transferred', { id, folder, program });
/** The preview of a file: { name, size, modified, rev, content_hash, kind, image?, text?, whole }. */
export const preview = (pathLower) => invoke('preview', { pathLower });
/** Names in the whole app folder matching `query`: { entries, truncated }. */
export const search = (query) => invoke('search', { query });
/** Type-ahead: the next row whose name starts with `prefix`. */
export const folderSeek = (pathLower, spec, prefix, from) =>
  invoke('folder_seek', { pathLower, spec, prefix, from });

/** Any thrown value as a problem the banner can show. Rust words every problem; only a
 * failure of the IPC bridge itself, which never reached Rust, is worded here. */
export function asProblem(error) {
  if (error && typeof error === 'object' && 'title' in error) return error;
  return { code: 'ipc', title: t('ipc-failed'), message: String(error), action: 'retry' };
}
