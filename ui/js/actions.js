// What can be done with the selection: Open, Save as… (a folder: Download as .zip…),
// Download to folder…, Rename (F2), Move to…, Copy to…, Versions…, Delete (the Delete
// key), from the action bar, the context menu (right click, Shift+F10 or
// the Menu key) and Ctrl+S, asking (`conflicts.js`) when names are taken in the folder
// chosen. Rust shows the native dialogs and starts the
// transfers; the transfers panel shows them.

import { t } from './l10n.js';
import * as api from './api.js';
import { askAboutConflicts } from './conflicts.js';

const $ = (id) => document.getElementById(id);

export function createActions({ activate, onRename, onDelete, onMove, onVersions, onProblem, returnFocus }) {
  const menu = $('context-menu');
  let current = [];

  const guard = (f) => async () => {
    try {
      await f();
    } catch (e) {
      onProblem(api.asProblem(e), guard(f));
    }
  };

  const open = guard(async () => {
    if (current.length === 1) await activate(current[0]);
  });

  const saveAs = guard(async () => {
    if (current.length !== 1) { await toFolder(); return; }
    await api.saveAs(current[0].path_lower);
  });

  const toFolder = guard(async () => {
    if (!current.length) return;
    const choice = await api.downloadToFolder(current.map((e) => e.path_lower));
    // Names that cannot be file names here were not saved: say which.
    if (choice.refused) onProblem(choice.refused);
    if (choice.conflicts.length) {
      const answer = await askAboutConflicts(choice.conflicts, t('conflict-download'));
      returnFocus();
      await api.resolveConflicts(answer);
    }
  });

  const rename = () => {
    if (current.length === 1) onRename(current[0]);
  };

  const move = () => { if (current.length) onMove(current, false); };
  const copy = () => { if (current.length) onMove(current, true); };

  const versions = () => {
    if (current.length === 1 && current[0].kind === 'file') onVersions(current[0]);
  };

  const remove = () => {
    if (current.length) onDelete(current);
  };

  // ---- The context menu -----------------------------------------------------------------

  const items = () => [...menu.querySelectorAll('[role="menuitem"]')].filter((b) => !b.disabled);

  function openMenu(x, y) {
    if (!current.length) return;
    menu.hidden = false;
    const { width, height } = menu.getBoundingClientRect();
    menu.style.left = `${Math.min(x, window.innerWidth - width - 4)}px`;
    menu.style.top = `${Math.min(y, window.innerHeight - height - 4)}px`;
    items()[0]?.focus();
  }

  function closeMenu(refocus = true) {
    if (menu.hidden) return;
    menu.hidden = true;
    if (refocus) returnFocus();
  }

  const run = { open, save: saveAs, folder: toFolder, rename, move, copy, versions, delete: remove };
  for (const b of menu.querySelectorAll('[data-act]')) {
    b.addEventListener('click', () => { closeMenu(); run[b.dataset.act](); });
  }
  menu.addEventListener('keydown', (e) => {
    const list = items();
    const at = list.indexOf(document.activeElement);
    const go = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: list.length - 1 }[e.key];
    if (go !== undefined) { list[(go + list.length) % list.length]?.focus(); e.preventDefault(); }
    else if (e.key === 'Escape' || e.key === 'Tab') { closeMenu(); e.preventDefault(); }
  });
  document.addEventListener('mousedown', (e) => { if (!menu.contains(e.target)) closeMenu(false); });
  window.addEventListener('blur', () => closeMenu(false));

  $('act-open').addEventListener('click', open);
  $('act-save').addEventListener('click', saveAs);
  $('act-folder').addEventListener('click', toFolder);
  $('act-rename').addEventListener('click', rename);
  $('act-delete').addEventListener('click', remove);
  $('act-versions').addEventListener('click', versions);
  $('act-move').addEventListener('click', move);
  $('act-copy').addEventListener('click', copy);

  return {
    /** The selection is now `entries`: the buttons and menu follow it. */
    select(entries) {
      current = entries;
      const one = entries.length === 1 ? entries[0] : null;
      const saveLabel = t(one?.kind === 'folder' ? 'act-zip' : 'act-save');
      for (const b of [$('act-save'), menu.querySelector('[data-act="save"]')]) {
        b.textContent = saveLabel;
        b.disabled = !one;
      }
      for (const b of [$('act-open'), menu.querySelector('[data-act="open"]')]) b.disabled = !one;
      for (const b of [$('act-rename'), menu.querySelector('[data-act="rename"]')]) b.disabled = !one;
      for (const b of [$('act-versions'), menu.querySelector('[data-act="versions"]')]) b.disabled = one?.kind !== 'file';
      for (const act of ['folder', 'delete', 'move', 'copy']) {
        for (const b of [$(`act-${act}`), menu.querySelector(`[data-act="${act}"]`)]) b.disabled = !entries.length;
      }
      $('selection-text').textContent = entries.length > 1 ? t('selected-count', { count: entries.length }) : '';
    },
    openMenu,
    /** Ctrl+S. */
    saveAs,
    /** F2. */
    rename,
    /** The Delete key. */
    remove,
  };
}
