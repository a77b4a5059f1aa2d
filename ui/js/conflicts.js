// The question asked when names are taken where copies or uploads go: replace, keep
// both or skip, for all of them at once.

import * as fmt from './format.js';
import { t } from './l10n.js';

const $ = (id) => document.getElementById(id);

/** Ask about `names`, explained by `text`: 'replace', 'keep_both', 'skip', or null when
 * cancelled. */
export function askAboutConflicts(names, text) {
  const dialog = $('conflict-dialog');
  $('conflict-title').textContent = names.length === 1
    ? t('conflict-title-one', { name: fmt.displayName(names[0]) })
    : t('conflict-title-many', { count: names.length });
  $('conflict-text').textContent = text;
  $('conflict-names').replaceChildren(...names.map((n) => {
    const li = document.createElement('li');
    li.textContent = fmt.displayName(n);
    return li;
  }));
  return new Promise((resolve) => {
    const answers = { 'conflict-keep': 'keep_both', 'conflict-replace': 'replace', 'conflict-skip': 'skip', 'conflict-cancel': null };
    const done = (answer) => {
      for (const id of Object.keys(answers)) $(id).onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    for (const [id, answer] of Object.entries(answers)) $(id).onclick = () => done(answer);
    dialog.onclose = () => done(null);
    dialog.showModal();
    $('conflict-keep').focus();
  });
}
