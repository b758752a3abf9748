// The Nu HTML checker (vnu.jar, the W3C validator) on every page in lib.mjs PAGES: 0 errors.
// The HTML is fetched as served and saved to reports/html/<page>.html, then checked in one
// java run (the JVM start costs more than the checking).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_URL, PAGES, reportsDir, slug, statusMessage } from '../lib.mjs';

const VNU_JAR = fileURLToPath(new URL('../node_modules/vnu-jar/build/dist/vnu.jar', import.meta.url));
const files = [];

for (const { path, status } of PAGES) {
  test(`fetch ${path}`, async () => {
    const response = await fetch(`${BASE_URL}${path}`);
    const html = await response.text();
    // A page with the wrong status is not checked: for a missing route it would be the generic
    // 404 page, and passing that would say nothing about the page we meant.
    assert.equal(response.status, status, statusMessage(path, status, response.status));
    const file = join(reportsDir('html'), `${slug(path)}.html`);
    writeFileSync(file, html);
    files.push(file);
  });
}

test('Nu HTML checker: 0 errors', { timeout: 120_000 }, () => {
  assert.ok(files.length > 0, 'no page was fetched');
  const run = spawnSync('java', ['-jar', VNU_JAR, '--errors-only', ...files], { encoding: 'utf8' });
  assert.ifError(run.error);
  // vnu prints its messages on stderr and exits 1 when there are errors.
  const messages = `${run.stdout}${run.stderr}`.trim();
  assert.equal(run.status, 0, `vnu found errors (exit ${run.status}):\n${messages}`);
});
