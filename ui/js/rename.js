// Renaming in place (F2): a box over the row's name with the name in it, a file's name
// selected up to its extension. Enter renames at Dropbox; Escape, or leaving the box,
// keeps the name as it was. A name refused or taken says why under the box, which stays
// open to mend it. The box lies over the list, not in a row, so rows drawn again
// meanwhile (a live change, a scroll) do not take it away; it follows its row.

import * as api from './api.js';
import { t } from './l10n.js';
import { stemLength } from './format.js';

const $ = (id) => document.getElementById(id);

/** `onRenamed(path, lower)` once Dropbox has the new name; `rowOf(index)` the row's
 * element if drawn; `returnFocus()` gives the keyboard back to the list. */
export function createRename({ onRenamed, onProblem, rowOf, returnFocus }) {
  const box = $('rename-box');
  const input = $('rename-name');
  const why = $('rename-error');
  let renaming = null;
  let busy = false;

  function place() {
    const label = renaming && rowOf(renaming.index)?.querySelector('.label');
    if (!label) { box.style.visibility = 'hidden'; return; }
    const at = label.getBoundingClientRect();
    const within = box.offsetParent.getBoundingClientRect();
    box.style.visibility = '';
    box.style.top = `${at.top - within.top - 6}px`;
    box.style.left = `${at.left - within.left - 6}px`;
  }

  function close({ focusList = true } = {}) {
    if (!renaming) return;
    renaming = null;
    box.hidden = true;
    why.hidden = true;
    input.removeAttribute('aria-invalid');
    if (focusList) returnFocus();
  }

  function refuse(message) {
    why.textContent = message;
    why.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  async function commit() {
    if (!renaming || busy) return;
    const { entry } = renaming;
    if (input.value === entry.name) { close(); return; }
    busy = true;
    try {
      const made = await api.rename(entry.path_lower, input.value);
      close();
      onRenamed(made.path, made.path_lower);
    } catch (e) {
      const problem = api.asProblem(e);
      if (['name_refused', 'name_taken'].includes(problem.code)) refuse(problem.message);
      else { close(); onProblem(problem); }
    } finally {
      busy = false;
    }
  }

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { commit(); e.preventDefault(); }
    else if (e.key === 'Escape') { close(); e.preventDefault(); }
    e.stopPropagation();
  });
  input.addEventListener('input', () => { why.hidden = true; input.removeAttribute('aria-invalid'); });
  input.addEventListener('blur', () => { if (!busy) close({ focusList: false }); });
  box.addEventListener('submit', (e) => { e.preventDefault(); commit(); });

  return {
    /** Rename `entry`, the row at `index`. */
    start(entry, index) {
      renaming = { entry, index };
      input.value = entry.name;
      why.hidden = true;
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-label', t('rename-label', { name: entry.name }));
      box.hidden = false;
      place();
      input.focus();
      input.setSelectionRange(0, stemLength(entry.name, entry.kind));
    },
    /** The rows were drawn again or scrolled: keep the box over its row. */
    follow: place,
    /** The folder in view changed: what was being renamed is elsewhere now. */
    cancel: () => close({ focusList: false }),
  };
}
