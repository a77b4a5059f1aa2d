// The window's catalogues (ui/locales/<language>/*.ftl): every language has every message
// English has, with the same attributes and placeables, and nothing more; every message
// the page and the scripts name exists; and formatting follows the language (plurals,
// numbers, dates). A third language is then only a folder of files.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { FluentResource } from '../../ui/vendor/fluent-bundle/index.js';
import * as l10n from '../../ui/js/l10n.js';
import * as fmt from '../../ui/js/format.js';

const locales = new URL('../../ui/locales/', import.meta.url);
const languages = readdirSync(locales);
const read = (language, file) => readFileSync(new URL(`${language}/${file}`, locales), 'utf8');
const files = readdirSync(new URL('en/', locales));

/** The variables a pattern uses (through selects and nested placeables). */
function variables(pattern, out = new Set()) {
  if (pattern == null || typeof pattern === 'string') return out;
  for (const part of Array.isArray(pattern) ? pattern : [pattern]) {
    if (typeof part === 'string') continue;
    if (part.type === 'var') out.add(part.name);
    if (part.type === 'select') {
      variables(part.selector, out);
      for (const v of part.variants) variables(v.value, out);
    }
  }
  return out;
}

/** id → { value: [variables], attributes: { name: [variables] } } of a catalogue file,
 * failing on any entry the parser skipped. */
function shape(language, file) {
  const text = read(language, file);
  const resource = new FluentResource(text);
  const declared = text.match(/^-?[a-zA-Z][\w-]* *=/gm) ?? [];
  assert.equal(resource.body.length, declared.length, `${language}/${file}: an entry does not parse`);
  return Object.fromEntries(resource.body.map((m) => [m.id, {
    value: m.value == null ? null : [...variables(m.value)].sort(),
    attributes: Object.fromEntries(Object.entries(m.attributes).map(([k, p]) => [k, [...variables(p)].sort()])),
  }]));
}

test('English and German are both there', () => {
  assert.ok(languages.includes('en') && languages.includes('de'), languages.join(', '));
});

for (const language of languages.filter((l) => l !== 'en')) {
  for (const file of files) {
    test(`${language}/${file} has every message of en/${file}, with the same attributes and placeables`, () => {
      assert.deepEqual(shape(language, file), shape('en', file));
    });
  }
}

test('every data-l10n-id of the page and every t() of the scripts is in the English catalogues', () => {
  const known = new Set(files.flatMap((f) => Object.keys(shape('en', f))));
  const page = readFileSync(new URL('../../ui/index.html', import.meta.url), 'utf8');
  const named = [...page.matchAll(/data-l10n-id="([^"]+)"/g)].map((m) => m[1]);
  const js = new URL('../../ui/js/', import.meta.url);
  for (const f of readdirSync(js).filter((n) => n.endsWith('.js'))) {
    const source = readFileSync(new URL(f, js), 'utf8');
    named.push(...[...source.matchAll(/\b(?:t|say)\('([a-z][\w-]*)'/g)].map((m) => m[1]));
  }
  assert.ok(named.length > 100, `${named.length} messages named`);
  assert.deepEqual(named.filter((id) => !known.has(id)), []);
});

test('German counts, plurals, sizes, dates and a transfer; a missing message falls back to English', async () => {
  const bundle = (language) => l10n.bundleOf(language, files.map((f) => read(language, f)));
  l10n.use([bundle('de'), l10n.bundleOf('en', ['only-english = Only in English'])]);
  assert.equal(
    l10n.t('folder-summary', { folders: 1, files: 2, size: fmt.size(1_234_500) }),
    '1 Ordner · 2 Dateien · 1,2 MB',
  );
  assert.equal(l10n.t('folder-summary', { folders: 1234, files: 1, size: '' }), '1.234 Ordner · 1 Datei · ');
  assert.equal(l10n.t('only-english'), 'Only in English');
  assert.equal(fmt.date('2026-12-04T10:00:00Z', Date.parse('2026-12-20T00:00:00Z'))[0], '4. Dez. 2026');
  assert.equal(
    l10n.t('search-none', { query: 'שלום' }),
    'Keine Namen passen zu „\u2068שלום\u2069“.',
    'a query keeps its own direction',
  );
  const { transferLine } = await import('../../ui/js/transfer-line.js');
  assert.equal(
    transferLine({ state: 'running', done: 1_500_000, total: 4_000_000, bytes_per_sec: 500_000, seconds_left: 125 }),
    '1,5 MB von 4,0 MB · 500 KB/s · noch 2 min',
  );
  l10n.use([bundle('en')]);
  assert.equal(l10n.t('folder-summary', { folders: 1, files: 1234, size: '5 B' }), '1 folder · 1,234 files · 5 B');
});
