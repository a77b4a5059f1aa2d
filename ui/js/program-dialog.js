// The question asked before a file that may be a program is opened (Rust answers
// `is_program` first): "Open anyway" or not, as browsers ask before running a download.

import * as fmt from './format.js';
import { t } from './l10n.js';

const $ = (id) => document.getElementById(id);

/** Ask whether to open `name`, a program; resolves true for "Open anyway". */
export function askToOpenProgram(name) {
  const dialog = $('program-dialog');
  $('program-title').textContent = t('program-title', { name: fmt.displayName(name) });
  const back = document.activeElement;
  return new Promise((resolve) => {
    const done = (answer) => {
      $('program-open').onclick = null;
      $('program-cancel').onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      back?.focus?.();
      resolve(answer);
    };
    $('program-open').onclick = () => done(true);
    $('program-cancel').onclick = () => done(false);
    dialog.onclose = () => done(false);
    dialog.showModal();
    // The safe answer has the focus: Enter does not run anything.
    $('program-cancel').focus();
  });
}

/** Run `open(program)`; when Rust answers that the file is a program, ask, and open it
 * only if the person says so. Other failures go on to the caller. */
export async function openAsking(name, open) {
  try {
    await open(false);
  } catch (e) {
    if (e?.code !== 'is_program') throw e;
    if (await askToOpenProgram(name)) await open(true);
  }
}
