// Signing in through OpenID Connect in Debian's chromium: the sign-in page
// offers MitID and the staff sign-in, the test provider's form signs jens in
// to "Mine sager" and bo in to the front desk, a change made from the page
// carries the session's CSRF token, nothing personal is in the page's
// storage or readable cookies, and "Log ud" ends the session at the provider.
// Usage: node signin.mjs BASE_URL SCREENSHOT_DIR. Exits non-zero, naming the step, on the first failure.
import assert from 'node:assert/strict';
import { startBrowser, typeAccount, nothingPersonalStored } from './common.mjs';

const run = await startBrowser(process.argv.slice(2), 'sign-in');
const base = run.base;

await run.finish(async () => {
  run.step = 'the sign-in page offers MitID and the staff sign-in, the token folded away';
  let page = await run.fresh();
  await page.goto(base + '/');
  await page.getByRole('link', { name: 'Log ind med MitID' }).waitFor();
  await page.getByRole('link', { name: 'Log ind som medarbejder' }).waitFor();
  assert.equal(await page.locator('details.token-signin textarea#token').isVisible(), false, 'the token paste is folded');
  await run.shot(page, 'signin-01-choices');

  run.step = 'jens signs in with "MitID" and sees his cases';
  await page.getByRole('link', { name: 'Log ind med MitID' }).click();
  await typeAccount(page, 'jens');
  await page.waitForURL(/#\/my-cases/);
  await page.getByRole('heading', { name: 'Mine sager' }).waitFor();
  await nothingPersonalStored(page);
  const bodyText = await page.locator('body').innerText();
  assert.ok(!/0104909989|010490-9989/.test(bodyText), 'no CPR number in clear on the page');
  await run.shot(page, 'signin-02-citizen');

  run.step = 'jens signs out: the session ends and the provider signs him out';
  await page.getByRole('button', { name: 'Log ud' }).click();
  await page.getByRole('button', { name: 'Ja, log ud' }).click();
  await page.waitForURL((url) => url.href.startsWith(base));
  await page.getByRole('link', { name: 'Log ind med MitID' }).waitFor();
  const after = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
  assert.equal(after.signed_in, false, 'signed out');

  run.step = 'bo signs in as staff and registers an inquiry (a POST with the CSRF token)';
  page = await run.fresh();
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
  await run.shot(page, 'signin-03-staff');
}, () => 'browser sign-in ok');
