// A patient on a phone: home -> conditions list -> "Foot & Leg Cramps", with JavaScript on and
// off (the site must work as plain HTML). Checks the urgency cards and the tap-to-call link, that
// no page scrolls sideways, and that nothing is loaded from any other origin.
//
// What counts as an urgency "card": an element whose class names the level (e.g.
// class="urgency-emergency", "urgent") or that has data-urgency="emergency" / "urgent".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE_URL, ORIGIN, launchChromium, reportsDir, statusMessage } from '../lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const CONDITION_PATH = '/conditions/foot-and-leg-cramps';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const trimSlash = (p) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

async function assertNoHorizontalScroll(page, label) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${label}: scrolls sideways (scrollWidth ${scrollWidth} > innerWidth ${innerWidth})`);
}

for (const javaScriptEnabled of [true, false]) {
  const label = `JavaScript ${javaScriptEnabled ? 'on' : 'off'}`;
  test(`patient journey on a 390x844 phone, ${label}`, { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ ...PHONE, javaScriptEnabled });
    const page = await context.newPage();

    // Every request the page makes; anything off-origin is a failure, and is aborted so the
    // run stays offline.
    const offOrigin = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:') return; // not network requests
      if (url.origin !== ORIGIN) offOrigin.push(request.url());
    });
    await context.route('**/*', (route) =>
      new URL(route.request().url()).origin === ORIGIN ? route.continue() : route.abort('blockedbyclient'));

    // The status of the latest top-level document: tapping a link gives us no Response object.
    let documentResponse = null;
    page.on('response', (response) => {
      if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) {
        documentResponse = response;
      }
    });
    const expectPage = async (path) => {
      await page.waitForURL((url) => trimSlash(url.pathname) === path, { timeout: 10_000 });
      await page.waitForLoadState('load');
      assert.equal(documentResponse?.status(), 200, statusMessage(path, 200, documentResponse?.status()));
      await assertNoHorizontalScroll(page, path);
    };

    try {
      // 1. Home page.
      await page.goto(`${BASE_URL}/`);
      await expectPage('/');

      // 2. A visible link to the conditions list, tapped.
      const toList = page
        .locator(`a[href="/conditions"], a[href="/conditions/"], a[href="${BASE_URL}/conditions"]`)
        .filter({ visible: true });
      assert.ok((await toList.count()) > 0, '/: no visible link to /conditions');
      await toList.first().tap();
      await expectPage('/conditions');

      // 3. The condition, by its link text.
      const toCondition = page.getByRole('link', { name: 'Foot & Leg Cramps', exact: true }).filter({ visible: true });
      assert.ok((await toCondition.count()) > 0, '/conditions: no visible link named "Foot & Leg Cramps"');
      await toCondition.first().tap();
      await expectPage(CONDITION_PATH);
      assert.equal(page.url(), `${BASE_URL}${CONDITION_PATH}`);

      // 4. The condition page itself.
      const h1 = page.locator('h1');
      assert.equal(await h1.count(), 1, `${CONDITION_PATH}: expected exactly one h1`);
      assert.equal((await h1.textContent()).replace(/\s+/g, ' ').trim(), 'Foot & Leg Cramps');

      const emergency = page
        .locator('[class*="emergency"], [data-urgency="emergency"]')
        .filter({ hasText: 'Emergency' })
        .filter({ hasText: 'Call 911' })
        .filter({ visible: true });
      assert.ok((await emergency.count()) > 0,
        `${CONDITION_PATH}: no visible emergency card (class *emergency* or data-urgency="emergency") with "Emergency" and "Call 911"`);

      const urgent = page
        .locator('[class*="urgent"], [data-urgency="urgent"]')
        .filter({ hasText: 'Urgent' })
        .filter({ visible: true });
      assert.ok((await urgent.count()) > 0,
        `${CONDITION_PATH}: no visible urgent card (class *urgent* or data-urgency="urgent") with "Urgent"`);

      const call = page.locator('a[href^="tel:"]').filter({ visible: true });
      assert.ok((await call.count()) > 0, `${CONDITION_PATH}: no visible tel: link`);

      assert.deepEqual(offOrigin, [], `requests to origins other than ${ORIGIN}`);
    } catch (error) {
      // A picture of where it stopped, for whoever reads the failure.
      const shot = join(reportsDir(), `journey-js-${javaScriptEnabled ? 'on' : 'off'}.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      error.message += `\n  at ${page.url()} (screenshot: ${shot})`;
      throw error;
    } finally {
      await context.close();
    }
  });
}
