// What every browser test shares: Debian's chromium through playwright-core,
// a fresh browser context per person (as at a shared desk), screenshots,
// signing in at the test OpenID provider's form (tests/browser/oidc_provider.mjs),
// and axe-core's WCAG 2.1 A/AA check of a page.
//
//   const run = await startBrowser(process.argv.slice(2), 'walkthrough');
//   const page = await run.fresh();             // a new context and page
//   run.step = 'what is being proved';          // named in a failure
//   await run.checkAccessibility(page, 'the front desk');
//   await run.finish(async () => { ...the steps... }, (pages) => 'ok line');
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// argv: [BASE_URL, SCREENSHOT_DIR]. `name` names the test in its usage line and its last line.
export async function startBrowser(argv, name) {
  const [base, shots] = argv;
  if (!base || !shots) throw new Error(`usage: node ${name}.mjs BASE_URL SCREENSHOT_DIR`);
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync'],  // playwright gives the browser a fresh profile of its own
  });
  const run = {
    base,
    browser,
    step: 'start',
    context: null,
    checkedPages: [],

    // A new context (no cookies, no storage) and its page; the previous person's context is closed.
    async fresh(viewport = { width: 1280, height: 900 }) {
      if (run.context) await run.context.close();
      run.context = await browser.newContext({ viewport, locale: 'da-DK' });
      run.context.setDefaultTimeout(30000);  // generous: CI machines are shared and slow
      const page = await run.context.newPage();
      page.on('pageerror', (e) => { throw new Error(`${run.step}: a script error on the page: ${e.message}`); });
      return page;
    },

    // A bearer token pasted as the pages' fallback sign-in does (#token=...).
    async signInWithToken(token, viewport) {
      const page = await run.fresh(viewport);
      await page.goto(`${base}/#token=${token}`);
      return page;
    },

    // Through the sign-in page and the test provider's form: citizen ('Log ind med MitID') or staff.
    async signInThroughProvider(account, { staff = false, viewport } = {}) {
      const page = await run.fresh(viewport);
      await page.goto(`${base}/`);
      await page.getByRole('link', { name: staff ? 'Log ind som medarbejder' : 'Log ind med MitID' }).click();
      await typeAccount(page, account);
      return page;
    },

    shot(page, file) { return page.screenshot({ path: join(shots, `${file}.png`), fullPage: true }); },

    // axe-core on the page as it stands: WCAG 2.1 A and AA rules (webtilgængelighedsloven asks for AA);
    // a serious or critical violation fails the test, naming the rule and the elements. It is evaluated
    // through the browser's debugging protocol: the pages' Content-Security-Policy allows no inline script.
    async checkAccessibility(page, what) {
      if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
      const result = await page.evaluate(async () =>
        // eslint-disable-next-line no-undef
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      if (bad.length > 0) {
        const lines = bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
        throw new Error(`axe-core finds ${bad.length} serious or critical violation(s) on ${what}:\n  ${lines.join('\n  ')}`);
      }
      const title = await page.title();
      assert.ok(title.trim().length > 0, `${what} has a title`);
      run.checkedPages.push(what);
    },

    // Runs the steps; a failure names the step and sets the exit code; the browser is always closed.
    async finish(steps, okLine) {
      try {
        await steps();
        console.log(okLine(run.checkedPages));
      } catch (err) {
        console.error(`browser ${name} failed at "${run.step}": ${err.stack || err}`);
        process.exitCode = 1;
      } finally {
        await browser.close();
      }
    },
  };
  return run;
}

// The test provider's login form: the account name, then "Log ind".
export async function typeAccount(page, account) {
  await page.locator('input[name=login]').waitFor();
  await page.fill('input[name=login]', account);
  await page.getByRole('button', { name: 'Log ind' }).click();
}

// What the page itself keeps: only the language in localStorage, nothing in
// sessionStorage, no readable session cookie, and no CPR number in any of them.
export async function nothingPersonalStored(page) {
  const kept = await page.evaluate(() => ({
    local: Object.fromEntries(Object.entries(localStorage)), session: Object.keys(sessionStorage), cookie: document.cookie,
  }));
  assert.deepEqual(Object.keys(kept.local).filter((k) => k !== 'sagsflow.lang'), [], `localStorage holds ${Object.keys(kept.local)}`);
  assert.deepEqual(kept.session, [], `sessionStorage holds ${kept.session}`);
  assert.ok(!kept.cookie.includes('sagsflow_session'), 'the session cookie is HttpOnly');
  assert.ok(!/\d{6}-?\d{4}/.test(JSON.stringify(kept)), 'no CPR number in the page\'s storage or cookies');
}
