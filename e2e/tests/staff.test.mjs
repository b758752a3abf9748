// The back office in a real browser, as a new admin on a phone-sized screen: a patient sends a
// refill request and asks for a text; the admin signs in, enrols two-factor (reading the key as
// an authenticator app would), sees the recovery codes, finds the request in the inbox, opens
// it, marks it ready (which queues the text) and adds a note; the patient checks the status
// page on a phone with JavaScript on and off; the admin reads the audit log, edits and publishes a condition page and
// restores an earlier revision. axe runs on every staff page on the way
// (0 violations) and the Nu HTML checker on the saved pages (0 errors).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { BASE_URL, ORIGIN, STAFF_EMAIL, STAFF_PASSWORD, launchChromium, reportsDir, totpCode } from '../lib.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const VNU_JAR = fileURLToPath(new URL('../node_modules/vnu-jar/build/dist/vnu.jar', import.meta.url));

let browser;
before(async () => {
  assert.ok(STAFF_EMAIL && STAFF_PASSWORD, 'e2e/run creates the staff account and sets E2E_STAFF_EMAIL');
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test('sign in with two-factor, triage a request, read the audit log', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const offSite = [];
  page.on('request', (r) => { if (!r.url().startsWith(ORIGIN) && !r.url().startsWith('data:')) offSite.push(r.url()); });
  const saved = [];
  const check = async (name) => {
    const axe = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    // Which elements, so a failure says where to look.
    const where = axe.violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(' ')}`));
    assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), [], `axe on ${name}: ${where.join('; ')}`);
    const file = join(reportsDir('html'), `staff_${name}.html`);
    writeFileSync(file, await page.content());
    saved.push(file);
    const cache = await page.evaluate(async () => (await fetch(location.href, { method: 'HEAD' })).headers.get('cache-control'));
    assert.equal(cache, 'no-store', `${name} is not cached`);
  };

  // A patient asks for a refill, and for a text when it is ready.
  await page.goto(`${BASE_URL}/requests/refill`);
  await page.getByLabel('Full name', { exact: true }).fill('Rosalind Okafor');
  await page.getByLabel('Date of birth', { exact: true }).fill('07/21/1958');
  await page.getByLabel('Phone number', { exact: true }).fill('720 555 0188');
  await page.getByLabel('Prescription numbers', { exact: true }).fill('6012345');
  await page.getByLabel('I will pick it up').check();
  await page.getByLabel(/^Denver Highlands/).check();
  await page.getByLabel(/^Text me when it.s ready/).check();
  await page.getByRole('button', { name: 'Send request' }).click();
  const reference = (await page.locator('.reference').textContent()).trim();
  assert.match(await page.locator('main').textContent(), /We will text you when there is news/);

  // Staff pages need signing in.
  await page.goto(`${BASE_URL}/staff/requests`);
  assert.match(page.url(), /\/staff\/sign-in$/);
  await check('sign-in');
  await page.getByLabel('E-mail address').fill(STAFF_EMAIL);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.ok(await page.locator('.error-summary').isVisible(), 'a wrong password is refused');
  await page.getByLabel('E-mail address').fill(STAFF_EMAIL);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // An admin must set up two-factor first: scan (here: read) the key, confirm with a code.
  assert.match(page.url(), /\/staff\/two-factor$/);
  assert.ok(await page.locator('figure.qr svg').isVisible(), 'the QR code is drawn in the page');
  await check('two-factor');
  const key = (await page.locator('code.secret').textContent()).trim();
  await page.getByLabel('The 6-digit code the app shows').fill(await totpCode(key));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  assert.equal(await page.locator('.recovery-codes li').count(), 10);
  await check('recovery-codes');
  await page.getByRole('link', { name: 'Continue to the back office' }).click();
  await check('dashboard');

  // The inbox lists it without patient details; opening it shows them.
  await page.getByRole('link', { name: 'Requests' }).click();
  const row = page.locator('tr', { hasText: reference });
  assert.ok(await row.isVisible(), 'the new request is listed');
  assert.ok(!(await page.content()).includes('Rosalind'), 'no patient name in the list');
  await check('requests');
  await row.getByRole('link', { name: reference }).click();
  assert.ok((await page.content()).includes('Rosalind Okafor'));
  assert.match(await page.locator('main').textContent(), /The patient asked for: Text/);
  await page.getByLabel('Ready', { exact: true }).check();
  assert.ok(await page.getByLabel(/^Notify the patient/).isChecked(), 'notifying is the default');
  await page.getByRole('button', { name: 'Save status' }).click();
  await page.getByLabel('Add a note').fill('Left a voicemail');
  await page.getByRole('button', { name: 'Add note' }).click();
  const history = await page.locator('ol.history').textContent();
  assert.match(history, /Status: Ready/);
  assert.match(history, /Note: Left a voicemail/);
  // The text is queued (or held for the night, or already sent): it is listed either way.
  assert.match(await page.locator('ul.history').textContent(), /Text · Ready · (Queued|Held until|Delivered|Retrying)/);
  await check('request');

  // The patient checks the status page on a phone, with JavaScript on and off.
  for (const javaScriptEnabled of [true, false]) {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, javaScriptEnabled });
    const patient = await phone.newPage();
    await patient.goto(`${BASE_URL}/requests/status?reference=${reference}`);
    assert.equal(await patient.getByLabel('Reference').inputValue(), reference, 'the link fills in the reference');
    await patient.getByLabel(/^Your date of birth/).fill('07/21/1958');
    await patient.getByRole('button', { name: 'Check status' }).click();
    await patient.waitForLoadState('load');
    const answer = await patient.locator('.confirmation').textContent();
    assert.match(answer, /Ready for pickup at Denver Highlands/);
    assert.ok(!(await patient.content()).includes('Rosalind'), 'nothing the patient sent is shown');
    if (javaScriptEnabled) {
      const axe = await new AxeBuilder({ page: patient }).withTags(TAGS).analyze();
      assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.help}`), [], 'axe on the status answer');
      const file = join(reportsDir('html'), 'status_answer.html');
      writeFileSync(file, await patient.content());
      saved.push(file);
      // A wrong date: the same "could not find" answer as an unknown reference.
      await patient.getByLabel('Reference').fill(reference);
      await patient.getByLabel(/^Your date of birth/).fill('01/01/1960');
      await patient.getByRole('button', { name: 'Check status' }).click();
      assert.match(await patient.locator('.error-summary').textContent(), /We could not find that request/);
      const axeWrong = await new AxeBuilder({ page: patient }).withTags(TAGS).analyze();
      assert.deepEqual(axeWrong.violations.map((v) => `${v.id}: ${v.help}`), [], 'axe on the no-match answer');
      const wrongFile = join(reportsDir('html'), 'status_no_match.html');
      writeFileSync(wrongFile, await patient.content());
      saved.push(wrongFile);
    }
    await phone.close();
  }

  await page.getByRole('link', { name: 'Audit log' }).click();
  const log = await page.locator('table.audit').textContent();
  assert.match(log, /request\.viewed/);
  assert.match(log, /two-factor\.enrolled/);
  assert.ok(!log.includes('Rosalind'), 'no patient data in the audit log');
  await check('audit');
  await page.getByRole('link', { name: 'Accounts', exact: true }).click();
  await check('users');

  // Edit and publish a page, then restore the earlier version from its revisions.
  await page.getByRole('link', { name: 'Content', exact: true }).click();
  await check('content');
  await page.getByRole('link', { name: 'Pharmacy, contact and hours' }).click();
  await check('site-form');
  await page.getByRole('link', { name: '← All content' }).click();
  await page.getByRole('link', { name: 'baclofen', exact: true }).click();
  await check('medication-form');
  await page.getByRole('link', { name: '← All content' }).click();
  await page.locator('a[href="/staff/content/testimonials/clair-c/form"]').click();
  await check('testimonial-form');
  await page.getByRole('link', { name: '← All content' }).click();
  await page.getByRole('link', { name: 'Foot & Leg Cramps', exact: true }).click();
  // The form: one field per part of the page.
  const summary = page.getByLabel('Summary', { exact: true });
  const original = await summary.inputValue();
  await summary.fill(original.replace('A sudden, painful tightening', 'A sudden, sharp and painful tightening'));
  await page.getByRole('button', { name: 'Check and preview' }).click();
  assert.ok(await page.locator('.preview').isVisible(), 'the preview shows');
  await check('condition-form');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  const published = await context.newPage();
  await published.goto(`${BASE_URL}/conditions/foot-and-leg-cramps`);
  assert.match(await published.locator('main').textContent(), /sharp and painful/);
  // The file editor, with the revisions: undo, then restore the edit.
  await page.getByRole('link', { name: 'Edit the file instead' }).click();
  const editor = page.getByLabel('conditions/foot-and-leg-cramps.md');
  await editor.fill((await editor.inputValue()).replace('A sudden, sharp and painful tightening', 'A sudden, painful tightening'));
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await check('edit');
  await page.locator('.history a').nth(1).click();
  assert.match(await page.locator('.diff').textContent(), /sharp and painful/);
  await check('revision');
  await page.getByRole('button', { name: 'Restore this revision as the draft' }).click();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await published.reload();
  assert.match(await published.locator('main').textContent(), /sharp and painful/, 'the restored version is live');
  await published.close();

  await page.getByRole('link', { name: 'Shared experiences' }).click();
  await check('testimonials');

  await page.getByRole('button', { name: 'Sign out' }).click();
  assert.match(page.url(), /\/staff\/sign-in\?done=signed-out$/);
  await page.goto(`${BASE_URL}/staff`);
  assert.match(page.url(), /\/staff\/sign-in$/, 'signed out for real');
  assert.deepEqual(offSite, [], 'no request leaves the site');
  await context.close();

  const run = spawnSync('java', ['-jar', VNU_JAR, '--errors-only', ...saved], { encoding: 'utf8' });
  assert.ifError(run.error);
  assert.equal(run.status, 0, `vnu on the staff pages:\n${run.stdout}${run.stderr}`);
});
