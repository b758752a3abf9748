// A condition page prints as a one- or two-page handout (US Letter, the print stylesheet):
// every sample condition, so a long page cannot slip past.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launchChromium } from '../lib.mjs';

const MAX_PAGES = 2;

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

// The condition pages, from the sitemap, so new content is covered without editing this file.
async function conditionPaths() {
  const xml = await (await fetch(`${BASE_URL}/sitemap.xml`)).text();
  return [...xml.matchAll(/<loc>[^<]*?(\/conditions\/[a-z0-9-]+)<\/loc>/g)].map((m) => m[1]);
}

test('every condition page prints on at most two pages', { timeout: 120_000 }, async () => {
  const paths = await conditionPaths();
  assert.ok(paths.length > 0, 'the sitemap lists no condition pages');
  const page = await browser.newPage();
  const counts = [];
  for (const path of paths) {
    await page.goto(`${BASE_URL}${path}`);
    const pdf = await page.pdf({ format: 'Letter', printBackground: false });
    // Each page object in the PDF is written as "/Type /Page" (the tree root is "/Pages").
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    counts.push(`${path}: ${pages}`);
    assert.ok(pages >= 1 && pages <= MAX_PAGES, `${path} prints on ${pages} pages (at most ${MAX_PAGES})`);
  }
  console.log(counts.join('\n'));
  await page.close();
});
