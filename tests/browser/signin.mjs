// Signing in through OpenID Connect in Debian's chromium: the sign-in page
// offers MitID and the staff sign-in, the test provider's form signs jens in
// to "Mine sager" and bo in to the front desk, a change made from the page
// carries the session's CSRF token, nothing personal is in the page's
// storage or readable cookies, and "Log ud" ends the session at the provider.
// Usage: node signin.mjs BASE_URL SCREENSHOT_DIR. Exits non-zero, naming the step, on the first failure.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [base, shots] = process.argv.slice(2);
if (!base || !shots) throw new Error('usage: node signin.mjs BASE_URL SCREENSHOT_DIR');
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let step = 'start';
const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

async function fresh() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'da-DK' });
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw new Error(`${step}: a script error on the page: ${e.message}`); });
  return page;
}

async function typeAccount(page, account) {
  await page.locator('input[name=login]').waitFor();
  await page.fill('input[name=login]', account);
  await page.getByRole('button', { name: 'Log ind' }).click();
}

// What the page itself keeps: only the language in localStorage, nothing in sessionStorage, no readable session cookie.
async function nothingPersonalStored(page) {
  const kept = await page.evaluate(() => ({
    local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie,
  }));
  assert.deepEqual(kept.local.filter((k) => k !== 'sagsflow.lang'), [], `localStorage holds ${kept.local}`);
  assert.deepEqual(kept.session, [], `sessionStorage holds ${kept.session}`);
  assert.ok(!kept.cookie.includes('sagsflow_session'), 'the session cookie is HttpOnly');
}

try {
  step = 'the sign-in page offers MitID and the staff sign-in, the token folded away';
  let page = await fresh();
  await page.goto(base + '/');
  await page.getByRole('link', { name: 'Log ind med MitID' }).waitFor();
  await page.getByRole('link', { name: 'Log ind som medarbejder' }).waitFor();
  assert.equal(await page.locator('details.token-signin textarea#token').isVisible(), false, 'the token paste is folded');
  await shot(page, 'signin-01-choices');

  step = 'jens signs in with "MitID" and sees his cases';
  await page.getByRole('link', { name: 'Log ind med MitID' }).click();
  await typeAccount(page, 'jens');
  await page.waitForURL(/#\/my-cases/);
  await page.getByRole('heading', { name: 'Mine sager' }).waitFor();
  await nothingPersonalStored(page);
  const bodyText = await page.locator('body').innerText();
  assert.ok(!/0104909989|010490-9989/.test(bodyText), 'no CPR number in clear on the page');
  await shot(page, 'signin-02-citizen');

  step = 'jens signs out: the session ends and the provider signs him out';
  await page.getByRole('button', { name: 'Log ud' }).click();
  await page.getByRole('button', { name: 'Ja, log ud' }).click();
  await page.waitForURL((url) => url.href.startsWith(base));
  await page.getByRole('link', { name: 'Log ind med MitID' }).waitFor();
  const after = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
  assert.equal(after.signed_in, false, 'signed out');

  step = 'bo signs in as staff and registers an inquiry (a POST with the CSRF token)';
  page = await fresh();
  await page.goto(base + '/');
  await page.getByRole('link', { name: 'Log ind som medarbejder' }).click();
  await typeAccount(page, 'bo');
  await page.getByRole('heading', { name: 'Borgerservice' }).waitFor();
  await page.selectOption('#area', 'passports');
  await page.selectOption('#channel', 'phone');
  await page.focus('#outcome');
  await page.keyboard.type('Fortalt om åbningstider');
  await page.focus('#resolve');
  await page.keyboard.press('Enter');
  await page.locator('#registered').waitFor();
  await nothingPersonalStored(page);
  await shot(page, 'signin-03-staff');
  console.log('browser sign-in ok');
} catch (err) {
  console.error(`browser sign-in failed at "${step}": ${err.stack || err}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
