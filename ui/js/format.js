// Human-friendly sizes, dates and file kinds, names safe to show, and the part of a name
// that is not its extension. Numbers and dates follow the window's language (useLocale).

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

let locale = 'en';
let relative;
let exact;
let dateOnly;
let decimals;

/** Format numbers and dates for the BCP 47 language `tag` ("de": 38,9 KB, 4. Dez. 2026). */
export function useLocale(tag) {
  locale = tag;
  relative = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  exact = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
  dateOnly = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric' });
  decimals = [0, 1].map((d) => new Intl.NumberFormat(tag, { minimumFractionDigits: d, maximumFractionDigits: d }));
}
useLocale(locale);

/** A count in the window's language: 1,234 or 1.234. */
export function count(n) {
  return decimals[0].format(n);
}

export function size(bytes) {
  if (bytes == null) return '';
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < UNITS.length - 1) { n /= 1000; u += 1; }
  const digits = u === 0 || n >= 100 ? 0 : 1;
  return `${decimals[digits].format(n)} ${UNITS[u]}`;
}

/** A moment (unix seconds) in the user's own time zone, for messages that say "as of". */
export function moment(secs) {
  return exact.format(secs * 1000);
}

/** [shown text, tooltip] for an ISO timestamp: relative when recent, exact in the tooltip. */
export function date(iso, now = Date.now()) {
  if (!iso) return ['', ''];
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return ['', ''];
  const seconds = Math.round((t - now) / 1000);
  const abs = Math.abs(seconds);
  let shown;
  if (abs < 60) shown = relative.format(seconds, 'second');
  else if (abs < 3600) shown = relative.format(Math.round(seconds / 60), 'minute');
  else if (abs < 86400) shown = relative.format(Math.round(seconds / 3600), 'hour');
  else if (abs < 7 * 86400) shown = relative.format(Math.round(seconds / 86400), 'day');
  else shown = dateOnly.format(t);
  return [shown, exact.format(t)];
}

const KINDS = {
  image: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'bmp', 'tif', 'tiff', 'svg'],
  document: ['pdf', 'doc', 'docx', 'odt', 'txt', 'md', 'rtf', 'xls', 'xlsx', 'ods', 'csv', 'ppt', 'pptx', 'odp'],
  archive: ['zip', 'gz', 'tgz', 'tar', 'bz2', 'xz', '7z', 'rar'],
  audio: ['mp3', 'flac', 'wav', 'ogg', 'm4a', 'aac', 'opus'],
  video: ['mp4', 'mov', 'mkv', 'webm', 'avi', 'm4v'],
  code: ['rs', 'js', 'ts', 'py', 'go', 'c', 'h', 'cpp', 'java', 'toml', 'json', 'yaml', 'yml', 'html', 'css', 'sh'],
};

export function kindOf(entry) {
  if (entry.kind === 'folder') return 'folder';
  const dot = entry.name.lastIndexOf('.');
  const ext = dot > 0 ? entry.name.slice(dot + 1).toLowerCase() : '';
  for (const [kind, exts] of Object.entries(KINDS)) if (exts.includes(ext)) return kind;
  return 'other';
}

// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): in a file
// name they only serve to disguise it, as "invoice\u202Efdp.exe" shows as "invoiceexe.pdf".
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** A name as the list and the breadcrumbs show it: without bidi controls. */
export function displayName(name) {
  return name.replace(BIDI_CONTROLS, '');
}

/** How much of `name` is its stem, selected first when renaming: a folder's whole name, a
 * file's up to the dot of its extension (a leading dot is part of the name: `.bashrc` is
 * all stem). */
export function stemLength(name, kind) {
  const dot = kind === 'folder' ? -1 : name.lastIndexOf('.');
  return dot > 0 ? dot : name.length;
}
