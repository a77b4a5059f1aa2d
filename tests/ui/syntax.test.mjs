// Every module of the UI parses as JavaScript: a slip that would leave the window blank
// fails here in a second, not in the end-to-end tests.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const dir = new URL('../../ui/js/', import.meta.url);

for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
  test(`ui/js/${name} parses`, () => {
    const checked = spawnSync(process.execPath, ['--input-type=module', '--check'], {
      input: readFileSync(new URL(name, dir)),
    });
    assert.equal(checked.status, 0, checked.stderr.toString());
  });
}
