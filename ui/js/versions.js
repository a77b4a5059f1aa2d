// The Versions dialog ("Versions…" on one file): its revisions as Dropbox keeps them,
// newest first, each with when it was stored and its size (and, in a shared folder, whether
// you or another person made it). Each can be previewed (the
// start of a text file, in the dialog), saved as a copy on this computer, or restored as
// the current version; restoring adds a version, so nothing is lost and the one before
// can be restored in turn.

import * as api from './api.js';
import { t } from './l10n.js';
import * as fmt from './format.js';

const $ = (id) => document.getElementById(id);

/** `onChanged()` after a restore changed the listing; `onProblem(problem, retry)`;
 * `withWriteAccess(then)` runs `then` once the account may write (asking first when it
 * may not); `returnFocus()` gives the keyboard back to the list when the dialog closes. */
export function createVersions({ onChanged, onProblem, withWriteAccess, returnFocus }) {
  const dialog = $('versions');
  const list = $('versions-list');
  const status = $('versions-status');
  const shown = $('versions-preview');
  let file = null;

  function button(label, run, disabled = false) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button secondary small';
    b.textContent = label;
    b.disabled = disabled;
    b.addEventListener('click', run);
    return b;
  }

  async function guarded(what, retry) {
    try {
      await what();
    } catch (e) {
      const problem = api.asProblem(e);
      dialog.close();
      onProblem(problem, retry);
    }
  }

  function draw(versions) {
    list.replaceChildren(...versions.map((v) => {
      const li = document.createElement('li');
      const [, exact] = fmt.date(v.modified);
      const when = document.createElement('span');
      when.className = 'when';
      when.textContent = exact;
      const size = document.createElement('span');
      size.className = 'muted small';
      // Dropbox says who made a version only in a shared folder.
      size.textContent = [
        fmt.size(v.size),
        v.current && t('version-current'),
        v.by && t(`version-by-${v.by}`),
      ].filter(Boolean).join(' · ');
      const acts = document.createElement('span');
      acts.className = 'row';
      acts.append(
        button(t('version-preview'), () => preview(v, exact)),
        button(t('version-save'), () => guarded(() => api.saveVersion(file.path_lower, v.rev))),
        button(t('restore'), () => restoreAsked(v, exact), v.current),
      );
      for (const b of acts.children) b.setAttribute('aria-label', t('version-action', { action: b.textContent.replace('…', ''), when: exact }));
      li.append(when, size, acts);
      return li;
    }));
  }

  async function load() {
    status.textContent = t('versions-loading');
    shown.hidden = true;
    await guarded(async () => {
      const versions = await api.versions(file.path_lower);
      draw(versions);
      status.textContent = versions.length === 1 ? t('versions-only-one') : t('versions-count', { count: versions.length });
    }, () => show(file));
  }

  async function preview(v, exact) {
    await guarded(async () => {
      const p = await api.previewVersion(file.path_lower, v.rev);
      shown.textContent = p.kind === 'text' ? p.text : t('no-preview');
      shown.setAttribute('aria-label', t('version-start', { when: exact }));
      shown.hidden = false;
      shown.focus();
    });
  }

  async function restore(v, exact) {
    await guarded(async () => {
      await api.restoreVersion(file.path_lower, v.rev);
      onChanged();
      await load();
      status.textContent = t('version-restored', { when: exact });
    }, () => restore(v, exact));
  }

  /** Restoring writes: the dialog makes way while write access is asked for, if it is. */
  function restoreAsked(v, exact) {
    const at = file;
    dialog.close();
    withWriteAccess(() => show(at, () => restore(v, exact)));
  }

  /** Show the versions of `entry` (a file), then do `then`. */
  function show(entry, then) {
    file = entry;
    $('versions-title').textContent = t('versions-of', { name: fmt.displayName(entry.name) });
    list.replaceChildren();
    dialog.showModal();
    $('versions-close').focus();
    load().then(() => then?.());
  }

  $('versions-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', returnFocus);

  return { show };
}
