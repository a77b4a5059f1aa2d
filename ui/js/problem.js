// What the problem banner's button says and does, decided from the problem alone: it runs
// the banner's action only when its label says so (Retry, Reconnect, Allow uploads…);
// Dismiss and OK only close the banner.

import { t } from './l10n.js';

const labels = { retry: 'action-retry', reconnect: 'action-reconnect', dismiss: 'action-dismiss', allow_writing: 'action-allow-writing' };
const acting = new Set(['retry', 'reconnect', 'allow_writing']);

/** The button for `problem`: its label, and what it runs besides closing (or null). */
export function button(problem, onAction) {
  const label = t(labels[problem.action] ?? 'action-ok');
  return { label, run: acting.has(problem.action) ? onAction ?? null : null };
}
