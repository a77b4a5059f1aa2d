// The window's words in the person's language, with Project Fluent (@fluent/bundle,
// vendored in ui/vendor/). Rust picks the language, the desktop's where Dropdesk speaks
// it (src-tauri/src/languages.rs), and hands over its catalogues, ui/locales/<language>/
// *.ftl, built into the app; a message missing in it comes in English. index.html's
// elements name their message with data-l10n-id, scripts ask with t(id, args). Numbers
// and plurals follow the language's rules; a name or query put in a sentence is
// isolated, so its own direction never reorders the sentence.

import { FluentBundle, FluentResource } from '../vendor/fluent-bundle/index.js';
import { useLocale } from './format.js';

const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'he', 'ur']);

let bundles = [];

/** The right-to-left pseudo-language: English turned around (a right-to-left override
 * around each text), laid out right to left. */
const PSEUDO_RTL = 'ar-XB';

/** A bundle of `language` from its catalogue texts. */
export function bundleOf(language, texts) {
  // Isolation is added by t() to text placeables (names) only, so numbers stay plain.
  const transform = language === PSEUDO_RTL ? (text) => `\u202E${text}\u202C` : undefined;
  const bundle = new FluentBundle(language, { useIsolating: false, transform });
  for (const text of texts) bundle.addResource(new FluentResource(text));
  return bundle;
}

/** Speak `language` (Rust chose it: the desktop's, where there are catalogues) with its
 * catalogue `texts`, and English's (`fallback`) for what they lack; translate the page,
 * and set its `lang` and `dir`. */
export function start({ language, texts, fallback }) {
  use([bundleOf(language, texts), ...(fallback.length ? [bundleOf('en', fallback)] : [])]);
  document.documentElement.lang = language;
  document.documentElement.dir = RIGHT_TO_LEFT.has(language.split('-')[0]) ? 'rtl' : 'ltr';
  translate(document);
}

/** Speak with `list` (the language's bundle first, then English): also for tests. */
export function use(list) {
  bundles = list;
  useLocale(list[0]?.locales[0] ?? 'en');
}

function message(id) {
  for (const bundle of bundles) {
    const found = bundle.getMessage(id);
    if (found) return [bundle, found];
  }
  return null;
}

/** Arguments that are someone's text (a file name, a query): isolated (U+2068…U+2069),
 * so their own direction never reorders the sentence around them. */
const ISOLATED = new Set(['name', 'query', 'target']);

/** The message `id` with `args`; its id when no catalogue has it (a test catches that). */
export function t(id, args) {
  const found = message(id);
  if (!found?.[1].value) return id;
  const isolated = args && Object.fromEntries(Object.entries(args).map(([k, v]) =>
    [k, ISOLATED.has(k) ? `\u2068${v}\u2069` : v]));
  return found[0].formatPattern(found[1].value, isolated, []);
}

/** Put each element's message under `root` in place: its text (when it holds no other
 * element) and its attributes. */
export function translate(root) {
  for (const el of root.querySelectorAll('[data-l10n-id]')) {
    const found = message(el.dataset.l10nId);
    if (!found) continue;
    const [bundle, msg] = found;
    if (msg.value && el.children.length === 0) el.textContent = bundle.formatPattern(msg.value, undefined, []);
    for (const [name, pattern] of Object.entries(msg.attributes)) {
      el.setAttribute(name, bundle.formatPattern(pattern, undefined, []));
    }
  }
}
