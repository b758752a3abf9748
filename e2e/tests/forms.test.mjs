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

// The same on the Spanish site, JavaScript off: from the Spanish home page, through the A–Z to the
// cramps page, a patient asks for a refill, reads the problems in Spanish, sends it, gets a reference, and checks its status in
// Spanish with that reference and their date of birth.
test('Spanish refill from the home page, JavaScript off, ends with a reference', { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, javaScriptEnabled: false });
  const page = await context.newPage();
  // From the Spanish home page, through the A–Z, as a patient finds the page.
  await page.goto(`${BASE_URL}/es`);
  await page.getByRole('link', { name: 'Enfermedades de la A a la Z' }).first().click();
  await page.waitForLoadState('load');
  await page.getByRole('link', { name: 'Calambres en los pies y las piernas' }).first().click();
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, '/es/conditions/foot-and-leg-cramps');
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  await page.getByRole('link', { name: 'Pedir un resurtido' }).first().click();
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, '/es/requests/refill');
  assert.equal(await page.getAttribute('html', 'lang'), 'es');

  await page.getByRole('button', { name: 'Enviar solicitud' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.title(), /^Error: Pedir un resurtido/);
  const summary = page.locator('.error-summary');
  assert.match(await summary.textContent(), /Hay un problema/);
  assert.match(await summary.textContent(), /Escriba su nombre completo/);

  await page.getByLabel('Nombre completo', { exact: true }).fill('Ana Lima');
  await page.getByLabel('Fecha de nacimiento', { exact: true }).fill('03/14/1980');
  await page.getByLabel('Número de teléfono', { exact: true }).fill('310 555 0101');
  await page.getByLabel('Números de receta', { exact: true }).fill('6012345');
  await page.getByLabel(/^Denver Highlands/).first().check();
  await page.getByLabel('La recojo yo', { exact: true }).check();
  await page.getByRole('button', { name: 'Enviar solicitud' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('h1').textContent(), /Recibimos su solicitud de resurtido/);
  const reference = (await page.locator('.reference').textContent()).trim();
  assert.match(reference, /^R-[3-9A-Y]{4}-[3-9A-Y]{2}$/);

  await page.getByRole('link', { name: 'la página de estado de solicitudes' }).click();
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, '/es/requests/status');
  assert.equal(await page.getByLabel('Número de referencia').inputValue(), reference, 'the reference is filled in');
  await page.getByLabel(/^Su fecha de nacimiento/).fill('03141980');
  await page.getByRole('button', { name: 'Consultar el estado' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('.confirmation h2').textContent(), /^Recibida en Denver Highlands/);
  await context.close();
});
