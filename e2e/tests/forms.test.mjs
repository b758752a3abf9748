// Each request form, as a patient on a phone fills it in — with JavaScript on and off: labels
// find every field, a mistake shows the error summary (axe-clean), and a correct form ends on
// the confirmation page with a reference like R-7KQ3-9M.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { BASE_URL, launchChromium } from '../lib.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// What a patient types, by label. Radios are checked by their label.
const FORMS = {
  callback: {
    text: { 'Full name': 'Ana Lima', 'Phone number': '310 555 0101' },
    radios: ['Morning', 'A refill', /^West Hollywood/],
  },
  refill: {
    text: { 'Full name': 'Ana Lima', 'Date of birth': '03/14/1980', 'Phone number': '310 555 0101', 'Prescription numbers': '6012345' },
    radios: [/^Denver Highlands/, 'I will pick it up'],
  },
  transfer: {
    text: {
      'Full name': 'Ana Lima',
      'Date of birth': '03/14/1980',
      'Phone number': '310 555 0101',
      'Pharmacy that has your prescriptions now': 'Corner Drugs, Pasadena',
      "That pharmacy's phone number": '626 555 0199',
      'Medicine 1': 'baclofen 10 mg',
      'Prescription number 1 (if known)': '6012345',
    },
    radios: ['No', /^West Hollywood/],
  },
  compounding: {
    text: { 'Full name': 'Ana Lima', 'Phone number': '310 555 0101' },
    radios: ['The patient', /^West Hollywood/],
  },
};

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

for (const javaScriptEnabled of [true, false]) {
  for (const [kind, answers] of Object.entries(FORMS)) {
    test(`${kind} form, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, { timeout: 60_000 }, async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, javaScriptEnabled });
      const page = await context.newPage();
      const start = kind === 'compounding' ? '/requests/compounding?ingredients=ketoprofen' : `/requests/${kind}`;
      await page.goto(`${BASE_URL}${start}`);
      if (kind === 'compounding') {
        assert.equal(await page.getByLabel('Medicine or ingredients').inputValue(), 'ketoprofen', 'pre-filled from the link');
      }

      // Sent empty: the summary lists the problems and links to the fields.
      await page.getByRole('button', { name: 'Send request' }).click();
      await page.waitForLoadState('load');
      const summary = page.locator('.error-summary');
      assert.ok(await summary.isVisible(), 'error summary shown');
      assert.ok((await summary.locator('a').count()) >= 2);
      assert.match(await page.title(), /^Error: /);
      if (javaScriptEnabled) {
        const axe = await new AxeBuilder({ page }).withTags(TAGS).analyze();
        assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), [], 'axe on the form with errors');
      }

      for (const [label, value] of Object.entries(answers.text)) {
        await page.getByLabel(label, { exact: true }).fill(value);
      }
      for (const label of answers.radios) {
        await page.getByLabel(label, { exact: typeof label === 'string' }).first().check();
      }
      await page.getByRole('button', { name: 'Send request' }).click();
      await page.waitForLoadState('load');
      const reference = (await page.locator('.reference').textContent()).trim();
      assert.match(reference, /^R-[3-9A-Y]{4}-[3-9A-Y]{2}$/);
      assert.ok(!page.url().includes('Ana'), 'nothing typed ends up in the URL');
      await context.close();
    });
  }
}
