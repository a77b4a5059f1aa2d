// The Deleted files view (the bin button by the folder's path): the files and folders
// deleted in the folder in view, newest deletion first, each with when it went and its size
// (a folder: how much went with it), and Restore, which brings it back as it was (a folder
// with the files deleted with it). After Undo's toast is gone, this is where a delete is
// undone from.

import * as api from './api.js';
import { t } from './l10n.js';
import * as fmt from './format.js';

const $ = (id) => document.getElementById(id);

/** `here()` the folder in view ({ path }); `onChanged()` after a restore; `onProblem`;
 * `withWriteAccess(then)`; `returnFocus()`. */
export function createTrash({ here, onChanged, onProblem, withWriteAccess, returnFocus }) {
  const dialog = $('deleted');
  const list = $('deleted-list');
  const status = $('deleted-status');

  async function restore(file, li) {
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = ({ done, total }) => {
      if (total > 1) status.textContent = t('restoring-progress', { done, total });
    };
    try {
      if (file.kind === 'folder') status.textContent = t('restoring-one', { name: fmt.displayName(file.name) });
      await api.restoreDeleted(file.path, file.rev, channel);
      onChanged();
      li.remove();
      status.textContent = t('restored-one', { name: fmt.displayName(file.name) });
      (list.querySelector('button') ?? $('deleted-close')).focus();
    } catch (e) {
      dialog.close();
      onProblem(api.asProblem(e), () => restore(file, li));
    }
  }

  function row(file) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'when';
    name.textContent = fmt.displayName(file.name);
    const about = document.createElement('span');
    about.className = 'muted small';
    const [, when] = fmt.date(file.deleted_at);
    const what = file.kind === 'folder' ? t('deleted-folder-held', { count: file.held }) : fmt.size(file.size);
    about.textContent = when ? t('deleted-when', { what, when }) : what;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button secondary small';
    b.textContent = t('restore');
    b.setAttribute('aria-label', t('restore-named', { name: fmt.displayName(file.name) }));
    b.addEventListener('click', () => {
      const at = here();
      dialog.close();
      withWriteAccess(() => show(at, () => restore(file, [...list.children].find((l) => l.dataset.path === file.path))));
    });
    const acts = document.createElement('span');
    acts.className = 'row';
    acts.append(b);
    li.dataset.path = file.path;
    li.append(name, about, acts);
    return li;
  }

  /** Show what was deleted in the folder `at` (the folder in view), then do `then`. */
  async function show(at = here(), then) {
    $('deleted-title').textContent = at.path
      ? t('deleted-in-folder', { name: fmt.displayName(at.path.split('/').pop()) })
      : t('deleted-in-root');
    list.replaceChildren();
    status.textContent = t('deleted-looking');
    dialog.showModal();
    $('deleted-close').focus();
    try {
      const files = await api.deletedFiles(at.path);
      list.replaceChildren(...files.map(row));
      status.textContent = files.length ? t('deleted-count', { count: files.length }) : t('deleted-none');
      then?.();
    } catch (e) {
      dialog.close();
      onProblem(api.asProblem(e), () => show(at));
    }
  }

  $('deleted-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', returnFocus);
  $('show-deleted').addEventListener('click', () => show());

  return { show };
}
