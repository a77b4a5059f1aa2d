// The DOM of one row of the list, and of the breadcrumbs. Names are always set as text,
// never as HTML.

import * as fmt from './format.js';
import { t } from './l10n.js';
import { ROW } from './viewport.js';

/** Whether the row `li` is selected, new, and the focused one. */
export function mark(li, selected, fresh = false, focused = false) {
  li.className = ['entry', fresh && 'fresh', focused && 'focused'].filter(Boolean).join(' ');
  li.setAttribute('aria-selected', String(selected));
}

export function row(entry, i, selected, fresh = false, focused = false) {
  const li = document.createElement('li');
  mark(li, selected, fresh, focused);
  li.id = `row-${i}`;
  li.setAttribute('role', 'option');
  li.style.top = `${i * ROW}px`;
  li.dataset.index = String(i);
  li.dataset.kind = entry.kind;
  const name = document.createElement('span');
  name.className = 'name';
  const icon = document.createElement('img');
  icon.className = 'kind';
  icon.alt = '';
  icon.width = 20;
  icon.height = 20;
  icon.src = `assets/kinds/${fmt.kindOf(entry)}.svg`;
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = fmt.displayName(entry.name);
  label.title = label.textContent;
  name.append(icon, label);
  const size = document.createElement('span');
  size.className = 'size';
  size.textContent = entry.kind === 'file' ? fmt.size(entry.size) : '';
  const date = document.createElement('span');
  date.className = 'date';
  const [shown, tip] = fmt.date(entry.modified);
  date.textContent = shown;
  date.title = tip;
  li.append(name, size, date);
  // What a screen reader says of the row: name, kind, size, when (never "image").
  const kind = t(`kind-${fmt.kindOf(entry)}`);
  li.setAttribute('aria-label', entry.kind === 'file'
    ? t('row-file', { name: label.textContent, kind, size: size.textContent, modified: shown || tip })
    : t('row-folder', { name: label.textContent }));
  return li;
}

/** The breadcrumbs of the folder `place` ({ path, lower }) into `crumbs`; `go(place)`
 * opens one. Each crumb's place is the same number of components of both paths. */
export function renderCrumbs(crumbs, { path, lower }, go) {
  crumbs.replaceChildren();
  const parts = path ? path.split('/').slice(1) : [];
  const lowers = lower ? lower.split('/').slice(1) : [];
  const add = (label, target, current) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    // A long name is cut to fit: the whole of it on hover.
    b.title = b.textContent;
    // Where rows dragged onto it go.
    b.dataset.path = target.path;
    b.dataset.lower = target.lower;
    if (current) b.setAttribute('aria-current', 'location');
    b.addEventListener('click', () => go(target));
    li.append(b);
    crumbs.append(li);
  };
  add(t('app-folder'), { path: '', lower: '' }, parts.length === 0);
  parts.forEach((p, i) => {
    const upTo = (list) => `/${list.slice(0, i + 1).join('/')}`;
    add(fmt.displayName(p), { path: upTo(parts), lower: upTo(lowers) }, i === parts.length - 1);
  });
}

/** The status bar's summary of a window's totals. */
export function summary(w) {
  return t('folder-summary', { folders: w.folders, files: w.files, size: fmt.size(w.bytes) });
}
