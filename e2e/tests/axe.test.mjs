// axe-core on every page in lib.mjs PAGES: WCAG 2.0/2.1 A and AA plus WCAG 2.2 AA rules must
// report 0 violations. Each page's violations are also written to reports/axe/<page>.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { BASE_URL, PAGES, launchChromium, reportsDir, slug, statusMessage } from '../lib.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let browser;
let context;
before(async () => {
  browser = await launchChromium();
  context = await browser.newContext();
});
after(async () => {
  await browser?.close();
});

// One block per violation: rule id, impact, help (with link), and every offending selector.
function describe(violations) {
  return violations
    .map((v) => [
      `- ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`,
      ...v.nodes.map((n) => `    ${n.target.join(' ')}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`),
    ].join('\n'))
    .join('\n');
}

for (const { path, status } of PAGES) {
  test(`axe ${path}`, { timeout: 60_000 }, async () => {
    const page = await context.newPage();
    try {
      const response = await page.goto(`${BASE_URL}${path}`);
      assert.equal(response.status(), status, statusMessage(path, status, response.status()));
      const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      writeFileSync(join(reportsDir('axe'), `${slug(path)}.json`), JSON.stringify(results.violations, null, 2));
      assert.equal(results.violations.length, 0,
        `${path}: ${results.violations.length} axe violation(s):\n${describe(results.violations)}`);
    } finally {
      await page.close();
    }
  });
}
