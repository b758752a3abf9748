// Lighthouse (mobile, the default form factor and simulated throttling) on four pages (English and Spanish); every
// category must score at least 95. Writes reports/lighthouse-<page>.json and the score table to
// reports/lighthouse-summary.txt, with the audits that cost points under each page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_URL, CHROMIUM_FLAGS, CHROMIUM_PATH, reportsDir, slug } from '../lib.mjs';

const PAGES = ['/', '/conditions/foot-and-leg-cramps', '/es', '/es/conditions/foot-and-leg-cramps'];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const MIN_SCORE = 95;
// The locally installed CLI (what `npx lighthouse` resolves to, without npx's install prompt).
const LIGHTHOUSE = fileURLToPath(new URL('../node_modules/.bin/lighthouse', import.meta.url));

// One line for an audit's detail item: what and where (a URL or a CSS selector).
function describeItem(item) {
  const where = item.sourceLocation?.url ?? item.url ?? item.node?.selector ?? '';
  const what = item.description ?? item.node?.nodeLabel ?? '';
  return [where, what].filter(Boolean).join(': ').slice(0, 200);
}

const rows = [];
const notes = [];

for (const path of PAGES) {
  test(`lighthouse ${path}`, { timeout: 300_000 }, () => {
    const output = join(reportsDir(), `lighthouse-${slug(path)}.json`);
    const lighthouse = () => spawnSync(LIGHTHOUSE, [
      `${BASE_URL}${path}`,
      '--output=json',
      `--output-path=${output}`,
      '--quiet',
      `--chrome-flags=${CHROMIUM_FLAGS.join(' ')}`,
      `--only-categories=${CATEGORIES.join(',')}`,
    ], { encoding: 'utf8', env: { ...process.env, CHROME_PATH: CHROMIUM_PATH }, timeout: 55_000 });
    // Lighthouse itself sometimes fails to record the page load's trace ("Runtime error
    // encountered … NO_NAVSTART"): that is the tool crashing, not a score, so run it again (up to
    // five times; CI has needed three, on the first page after Chromium starts). A run that
    // completes is judged on its scores, with no retry.
    let run = lighthouse();
    for (let attempt = 2; attempt <= 5 && run.status !== 0 && /Runtime error encountered/.test(run.stderr ?? ''); attempt++) {
      console.log(`lighthouse ${path}: the tool failed (${(run.stderr ?? '').split('\n')[0]}); attempt ${attempt}`);
      run = lighthouse();
    }
    assert.ifError(run.error);
    assert.equal(run.status, 0, `lighthouse exited ${run.status}:\n${run.stderr}`);

    const report = JSON.parse(readFileSync(output, 'utf8'));
    const scores = CATEGORIES.map((id) => {
      const score = report.categories[id]?.score;
      return typeof score === 'number' ? Math.round(score * 100) : null;
    });
    rows.push([path, ...scores]);

    // The audits that lost points, so a low score says why without opening the JSON.
    for (const id of CATEGORIES) {
      const category = report.categories[id];
      if (!category || category.score === 1) continue;
      for (const ref of category.auditRefs) {
        const audit = report.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          notes.push(`${path} ${id}: ${ref.id} (score ${audit.score}) ${audit.title}`);
          for (const item of (audit.details?.items ?? []).slice(0, 3)) notes.push(`    ${describeItem(item)}`);
        }
      }
    }
    const problem = report.runtimeError ? ` (runtime error: ${report.runtimeError.code} ${report.runtimeError.message})` : '';
    const low = CATEGORIES.filter((_, i) => scores[i] === null || scores[i] < MIN_SCORE);
    assert.deepEqual(low, [], `${path}: below ${MIN_SCORE}: ${low.join(', ')}${problem}; see ${output}`);
  });
}

after(() => {
  const table = [
    ['page', ...CATEGORIES],
    ...rows.map(([path, ...scores]) => [path, ...scores.map((s) => (s === null ? '-' : String(s)))]),
  ];
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  const lines = table.map((row) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  '));
  const text = [...lines, ...(notes.length ? ['', 'audits that lost points:', ...notes] : [])].join('\n') + '\n';
  writeFileSync(join(reportsDir(), 'lighthouse-summary.txt'), text);
  process.stdout.write(`\n${text}`);
});
