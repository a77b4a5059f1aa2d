// The window's English catalogues, in use: for the unit tests of modules that say things.

import { readdirSync, readFileSync } from 'node:fs';

import * as l10n from '../../ui/js/l10n.js';

const en = new URL('../../ui/locales/en/', import.meta.url);
l10n.use([l10n.bundleOf('en', readdirSync(en).map((f) => readFileSync(new URL(f, en), 'utf8')))]);
