// What the waiting view says while the person signs in, from what Rust reports: whether
// the browser could be started, and whether the loopback listener waits for it (else only
// a pasted code can connect). It never says a page opened when none could be.

/** The waiting view's lead sentence. */
export function lead({ browser_opened: opened, listening }) {
  if (!opened) {
    return listening
      ? 'Dropdesk could not start your browser. Open the page yourself or copy its link, then approve Dropdesk there.'
      : 'Dropdesk could not start your browser. Open the page below on any device, approve Dropdesk, then paste the code Dropbox shows.';
  }
  return listening
    ? 'A Dropbox page opened in your browser. Approve Dropdesk there, then come back here.'
    : 'A Dropbox page opened in your browser. Approve Dropdesk there, then paste the code Dropbox shows.';
}
