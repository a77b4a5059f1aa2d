// Delete with Undo. Delete (the key, the action bar, the context menu) removes the
// selection at once, with no "are you sure?": a toast says "Deleted 3 items" with Undo
// (also Ctrl+Z while it shows), which brings everything back as it was. The toast stays
// while the pointer or the keyboard is on it, and goes some seconds after. Long deletes and
// undos say how far they are. What could not be deleted or brought back is said as a
// problem, with Retry where trying again can help. While a delete, an undo, a move or a copy
// runs, a progress bar in the toast shows how far it is (moving between when it cannot
// tell).

import * as api from './api.js';
import { t } from './l10n.js';
import { displayName } from './format.js';

const $ = (id) => document.getElementById(id);

/** How long the toast stays once nothing holds it, in ms. */
const SHOWN_FOR = 10000;

/** The message `id` about `n` entries: its `-one` form naming the one, when there is one. */
function about(id, n, one) {
  return n === 1 && one ? t(`${id}-one`, { name: displayName(one) }) : t(`${id}-many`, { count: n });
}

/** `onChanged()` after the listing changed; `onProblem(problem, retry)`. */
export function createDeleting({ onChanged, onProblem }) {
  const toast = $('toast');
  const text = $('toast-text');
  const undoButton = $('toast-undo');
  const bar = $('toast-progress');
  let undo = null;
  let timer = null;
  let held = false;
  let busy = false;

  /** `progress`: { done, total } so far, `'working'` when that is not known yet, or none. */
  function show(message, withUndo, progress) {
    text.textContent = message;
    undoButton.hidden = !withUndo;
    bar.hidden = !progress;
    if (progress === 'working') {
      bar.removeAttribute('value');
    } else if (progress) {
      bar.max = progress.total;
      bar.value = progress.done;
    }
    toast.hidden = false;
    clearTimeout(timer);
    if (!held) timer = setTimeout(hide, SHOWN_FOR);
  }

  function hide() {
    clearTimeout(timer);
    if (toast.contains(document.activeElement)) $('entries').focus();
    toast.hidden = true;
    undo = null;
  }

  function hold(on) {
    held = on;
    clearTimeout(timer);
    if (!on && !toast.hidden && !busy) timer = setTimeout(hide, SHOWN_FOR);
  }

  const along = (doing) => {
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = ({ done, total }) => {
      if (total > 1) show(t(`${doing}-progress`, { done, total }), false, { done, total });
    };
    return channel;
  };

  /** Say what stayed as it was: the first one's problem, naming how many. */
  function notDone(list, retry) {
    if (!list.length) return;
    const [first] = list;
    const said = { name: displayName(first.name), more: list.length - 1, problem: first.problem.message };
    onProblem({ ...first.problem, message: t(list.length > 1 ? 'not-done-more' : 'not-done', said) }, retry);
  }

  async function remove(entries) {
    if (busy || !entries.length) return;
    busy = true;
    const one = entries.length === 1 ? entries[0].name : null;
    show(about('deleting', entries.length, one), false, 'working');
    try {
      const done = await api.deleteEntries(entries.map((e) => e.path_lower), along('deleting'));
      onChanged();
      if (done.deleted) {
        undo = done.undo ?? null;
        show(about('deleted', done.deleted, one), undo !== null);
      } else {
        hide();
      }
      notDone(done.not_done);
    } catch (e) {
      hide();
      onProblem(api.asProblem(e), () => remove(entries));
    } finally {
      busy = false;
    }
  }

  async function undoLast() {
    if (busy || undo === null) return;
    busy = true;
    const id = undo;
    show(t('restoring'), false, 'working');
    try {
      const done = await api.undoDelete(id, along('restoring'));
      onChanged();
      show(t('restored-many', { count: done.restored }), false);
      undo = done.not_done.length ? id : null;
      notDone(done.not_done, () => { undo = id; undoLast(); });
    } catch (e) {
      hide();
      onProblem(api.asProblem(e), () => { undo = id; undoLast(); });
    } finally {
      busy = false;
      if (!held) timer = setTimeout(hide, SHOWN_FOR);
    }
  }

  undoButton.addEventListener('click', undoLast);
  toast.addEventListener('mouseenter', () => hold(true));
  toast.addEventListener('mouseleave', () => hold(false));
  toast.addEventListener('focusin', () => hold(true));
  toast.addEventListener('focusout', () => hold(false));
  document.addEventListener('keydown', (e) => {
    if (document.querySelector('dialog[open]')) return;
    if (document.activeElement?.matches('input, textarea, [contenteditable]')) return;
    if (e.ctrlKey && !e.shiftKey && e.key.toLowerCase() === 'z' && undo !== null && !toast.hidden) {
      undoLast();
      e.preventDefault();
    }
  });

  return {
    /** Delete these entries (of the folder in view) now. */
    remove,
    /** A short notice in the toast (`''` takes it away), with `progress` as `show` takes
     * it; Undo is no longer offered. */
    say(message, progress) {
      undo = null;
      if (message) show(message, false, progress); else hide();
    },
    /** Forget the toast (another account, say). */
    hide,
  };
}
