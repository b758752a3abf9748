// The search box's as-you-type suggestions (static/search.js): an ARIA combobox a patient can
// drive with the keyboard alone, with no axe violations while the list is open. Without
// JavaScript the same box submits to /search (covered by the journey check's no-JS run).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { BASE_URL, launchChromium } from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test('typing "migr" suggests Migraine; arrow down and Enter open it', { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/`);
  const box = page.locator('#search-home');
  assert.equal(await box.getAttribute('role'), 'combobox');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  await box.focus();
  await page.keyboard.type('migr');
  const first = page.locator('#search-home-suggestions [role="option"]').first();
  await first.waitFor({ state: 'visible', timeout: 5_000 });
  assert.match(await first.textContent(), /Migraine/);
  assert.equal(await box.getAttribute('aria-expanded'), 'true');

  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), [], 'axe with the list open');

  await page.keyboard.press('ArrowDown');
  assert.equal(await box.getAttribute('aria-activedescendant'), 'search-home-suggestions-0');
  assert.equal(await first.getAttribute('aria-selected'), 'true');
  await Promise.all([page.waitForURL(`${BASE_URL}/conditions/migraine`), page.keyboard.press('Enter')]);

  // Escape closes the list and leaves the text for the form.
  await page.goto(`${BASE_URL}/`);
  await box.focus();
  await page.keyboard.type('cramp');
  await page.locator('#search-home-suggestions [role="option"]').first().waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  await Promise.all([page.waitForURL(/\/search\?q=cramp$/), page.keyboard.press('Enter')]);
  assert.ok((await page.locator('ol.results li').count()) > 0, 'the results page lists results');
  await context.close();
});

test('on the Spanish home page, "migra" suggests Migraña in Spanish words', { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/es`);
  const box = page.locator('#search-home');
  await box.focus();
  await page.keyboard.type('migra');
  const first = page.locator('#search-home-suggestions [role="option"]').first();
  await first.waitFor({ state: 'visible', timeout: 5_000 });
  assert.match(await first.textContent(), /Migraña \(enfermedad\)/);
  assert.equal(await page.locator('#search-home-suggestions').getAttribute('aria-label'), 'Sugerencias');
  assert.match(await page.locator('form.search p[role="status"]').first().textContent(), /sugerencias?; use las flechas/);
  await Promise.all([page.waitForURL(`${BASE_URL}/es/conditions/migraine`), page.keyboard.press('ArrowDown').then(() => page.keyboard.press('Enter'))]);
  await context.close();
});
