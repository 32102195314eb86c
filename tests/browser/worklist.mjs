// The worklist and the team overview of worklist.js, in Debian's chromium:
// (1) a caseworker (bo) filters the unit's queue to "Frist denne uge", claims
// a request for access whose 7 working days have run out, opens it by its case
// number and decides it; the filters are remembered in memory, never in the
// address; (2) a team leader (tove) looks at a colleague's list, selects two
// cases and gives them to another colleague, and sees per case what happened
// (a case the receiver may not hold is refused in Danish); (3) the overview
// page #/team shows the units' numbers as the API counts them, with charts.
// Usage: node worklist.mjs BASE_URL SCREENSHOT_DIR  (tokens in env: FRONTDESK_TOKEN, CASEWORKER_TOKEN, TEAMLEADER_TOKEN).
import assert from 'node:assert/strict';
import { startBrowser } from './common.mjs';

const run = await startBrowser(process.argv.slice(2), 'worklist');
const { base } = run;
const PHONE = { width: 390, height: 844 };
const CPR = '010490-9989';

async function call(token, method, path, body) {
  const res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json',
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return data;
}
const copenhagenToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
function daysFrom(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
async function fitsPhone(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `${what} fits a phone (scroll width ${width})`);
}

await run.finish(async () => {
  const frontdesk = process.env.FRONTDESK_TOKEN;
  const bo = process.env.CASEWORKER_TOKEN;
  const tove = process.env.TEAMLEADER_TOKEN;

  run.step = 'setting up: passport cases at the decision and a request for access received three weeks ago';
  const passports = [];
  for (let i = 0; i < 3; i++) {
    const opened = await call(frontdesk, 'POST', '/api/v1/cases', { workflow: 'passport', citizen_cpr: CPR });
    await call(frontdesk, 'POST', `/api/v1/cases/${opened.id}/actions/register`, {});
    const done = await call(frontdesk, 'POST', `/api/v1/cases/${opened.id}/actions/complete`, { fields: { full_name: 'Jens Hansen', height_cm: 182, fee_paid: true },
      attachments: [{ name: 'photo', kind: 'received' }, { name: 'identity_document', kind: 'received' }] });
    assert.equal(done.stage, 'decision', `the passport case is at the decision: ${JSON.stringify(done).slice(0, 200)}`);
    passports.push(done);
  }
  // Offentlighedsloven: 7 working days from the day the request was received, so this one's deadline has passed.
  const access = await call(frontdesk, 'POST', `/api/v1/cases/${passports[0].id}/access-requests`, { requester: 'Journalist Jensen', received_on: daysFrom(copenhagenToday(), -21) });
  const accessCase = await call(frontdesk, 'POST', `/api/v1/cases/${access.id}/actions/register`, {});
  assert.equal(accessCase.stage, 'decision');
  assert.ok(accessCase.clock.due < copenhagenToday(), `the request's deadline has passed: ${accessCase.clock.due}`);
  const A = access.case_number;
  const [P1, P2, P3] = passports.map((p) => p.case_number);

  // ---- (1) the caseworker
  run.step = 'caseworker opens the worklist: Mine sager, with the filters';
  let page = await run.signInWithToken(bo);
  await page.getByRole('link', { name: 'Arbejdsliste' }).click();
  await page.locator('h2', { hasText: 'Mine sager' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Overblik' }).count(), 0, 'a caseworker has no overview link');

  run.step = 'caseworker chooses the unit\'s queue and "Frist denne uge"';
  await page.selectOption('#wl-list', 'unit');
  await page.locator('h2', { hasText: 'Enhedens kø: Borgerservice' }).waitFor();
  await page.locator(`#wl-cases tr[data-case="${P1}"]`).waitFor();
  await page.selectOption('#wl-deadline', { label: 'Frist denne uge' });
  await page.locator('#wl-deadline-help', { hasText: 'Frist før mandag' }).waitFor();
  const row = page.locator(`#wl-cases tr[data-case="${A}"]`);
  await row.waitFor();
  assert.equal(await page.locator(`#wl-cases tr[data-case="${P1}"]`).count(), 0, 'a passport case due in 10 working days is not due this week');
  const total = await page.locator('#wl-total').innerText();
  const m = /^Viser (\d+) af (\d+)$/.exec(total.trim());
  assert.ok(m, `the totals: "${total}"`);
  assert.equal(Number(m[1]), await page.locator('#wl-cases tbody tr').count(), 'as many rows as it says');
  assert.ok(Number(m[2]) >= Number(m[1]));
  assert.equal(new URL(page.url()).hash, '#/worklist', 'the filters are not in the address');
  assert.doesNotMatch(await page.locator('main').innerText(), /9989|null|undefined/, 'no full CPR number, no null');
  await run.checkAccessibility(page, 'the worklist filtered to Frist denne uge');
  await run.shot(page, '16-worklist-due-this-week');

  run.step = 'caseworker selects the request and claims it with "Tag valgte sager"';
  await row.getByRole('checkbox', { name: `Vælg sag ${A}` }).check();
  await page.getByRole('button', { name: 'Tag valgte sager' }).click();
  const claimed = page.locator(`#wl-result li[data-case="${A}"][data-ok="true"]`);
  await claimed.waitFor();
  assert.match(await claimed.innerText(), /taget af dig/);
  assert.match(await page.locator('#wl-result h2').innerText(), /1 taget, 0 ikke taget/);
  assert.match(await page.locator(`#wl-cases tr[data-case="${A}"]`).innerText(), /\bdig\b/, 'the row says the caseworker holds it');

  run.step = 'caseworker opens it from the list by its case number and decides it';
  await page.locator(`#wl-cases a[data-case="${A}"]`).click();
  await page.waitForURL((u) => u.hash === `#/case/${A}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(A.replace(/[.]/g, '\\.')) }).waitFor();
  await page.locator('#do-grant').click();
  await page.locator('#no-actions').waitFor();
  assert.match(await page.locator('main').innerText(), /Status\s+Afsluttet/, 'the decided request is closed');

  run.step = 'back on the worklist the filters are remembered and the decided case is gone';
  await page.getByRole('link', { name: 'Arbejdsliste' }).click();
  await page.locator('h2', { hasText: 'Enhedens kø' }).waitFor();
  assert.equal(await page.inputValue('#wl-deadline'), 'week');
  await page.locator('#wl-total').waitFor();
  assert.equal(await page.locator(`#wl-cases tr[data-case="${A}"]`).count(), 0, 'the closed case is not on the list');
  const kept = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, url: location.href }));
  assert.doesNotMatch(kept, /week|due_before|deadline/, `the filters are kept in memory only: ${kept}`);

  run.step = 'the worklist on a phone';
  await page.selectOption('#wl-deadline', '');
  await page.locator(`#wl-cases tr[data-case="${P1}"]`).waitFor();
  await page.setViewportSize(PHONE);
  await fitsPhone(page, 'the worklist');
  await run.checkAccessibility(page, 'the worklist on a phone');
  await run.shot(page, '16b-worklist-phone');

  // ---- (2) the team leader
  run.step = 'setting up: the caseworker holds three passport cases';
  const held = await call(bo, 'POST', '/api/v1/cases/claim', { cases: passports.map((p) => p.id) });
  assert.equal(held.done, 3, JSON.stringify(held));

  run.step = 'team leader picks a colleague (Bo Larsen) and sees his list';
  page = await run.signInWithToken(tove);
  await page.getByRole('link', { name: 'Arbejdsliste' }).click();
  await page.locator('h2', { hasText: 'Mine sager' }).waitFor();
  await page.selectOption('#wl-list', { label: 'Bo Larsen' });
  await page.locator('h2', { hasText: 'Sager hos Bo Larsen' }).waitFor();
  for (const nr of [P1, P2, P3]) await page.locator(`#wl-cases tr[data-case="${nr}"]`).waitFor();
  await run.checkAccessibility(page, 'a colleague\'s worklist for the team leader');

  run.step = 'team leader selects two cases and gives them to Carl Nielsen';
  await page.getByRole('checkbox', { name: `Vælg sag ${P1}` }).check();
  await page.getByRole('checkbox', { name: `Vælg sag ${P2}` }).check();
  await page.selectOption('#wl-to', { label: 'Carl Nielsen' });
  await page.getByRole('button', { name: 'Giv valgte sager til Carl Nielsen' }).click();
  await page.locator('#wl-result[data-done="2"][data-failed="0"]').waitFor();
  for (const nr of [P1, P2]) assert.match(await page.locator(`#wl-result li[data-case="${nr}"][data-ok="true"]`).innerText(), /givet til Carl Nielsen/);
  assert.match(await page.locator('#wl-result h2').innerText(), /Giv sager til Carl Nielsen: 2 givet, 0 ikke givet/);
  await page.locator(`#wl-cases tr[data-case="${P3}"]`).waitFor();
  assert.equal(await page.locator(`#wl-cases tr[data-case="${P1}"]`).count(), 0, 'Bo no longer holds the first');
  assert.equal(await page.locator(`#wl-cases tr[data-case="${P2}"]`).count(), 0, 'nor the second');
  const carl = await call(tove, 'GET', '/api/v1/worklists/people/carl');
  for (const nr of [P1, P2]) assert.ok(carl.cases.some((c) => c.case_number === nr && c.assignee === 'carl'), `Carl holds ${nr}`);
  await run.checkAccessibility(page, 'the worklist after giving cases to a colleague');
  await run.shot(page, '17-worklist-reassigned');

  run.step = 'a case the receiver may not hold is refused, in Danish, case by case';
  await page.getByRole('checkbox', { name: `Vælg sag ${P3}` }).check();
  await page.selectOption('#wl-to', { label: 'Erna Madsen' });
  await page.getByRole('button', { name: 'Giv valgte sager til Erna Madsen' }).click();
  const refused = page.locator(`#wl-result li[data-case="${P3}"][data-ok="false"]`);
  await refused.waitFor();
  assert.match(await refused.innerText(), /ikke udført – Du har ikke lov til dette\./);
  await page.locator(`#wl-cases tr[data-case="${P3}"]`).waitFor();
  await run.checkAccessibility(page, 'the worklist with a refused case');

  // ---- (3) the overview
  run.step = 'team leader opens Overblik: the units\' numbers';
  await page.getByRole('link', { name: 'Overblik' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overblik over arbejdet' }).waitFor();
  const report = await call(tove, 'GET', '/api/v1/reports/team?days=7');
  for (const u of report.units) {
    const cells = (await page.locator(`#team-units tr[data-id="${u.id}"] td`).allInnerTexts()).map((x) => x.trim());
    assert.deepEqual(cells.slice(0, 6), [u.waiting.open, u.waiting.passed, u.waiting.due_soon, u.claimed.open, u.claimed.passed, u.claimed.due_soon].map((n) => n.toLocaleString('da-DK')), `the unit ${u.id}`);
    const ages = (await page.locator(`#team-ages tr[data-id="${u.id}"] td`).allInnerTexts()).map((x) => Number(x.trim().replace(/\./g, '')));
    assert.deepEqual(ages, u.by_age.map((b) => b.count), `the ages of ${u.id}`);
  }
  const bsc = report.units.find((u) => u.id === 'bsc');
  assert.ok(bsc.waiting.open + bsc.claimed.open > 0, 'Borgerservice has open cases');
  assert.equal(await page.locator('#team-total dd[data-key="open"]').innerText(), report.total.open.toLocaleString('da-DK'));
  const carlRow = (await page.locator('#team-people tr[data-id="carl"] td').allInnerTexts()).map((x) => x.trim());
  assert.equal(carlRow[1], String(report.people.find((p) => p.id === 'carl').claimed.open), 'Carl\'s workload');
  await page.locator('#team-age-chart rect').first().waitFor();
  await page.locator('#team-people-chart rect').first().waitFor();
  assert.match(await page.locator('#team-age-chart-desc').innerText(), /Tallene står i tabellen/);
  assert.doesNotMatch(await page.locator('main').innerText(), /null|undefined|NaN/);
  await run.checkAccessibility(page, 'the team overview');
  await run.shot(page, '18-team-overview');
  await page.setViewportSize(PHONE);
  await fitsPhone(page, 'the team overview');
  await run.checkAccessibility(page, 'the team overview on a phone');
  await run.shot(page, '18b-team-overview-phone');

  run.step = 'the pages in English';
  await page.click('#lang');
  await page.getByRole('heading', { level: 1, name: 'Overview of the work' }).waitFor();
  await page.getByRole('link', { name: 'Worklist' }).click();
  await page.locator('h2', { hasText: 'Cases held by Bo Larsen' }).waitFor();  // the choice is remembered in memory
  await page.click('#lang');
}, (pages) => `browser worklist ok: ${pages.length} pages checked with axe-core (${pages.join('; ')})`);
