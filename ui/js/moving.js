// Moving and copying: Move to… and Copy to… (a picker over the app folder itself, not the
// desktop's dialog), cut, copy and paste between folders (Ctrl+X, Ctrl+C, Ctrl+V), and
// rows dragged with the pointer onto a folder row or a breadcrumb (a move; Ctrl held, a
// copy; Escape ends the drag with nothing moved). Each goes as one batch; what could not
// go is said, and nothing is overwritten.

import * as api from './api.js';
import { t } from './l10n.js';
import * as fmt from './format.js';

const $ = (id) => document.getElementById(id);

/** The message `id` about `entries`: its `-one` form naming the one, or `-many`. */
function about(id, entries, args = {}) {
  return entries.length === 1
    ? t(`${id}-one`, { ...args, name: fmt.displayName(entries[0].name) })
    : t(`${id}-many`, { ...args, count: entries.length });
}

/** The folder at `path` as a sentence names it: where something goes (`place`), or where
 * it is (`in`), which some languages say differently. */
function place(path, as = 'place') {
  return path ? t(`${as}-folder`, { name: fmt.displayName(path.split('/').pop()) }) : t(`${as}-root`);
}

const parentOf = (path) => path.slice(0, path.lastIndexOf('/'));

/**
 * `list` the rows' element; `entriesAt(index)` the entries a drag from row `index` takes
 * (the selection when the row is in it, else that row, selected); `rowEntry(index)`;
 * `here()` the folder in view ({ path, lower }); `onChanged()` after the listing changed;
 * `say(text)` a short notice; `onProblem(problem, retry)`; `withWriteAccess(then)`;
 * `returnFocus()`.
 */
