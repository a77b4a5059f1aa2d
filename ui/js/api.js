// The only module that talks to Rust: Tauri's invoke, one function per command.
// Errors arrive as { title, message, action } problems.

const invoke = (cmd, args) => window.__TAURI__.core.invoke(cmd, args);

export const appInfo = () => invoke('app_info');
export const restore = () => invoke('restore');
export const startConnect = () => invoke('start_connect');
export const finishConnect = () => invoke('finish_connect');
export const cancelConnect = () => invoke('cancel_connect');
export const reopenBrowser = () => invoke('reopen_browser');
export const disconnect = () => invoke('disconnect');
export const listFolder = (path) => invoke('list_folder', { path });
export const listFolderContinue = (cursor) => invoke('list_folder_continue', { cursor });

/** Any thrown value as a problem the banner can show. */
export function asProblem(error) {
  if (error && typeof error === 'object' && 'title' in error) return error;
  return { title: 'Something went wrong', message: String(error), action: 'retry' };
}
