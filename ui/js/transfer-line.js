// The line under a transfer's bar in the window's language: bytes done of total, speed
// and time left, or its state.

import { displayName, size } from './format.js';
import { t } from './l10n.js';

/** A short duration: "45 s", "3 min", "1 h 5 min". */
export function duration(secs) {
  if (secs < 60) return t('duration-seconds', { seconds: Math.max(1, Math.round(secs)) });
  if (secs < 3600) return t('duration-minutes', { minutes: Math.round(secs / 60) });
  const hours = Math.floor(secs / 3600);
  const minutes = Math.round((secs % 3600) / 60);
  return minutes ? t('duration-hours-minutes', { hours, minutes }) : t('duration-hours', { hours });
}

/** What a transfer has done, and how it is going. */
export function transferLine(tr) {
  const of = tr.total ? t('transfer-of', { done: size(tr.done), total: size(tr.total) }) : size(tr.done);
  switch (tr.state) {
    case 'running': {
      const parts = [of];
      if (tr.bytes_per_sec) parts.push(t('transfer-speed', { size: size(tr.bytes_per_sec) }));
      if (tr.seconds_left != null) parts.push(t('transfer-left', { duration: duration(tr.seconds_left) }));
      return parts.join(' · ');
    }
    case 'waiting': return t('transfer-waiting', { of, duration: duration(tr.wait_secs ?? 1) });
    case 'done':
      if (tr.conflicted) return t('transfer-conflicted', { name: displayName(tr.uploaded_to.split('/').pop()) });
      return tr.total ? t('transfer-done-size', { size: size(tr.total) }) : t('transfer-done');
    case 'cancelled': return t('transfer-cancelled');
    default: return tr.problem ? tr.problem.title : t('transfer-failed');
  }
}
