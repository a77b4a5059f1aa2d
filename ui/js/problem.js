// What the problem banner's button says and does, decided from the problem alone: it runs
// the banner's action only when its label says so (Retry, Reconnect); Dismiss and OK only
// close the banner.

const labels = { retry: 'Retry', reconnect: 'Reconnect', dismiss: 'Dismiss' };

/** The button for `problem`: its label, and what it runs besides closing (or null). */
export function button(problem, onAction) {
  const label = labels[problem.action] ?? 'OK';
  const acts = problem.action === 'retry' || problem.action === 'reconnect';
  return { label, run: acts ? onAction ?? null : null };
}
