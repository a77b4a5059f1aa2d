// The preview panel beside the list: a picture's thumbnail, the start of a text file, and
// the metadata of the selected file as Dropbox has it now. Asked for only once the
// selection has settled for a moment, so moving through the list costs no downloads. A
// problem that only a new sign-in mends (the grant was revoked) goes to `onProblem`, which
// takes the window to the reconnect state, as every other path does.

import { t } from './l10n.js';
import * as api from './api.js';
import * as fmt from './format.js';

const $ = (id) => document.getElementById(id);
const SETTLE_MS = 250;

export function createPreview({ onProblem }) {
  let timer = null;
  let wanted = null;
  let on = true;

  function empty(text) {
    $('preview-empty').textContent = text;
    $('preview-empty').hidden = false;
    $('preview-body').hidden = true;
  }

  function show(p) {
    const name = fmt.displayName(p.name);
    $('preview-empty').hidden = true;
    $('preview-body').hidden = false;
    const img = $('preview-image');
    img.hidden = p.kind !== 'picture';
    if (p.kind === 'picture') {
      img.src = p.image;
      img.alt = t('preview-thumbnail', { name });
    } else {
      img.removeAttribute('src');
    }
    const text = $('preview-text');
    text.hidden = p.kind !== 'text';
    text.textContent = p.kind === 'text' ? p.text : '';
    const note = $('preview-note');
    note.hidden = p.kind === 'picture' || (p.kind === 'text' && p.whole);
    note.textContent = t(p.kind === 'text' ? 'preview-start-only' : 'no-preview');
    $('preview-name').textContent = name;
    $('preview-size').textContent = fmt.size(p.size);
    const [, exact] = fmt.date(p.modified);
    $('preview-modified').textContent = exact;
    $('preview-rev').textContent = p.rev;
    $('preview-hash').textContent = p.content_hash ?? '';
    $('preview').dataset.shown = p.name;
  }

  async function load(entry) {
    try {
      const p = await api.preview(entry.path_lower);
      if (wanted === entry.path_lower) show(p);
    } catch (e) {
      const problem = api.asProblem(e);
      if (problem.action === 'reconnect') onProblem(problem);
      else if (wanted === entry.path_lower) empty(problem.title);
    }
  }

  $('act-preview').addEventListener('click', () => {
    on = !on;
    $('act-preview').setAttribute('aria-pressed', String(on));
    $('preview').hidden = !on;
  });

  return {
    /** The selection is now `entries` (one entry previews; none or several do not). */
    select(entries) {
      clearTimeout(timer);
      const entry = entries.length === 1 ? entries[0] : null;
      wanted = entry?.kind === 'file' ? entry.path_lower : null;
      delete $('preview').dataset.shown;
      if (!entry) { empty(entries.length ? t('preview-many', { count: entries.length }) : t('preview-empty')); return; }
      if (entry.kind === 'folder') { empty(t('preview-folder')); return; }
      if (!on) return;
      timer = setTimeout(() => load(entry), SETTLE_MS);
    },
  };
}
