// What the waiting view says while the person signs in, from what Rust reports: whether
// the browser could be started, and whether the loopback listener waits for it (else only
// a pasted code can connect). It never says a page opened when none could be.

import { t } from './l10n.js';

/** The waiting view's lead sentence. */
export function lead({ browser_opened: opened, listening }) {
  if (!opened) return t(listening ? 'waiting-no-browser' : 'waiting-no-browser-code');
  return t(listening ? 'waiting-lead' : 'waiting-lead-code');
}