export function createMoving({ list, entriesAt, rowEntry, here, onChanged, say, onProblem, withWriteAccess, returnFocus }) {
  // ---- Doing it ---------------------------------------------------------------------------

  async function relocate(entries, into, copy) {
    const doing = copy ? 'copying' : 'moving';
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = ({ done, total }) => {
      if (total > 1) say(t(`${doing}-progress`, { done, total }), { done, total });
    };
    say(about(doing, entries), 'working');
    try {
      const r = await api.relocate(entries.map((e) => e.path_lower), into.path, into.lower, copy, channel);
      onChanged();
      const where = place(into.path);
      const done = copy ? 'copied' : 'moved';
      if (r.done === entries.length) say(about(done, entries, { where }));
      else if (r.done) say(t(`${done}-many`, { count: r.done, where }));
      else say('');
      if (r.not_done.length) {
        const [first] = r.not_done;
        const said = { name: fmt.displayName(first.name), more: r.not_done.length - 1, problem: first.problem.message };
        onProblem({ ...first.problem, message: t(r.not_done.length > 1 ? 'not-done-more' : 'not-done', said) });
      }
    } catch (e) {
      say('');
      onProblem(api.asProblem(e), () => relocate(entries, into, copy));
    }
  }

  const write = (entries, into, copy) => withWriteAccess(() => relocate(entries, into, copy));

  // ---- The picker -------------------------------------------------------------------------

  const picker = $('picker');
  const pickerList = $('picker-list');
  let picking = null; // { entries, copy, at: { path, lower }, folders, focused }

  function pickerRow(i) {
    return document.getElementById(`picker-row-${i}`);
  }

  function focusPickerRow(i) {
    const n = picking.folders.length;
    if (!n) return;
    picking.focused = Math.max(0, Math.min(n - 1, i));
    for (const li of pickerList.children) li.setAttribute('aria-selected', 'false');
    const li = pickerRow(picking.focused);
    li.setAttribute('aria-selected', 'true');
    li.scrollIntoView({ block: 'nearest' });
    pickerList.setAttribute('aria-activedescendant', li.id);
  }

  async function pickIn(at) {
    picking.at = at;
    const crumbs = $('picker-crumbs');
    crumbs.replaceChildren();
    const parts = at.path ? at.path.split('/').slice(1) : [];
    const lowers = at.lower ? at.lower.split('/').slice(1) : [];
    const crumb = (label, target) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.addEventListener('click', () => pickIn(target));
      li.append(b);
      crumbs.append(li);
    };
    crumb(t('app-folder'), { path: '', lower: '' });
    parts.forEach((p, i) => crumb(fmt.displayName(p), { path: `/${parts.slice(0, i + 1).join('/')}`, lower: `/${lowers.slice(0, i + 1).join('/')}` }));
    crumbs.lastElementChild.firstElementChild.setAttribute('aria-current', 'location');
    $('picker-status').textContent = t('picker-loading');
    pickerList.replaceChildren();
    try {
      const folders = await api.subfolders(at.path, at.lower);
      if (picking?.at !== at) return;
      // A folder being moved is no place to put it.
      const moving = new Set(picking.entries.map((e) => e.path_lower));
      picking.folders = folders.filter((f) => !moving.has(f.path_lower));
      pickerList.replaceChildren(...picking.folders.map((f, i) => {
        const li = document.createElement('li');
        li.id = `picker-row-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.textContent = fmt.displayName(f.name);
        li.addEventListener('click', () => focusPickerRow(i));
        li.addEventListener('dblclick', () => pickIn({ path: f.path, lower: f.path_lower }));
        return li;
      }));
      focusPickerRow(0);
      const already = !picking.copy && picking.entries.every((e) => parentOf(e.path_lower) === at.lower);
      $('picker-go').disabled = already;
      const where = place(at.path);
      const open = picking.folders.length ? ` ${t('picker-open-below')}` : '';
      $('picker-status').textContent = already
        ? about('picker-already', picking.entries, { where: place(at.path, 'in') })
        : about(picking.copy ? 'picker-copy' : 'picker-move', picking.entries, { where }) + open;
    } catch (e) {
      picker.close();
      onProblem(api.asProblem(e), () => ask(picking.entries, picking.copy));
    }
  }

  /** Move to… (or with `copy`, Copy to…) for `entries`. */
  function ask(entries, copy) {
    if (!entries.length) return;
    picking = { entries, copy, at: null, folders: [], focused: 0 };
    $('picker-title').textContent = t(copy ? 'picker-copy-title' : 'picker-title');
    $('picker-go').textContent = t(copy ? 'picker-copy-go' : 'picker-go');
    picker.showModal();
    pickerList.focus();
    pickIn(here());
  }

  pickerList.addEventListener('keydown', (e) => {
    if (!picking) return;
    const go = { ArrowDown: picking.focused + 1, ArrowUp: picking.focused - 1, Home: 0, End: picking.folders.length - 1 }[e.key];
    if (go !== undefined) { focusPickerRow(go); e.preventDefault(); }
    else if (e.key === 'Enter' && e.ctrlKey) { $('picker-go').click(); e.preventDefault(); }
    else if (e.key === 'Enter' && picking.folders.length) {
      const f = picking.folders[picking.focused];
      pickIn({ path: f.path, lower: f.path_lower });
      e.preventDefault();
    } else if (e.key === 'Backspace' && picking.at?.path) {
      pickIn({ path: parentOf(picking.at.path), lower: parentOf(picking.at.lower) });
      e.preventDefault();
    }
  });
  $('picker-go').addEventListener('click', () => {
    const { entries, copy, at } = picking;
    picker.close();
    write(entries, at, copy);
  });
  $('picker-cancel').addEventListener('click', () => picker.close());
  picker.addEventListener('close', () => { picking = null; returnFocus(); });

  // ---- Cut, copy and paste ----------------------------------------------------------------

  let clipboard = null; // { entries, copy }

  function hold(entries, copy) {
    if (!entries.length) return;
    clipboard = { entries, copy };
    say(about(copy ? 'clip-copied' : 'clip-cut', entries));
  }

  function paste() {
    if (!clipboard) return;
    const { entries, copy } = clipboard;
    // What was cut goes once; what was copied may be pasted again.
    if (!copy) clipboard = null;
    write(entries, here(), copy);
  }

  // ---- Dragging rows ----------------------------------------------------------------------

  const ghost = $('drag-ghost');
  let drag = null; // { x, y, index, entries?, target? }

  /** The folder under the point: a folder row not being dragged, or a breadcrumb. */
  function targetAt(x, y) {
    const under = document.elementFromPoint(x, y);
    const crumb = under?.closest('#crumbs button');
    if (crumb) return { path: crumb.dataset.path, lower: crumb.dataset.lower, element: crumb };
    const li = under?.closest('#entries .entry');
    if (li?.dataset.kind !== 'folder') return null;
    const entry = rowEntry(Number(li.dataset.index));
    if (!entry || drag.entries.some((e) => e.path_lower === entry.path_lower)) return null;
    return { path: entry.path, lower: entry.path_lower, element: li };
  }

  function mark(target) {
    for (const old of document.querySelectorAll('.drop-target')) old.classList.remove('drop-target');
    target?.element.classList.add('drop-target');
  }

  function endDrag() {
    mark(null);
    ghost.hidden = true;
    document.body.classList.remove('dragging-rows');
    drag = null;
  }

  list.addEventListener('pointerdown', (e) => {
    const li = e.button === 0 && e.target.closest('.entry');
    if (li) drag = { x: e.clientX, y: e.clientY, index: Number(li.dataset.index) };
  });
  document.addEventListener('pointermove', async (e) => {
    if (!drag) return;
    if (!drag.entries) {
      if (Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < 6 || drag.starting) return;
      drag.starting = true;
      drag.entries = await entriesAt(drag.index);
      if (!drag) return;
      document.body.classList.add('dragging-rows');
      ghost.hidden = false;
    }
    drag.target = targetAt(e.clientX, e.clientY);
    mark(drag.target);
    ghost.textContent = drag.target
      ? about(e.ctrlKey ? 'drag-copy' : 'drag-move', drag.entries, { target: drag.target.element.textContent })
      : about('drag', drag.entries);
    ghost.style.left = `${e.clientX + 14}px`;
    ghost.style.top = `${e.clientY + 10}px`;
  });
  document.addEventListener('pointerup', (e) => {
    if (!drag) return;
    const { entries, target } = drag;
    const dropped = entries && target && targetAt(e.clientX, e.clientY);
    endDrag();
    if (dropped) write(entries, { path: dropped.path, lower: dropped.lower }, e.ctrlKey);
  });
  document.addEventListener('keydown', (e) => {
    if (drag && e.key === 'Escape') { endDrag(); e.preventDefault(); }
  });

  return {
    /** Move to… */
    moveTo: (entries) => ask(entries, false),
    /** Copy to… */
    copyTo: (entries) => ask(entries, true),
    /** Ctrl+X, Ctrl+C. */
    cut: (entries) => hold(entries, false),
    copy: (entries) => hold(entries, true),
    /** Ctrl+V: what was cut or copied, into the folder in view. */
    paste,
  };
}
