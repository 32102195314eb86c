// The staff pages of search.js, notifications.js and admin-workflows.js, in
// Debian's chromium: (1) a phone call: the front desk types the caller's CPR
// number into the search box, gives the purpose, finds the case, opens it by
// its case number and reads its status, and the CPR number is never in the
// address or the page's storage; (2) an admin changes a deadline in a
// workflow's running source, reads the diff, deploys it and sees the new
// version (and a deploy that raced another is refused clearly); (3) a team
// leader reassigns a case and the colleague's bell and Beskeder page show it.
// Usage: node staff_pages.mjs BASE_URL SCREENSHOT_DIR  (tokens in env: FRONTDESK_TOKEN, CASEWORKER_TOKEN,
// ADMIN_TOKEN, TEAMLEADER_TOKEN). Exits non-zero, naming the step, on the first failure.
import assert from 'node:assert/strict';
import { startBrowser } from './common.mjs';

const run = await startBrowser(process.argv.slice(2), 'staff_pages');
const { base } = run;
const PHONE = { width: 390, height: 844 };
const CPR = '070761-4285';
const CPR_DIGITS = /0707614285|070761.?4285|4285/;

// The API as the test's own client (setting up, and acting behind the page's back).
async function call(token, method, path, body) {
  const res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json',
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return data;
}

// The address and the page's storage hold no CPR number (the token in sessionStorage is the sign-in's).
async function noCprKept(page, where) {
  assert.doesNotMatch(decodeURIComponent(page.url()), CPR_DIGITS, `${where}: no CPR number in the address (${page.url()})`);
  const kept = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
  assert.doesNotMatch(kept, CPR_DIGITS, `${where}: no CPR number in localStorage, sessionStorage or cookies`);
}

await run.finish(async () => {
  const frontdesk = process.env.FRONTDESK_TOKEN;
  run.step = 'setting up: the front desk opens a moving case for the caller';
  const opened = await call(frontdesk, 'POST', '/api/v1/cases', { workflow: 'moving', citizen_cpr: CPR, fields: { new_address: 'Søndergade 7, 9999 Eksempelby' } });
  const caseNumber = opened.case_number || (opened.case && opened.case.case_number);
  assert.ok(caseNumber, `the case has a number: ${JSON.stringify(opened).slice(0, 200)}`);

  // ---- (1) a phone call at the front desk
  run.step = 'front desk: the search box is on the page, labelled';
  let page = await run.signInWithToken(frontdesk);
  await page.getByRole('heading', { name: 'Borgerservice' }).waitFor();
  const box = page.getByRole('searchbox', { name: 'Søg: CPR-nummer, sagsnummer, navn eller ord' });
  await box.waitFor();
  const seen = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) seen.push(f.url()); });

  run.step = 'front desk types the caller\'s CPR number: the page asks why before searching';
  await box.fill(CPR.replace('-', ''));
  await box.press('Enter');
  await page.locator('#search-purpose-form').waitFor();
  assert.match(await page.locator('#search-purpose-help').innerText(), /070761-XXXX/, 'the CPR number is shown masked');
  assert.doesNotMatch(await page.locator('main').innerText(), /4285/, 'the page shows no full CPR number');
  assert.equal(new URL(page.url()).hash, '#/search', 'the results page is #/search, without the query');
  await noCprKept(page, 'the purpose question');
  await run.checkAccessibility(page, 'the search: the purpose question');
  await run.shot(page, '11-search-purpose');

  run.step = 'front desk gives the purpose "Telefonopkald fra borgeren": the citizen\'s cases';
  await page.selectOption('#search-purpose', { label: 'Telefonopkald fra borgeren' });
  await page.click('#search-purpose-send');
  await page.locator('#search-results table').waitFor();
  assert.equal(await page.locator('#search-kind').innerText(), 'Borgerens sager');
  assert.equal(await page.locator('#search-what').innerText(), '070761-XXXX', 'the citizen, masked');
  assert.equal(await page.locator('#search-purpose-given').innerText(), 'Telefonopkald fra borgeren');
  assert.match(await page.locator('#search-total').innerText(), /^\d+ sag(er)? i alt$/);
  const row = page.locator('#search-results tr', { has: page.locator(`a[data-case="${caseNumber}"]`) });
  await row.waitFor();
  const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
  assert.equal(cells[1], 'Anmeldelse af flytning', 'the title');
  assert.equal(cells[3], 'Åben', 'the status in Danish');
  assert.equal(cells[4], '070761-XXXX', 'the citizen masked');
  assert.doesNotMatch(await page.locator('main').innerText(), /4285/, 'no full CPR number in the results');
  await noCprKept(page, 'the results');
  await run.checkAccessibility(page, 'the search results (the citizen overview)');
  await run.shot(page, '12-search-citizen-cases');

  run.step = 'the access log records the purpose with the case shown';
  const caseId = opened.id || (opened.case && opened.case.id);
  const audit = await call(process.env.ADMIN_TOKEN, 'GET', `/api/v1/admin/audit?case=${caseId}&limit=20`);
  assert.ok(audit.records.some((r) => /Telefonopkald fra borgeren/.test(r.purpose)), `the purpose is in the access log: ${JSON.stringify(audit.records.map((r) => r.purpose))}`);

  run.step = 'front desk opens the case by its number and reads its status in Danish';
  await row.getByRole('link', { name: caseNumber }).click();
  await page.waitForURL((u) => u.hash === `#/case/${caseNumber}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(caseNumber.replace(/[.]/g, '\\.')) }).waitFor();
  const facts = await page.locator('main dl.facts').first().innerText();
  const status = (facts.split('\n').find((l, i, all) => all[i - 1] === 'Status') || facts.match(/Status\s*\t?(.*)/)?.[1] || '').trim();
  assert.ok(status.length > 0, `the case page gives a status: ${facts}`);
  assert.doesNotMatch(status, /\b(open|closed|receipt|check)\b/, `the status is in words, not codes: "${status}"`);
  await noCprKept(page, 'the case page');
  await run.checkAccessibility(page, 'the case page opened by its case number');
  await run.shot(page, '13-case-by-number');

  run.step = 'the case page opened by number acts: the front desk registers the report';
  await page.locator('#do-register').click();
  await page.locator('#do-complete').waitFor();
  await page.getByRole('heading', { level: 1, name: new RegExp(caseNumber.replace(/[.]/g, '\\.')) }).waitFor();

  run.step = 'front desk searches by the case number';
  await box.fill(caseNumber);
  await box.press('Enter');
  await page.locator('#search-kind', { hasText: 'Sagsnummer' }).waitFor();
  await page.locator(`#search-results a[data-case="${caseNumber}"]`).waitFor();
  assert.equal(await page.locator('#search-results tbody tr').count(), 1, 'one case');

  run.step = 'the results come in pages: Næste side and Forrige side (two cases a page)';
  await page.route('**/api/v1/search?*', (r) => r.continue({ url: r.request().url().replace(/limit=\d+/, 'limit=2') }));
  await call(frontdesk, 'POST', '/api/v1/cases', { workflow: 'moving', citizen_cpr: CPR });
  await call(frontdesk, 'POST', '/api/v1/cases', { workflow: 'moving', citizen_cpr: CPR });
  await box.fill(CPR);
  await box.press('Enter');
  await page.locator('#search-purpose-form').waitFor();
  assert.equal(await page.locator('#search-purpose').inputValue(), 'p_phone', 'the last purpose is offered first');
  assert.ok(await page.locator('#search-purpose-other').isHidden(), 'the free text asks only for another purpose');
  await page.selectOption('#search-purpose', 'other');
  await page.locator('#search-purpose-other').waitFor();
  await page.click('#search-purpose-send');
  await page.locator('#search-purpose-other-error').waitFor();
  await page.fill('#search-purpose-other', 'Opfølgning på brev');
  await page.click('#search-purpose-send');
  await page.locator('#search-results table').waitFor();
  assert.equal(await page.locator('#search-purpose-given').innerText(), 'Opfølgning på brev');
  assert.match(await page.locator('#search-total').innerText(), /^3 sager i alt$/);
  const firstPage = await page.locator('#search-results tbody a').allInnerTexts();
  assert.equal(firstPage.length, 2, 'two cases on the first page');
  await page.click('#search-next');
  await page.locator('#search-prev').waitFor();
  const secondPage = await page.locator('#search-results tbody a').allInnerTexts();
  assert.ok(secondPage.length >= 1 && !secondPage.some((n) => firstPage.includes(n)), `the next page has other cases: ${firstPage} / ${secondPage}`);
  await page.click('#search-prev');
  await page.locator('#search-next').waitFor();
  assert.deepEqual(await page.locator('#search-results tbody a').allInnerTexts(), firstPage, 'back on the first page');
  await page.unroute('**/api/v1/search?*');
  await noCprKept(page, 'paging the results');

  run.step = 'a free-text search narrowed to a stage';
  await box.fill('flytning');
  await box.press('Enter');
  await page.locator('#search-kind', { hasText: 'Fritekst' }).waitFor();
  await page.locator(`#search-results a[data-case="${caseNumber}"]`).waitFor();
  await page.locator('#search-filters summary').click();
  await page.selectOption('#search-stage', 'check');
  await page.click('#search-filter-send');
  await page.locator('#search-filters summary', { hasText: 'Afgrænset resultat' }).waitFor();
  await page.locator(`#search-results a[data-case="${caseNumber}"]`).waitFor();
  const stages = await page.locator('#search-results tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(stages.length >= 1 && stages.every((x) => x.trim() === 'Kontrol'), `only cases at the check: ${stages}`);
  await run.checkAccessibility(page, 'the search results narrowed to a stage');
  await page.click('#search-filter-clear');
  await page.locator('#search-filters summary', { hasText: 'Afgræns resultatet' }).waitFor();

  run.step = 'the address never held the CPR number';
  for (const u of seen) assert.doesNotMatch(decodeURIComponent(u), CPR_DIGITS, `an address of the session: ${u}`);

  run.step = 'the citizen overview on a phone';
  page = await run.signInWithToken(frontdesk, PHONE);
  const phoneBox = page.getByRole('searchbox', { name: 'Søg: CPR-nummer, sagsnummer, navn eller ord' });
  await phoneBox.fill(CPR);
  await phoneBox.press('Enter');
  await page.locator('#search-purpose-form').waitFor();
  await run.shot(page, '11b-search-purpose-phone');
  await page.selectOption('#search-purpose', { label: 'Borgeren er ved skranken' });
  await page.click('#search-purpose-send');
  await page.locator('#search-results table').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `the results fit a phone (scroll width ${width})`);
  await run.checkAccessibility(page, 'the search results on a phone');
  await run.shot(page, '12b-search-citizen-cases-phone');
  await noCprKept(page, 'the results on a phone');

  // ---- (3) notifications: a team leader hands a case to a colleague
  run.step = 'caseworker signs in: the bell gives the unread count';
  // The page's clock is the test's: the 30-second poll is run on, not waited for.
  page = await run.fresh();
  await page.clock.install();
  await page.goto(`${base}/#token=${process.env.CASEWORKER_TOKEN}`);
  const bell = page.locator('#bell');
  await bell.waitFor();
  const unread = async (more) => {  // the bell's count once it is more than `more` (read from here: the page's timers are fake)
    for (let i = 0; i < 150; i++) {
      const n = await bell.getAttribute('data-unread');
      if (n !== '' && n !== null && Number(n) > more) return Number(n);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the bell did not count more than ${more} (it says "${await bell.getAttribute('data-unread')}")`);
  };
  const bellSays = async (want) => {
    for (let i = 0; i < 150; i++) {
      if ((await bell.getAttribute('data-unread')) === String(want)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the bell says "${await bell.getAttribute('data-unread')}", not ${want}`);
  };
  const before = await unread(-1);
  const reassigned = async () => {
    const opened = await call(frontdesk, 'POST', '/api/v1/cases', { workflow: 'passport', citizen_cpr: CPR });
    const number = opened.case_number || opened.case.case_number;
    await call(process.env.TEAMLEADER_TOKEN, 'POST', `/api/v1/cases/${encodeURIComponent(number)}/reassign`, { to: 'bo' });
    return number;
  };

  run.step = 'a team leader reassigns a case to the caseworker (API): the bell counts it within 30 seconds, on the same page';
  const passportNumber = await reassigned();
  await page.clock.runFor(30500);
  const polled = await unread(before);
  assert.equal(polled, before + 1, 'one more unread');

  run.step = 'another reassignment: the next navigation counts it';
  const secondNumber = await reassigned();
  await page.getByRole('link', { name: 'Arbejdsliste' }).click();
  await unread(polled);
  const after = Number(await bell.getAttribute('data-unread'));
  assert.equal(await page.locator('#bell-count').innerText(), String(after));
  const bellName = await bell.evaluate((a) => a.textContent.replace(/\s+/g, ' ').trim());
  assert.match(bellName, new RegExp(`Beskeder.*${after} ulæste`), `the bell says how many are unread: "${bellName}"`);

  run.step = 'the Beskeder page lists it in Danish, in Copenhagen time, with a link to the case';
  await bell.click();
  await page.getByRole('heading', { level: 1, name: 'Beskeder' }).waitFor();
  const noteRow = page.locator('#notifications tr[data-kind="assigned"]', { has: page.locator(`a[data-case="${passportNumber}"]`) });
  await noteRow.waitFor();
  await page.locator('#notifications tr[data-kind="assigned"]', { has: page.locator(`a[data-case="${secondNumber}"]`) }).waitFor();
  const noteText = await noteRow.innerText();
  assert.ok(noteText.includes(`Sag ${passportNumber} er givet til dig`), `the message: ${noteText}`);
  assert.match(noteText, /Ulæst/);
  const when = (await noteRow.locator('td').first().innerText()).trim();
  assert.doesNotMatch(when, /T\d\d:|Z$|null/, `the time is in words: ${when}`);
  const clock = new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', hour: '2-digit', minute: '2-digit' }).format(new Date());
  assert.ok(when.includes(clock.slice(0, 2)), `the time is Copenhagen's (${clock}): ${when}`);
  assert.doesNotMatch(await page.locator('main').innerText(), /null|undefined|4285/);
  await run.checkAccessibility(page, 'the Beskeder page');
  await run.shot(page, '14-notifications');

  run.step = 'Markér som læst: the row is read and the bell counts one less';
  await noteRow.getByRole('button', { name: /Markér som læst/ }).click();
  await page.locator('#notifications tr[data-kind="assigned"]', { has: page.locator(`a[data-case="${passportNumber}"]`), hasText: 'Læst' }).waitFor();
  await bellSays(after - 1);

  run.step = 'the link opens the case by its number';
  await page.locator(`#notifications a[data-case="${passportNumber}"]`).first().click();
  await page.waitForURL((u) => u.hash === `#/case/${passportNumber}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(passportNumber.replace(/[.]/g, '\\.')) }).waitFor();

  run.step = 'Markér alle som læst';
  await bell.click();
  await page.getByRole('heading', { level: 1, name: 'Beskeder' }).waitFor();
  if (after - 1 > 0) {
    await page.click('#notifications-read-all');
    await page.locator('#notifications-summary', { hasText: 'Du har ingen ulæste beskeder.' }).waitFor();
  }
  await bellSays(0);
  assert.ok(await page.locator('#bell-count').isHidden(), 'no count when none is unread');

  run.step = 'the Beskeder page on a phone';
  await call(process.env.TEAMLEADER_TOKEN, 'POST', `/api/v1/cases/${encodeURIComponent(passportNumber)}/reassign`, { to: 'frida' }).catch(() => null);
  page = await run.signInWithToken(process.env.CASEWORKER_TOKEN, PHONE);
  await page.locator('#bell').click();
  await page.getByRole('heading', { level: 1, name: 'Beskeder' }).waitFor();
  const phoneWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(phoneWidth <= PHONE.width, `the Beskeder page fits a phone (scroll width ${phoneWidth})`);
  await run.checkAccessibility(page, 'the Beskeder page on a phone');
  await run.shot(page, '14b-notifications-phone');

  // ---- (2) an admin deploys a changed deadline
  run.step = 'admin opens Udrul arbejdsgang from the admin page';
  const admin = process.env.ADMIN_TOKEN;
  const running = (await call(admin, 'GET', '/api/v1/admin/workflows/passport')).version;
  page = await run.signInWithToken(admin);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('link', { name: 'Udrul arbejdsgang' }).click();
  await page.getByRole('heading', { level: 1, name: 'Udrul arbejdsgang' }).waitFor();
  await run.checkAccessibility(page, 'Udrul arbejdsgang');

  run.step = 'a file the validator refuses: its errors with line numbers';
  await page.setInputFiles('#wf-file', { name: 'passport.yaml', mimeType: 'application/yaml',
    buffer: Buffer.from('id: passport\ntitle: Pas\nstages:\n  receipt:\n    actions: 7\n') });
  await page.locator('#wf-load-result .ok', { hasText: 'passport.yaml' }).waitFor();
  assert.match(await page.inputValue('#wf-source'), /actions: 7/, 'the uploaded file is in the text area');
  await page.click('#wf-preview');
  await page.locator('#wf-errors').waitFor();
  assert.match(await page.locator('#wf-errors').innerText(), /Linje \d+/, 'an error names its line');
  assert.equal(await page.locator('#wf-deploy').count(), 0, 'nothing to deploy');
  await run.checkAccessibility(page, 'Udrul arbejdsgang with validator errors');

  run.step = 'admin starts from the running passport workflow and changes the decision deadline';
  await page.selectOption('#wf-from', 'passport');
  await page.click('#wf-load');
  await page.locator('#wf-load-result .ok', { hasText: 'Kilden til passport version' }).waitFor();
  const source = await page.inputValue('#wf-source');
  // The decision stage's deadline (10 working days as shipped): two days more.
  const lines = source.split('\n');
  const decisionAt = lines.findIndex((l) => /^  decision:/.test(l));
  const lineNo = lines.findIndex((l, i) => i > decisionAt && /^    deadline: \{working_days: \d+\}/.test(l)) + 1;
  assert.ok(decisionAt >= 0 && lineNo > 0, 'the running source has the decision deadline');
  const oldLine = lines[lineNo - 1].trim();
  const days = Number(/\d+/.exec(oldLine)[0]);
  const newLine = `deadline: {working_days: ${days + 2}}`;
  const changed = [...lines.slice(0, lineNo - 1), `    ${newLine}`, ...lines.slice(lineNo)].join('\n');
  await page.fill('#wf-source', changed);
  await page.click('#wf-preview');
  await page.locator('#wf-diff').waitFor();

  run.step = 'the diff shows the old line as - and the new as +, with line numbers';
  const removed = page.locator('#wf-diff tr.diff-del', { hasText: oldLine });
  const added = page.locator('#wf-diff tr.diff-add', { hasText: newLine });
  assert.equal(await removed.count(), 1, 'the old line is removed');
  assert.equal(await added.count(), 1, 'the new line is added');
  assert.match(await removed.locator('td.diff-op').innerText(), /^-/);
  assert.match(await added.locator('td.diff-op').innerText(), /^\+/);
  assert.equal(await removed.getAttribute('data-old'), String(lineNo), 'the removed line\'s number');
  assert.equal(await added.getAttribute('data-new'), String(lineNo), 'the added line\'s number');
  assert.match(await page.locator('#wf-changes').innerText(), /decision/, 'the decision stage changes');
  assert.match(await page.locator('#wf-summary').innerText(), new RegExp(`version er ${running}.*version ${running + 1}`));
  assert.match(await page.locator('#wf-open-cases').innerText(), /version \d+: \d+ sag|Ingen åbne sager/);
  const deploy = page.getByRole('button', { name: `Udrul version ${running + 1}` });
  await deploy.waitFor();
  await run.checkAccessibility(page, 'Udrul arbejdsgang with the diff');
  await run.shot(page, '15-workflow-diff');

  run.step = 'deploying asks for the confirmation first';
  await deploy.click();
  await page.locator('#wf-confirm-error').waitFor();
  assert.equal(await page.locator('#wf-confirm').getAttribute('aria-invalid'), 'true');

  run.step = 'admin confirms and deploys: the new version is in the list';
  await page.check('#wf-confirm');
  await deploy.click();
  await page.locator('#wf-deployed').waitFor();
  assert.match(await page.locator('#wf-deployed').innerText(), new RegExp(`Version ${running + 1} af passport er udrullet`));
  await page.locator(`#workflow-versions tr[data-workflow="passport"][data-version="${running + 1}"]`).waitFor();
  assert.match(await page.locator(`#workflow-versions tr[data-workflow="passport"][data-version="${running + 1}"]`).innerText(), /kører/);
  const deployed = await call(admin, 'GET', '/api/v1/admin/workflows/passport');
  assert.equal(deployed.version, running + 1);
  assert.ok(deployed.source.includes(newLine), 'the running source is the deployed file');
  await run.checkAccessibility(page, 'Udrul arbejdsgang after the deploy');
  await run.shot(page, '15b-workflow-deployed');

  run.step = 'a deploy that races another admin\'s is refused clearly';
  await page.fill('#wf-source', changed.replace(newLine, `deadline: {working_days: ${days + 4}}`));
  await page.click('#wf-preview');
  await page.locator('#wf-diff').waitFor();
  await call(admin, 'POST', '/api/v1/admin/workflows', { source: changed.replace(newLine, `deadline: {working_days: ${days + 3}}`), replaces_version: running + 1 });
  await page.check('#wf-confirm');
  await page.getByRole('button', { name: `Udrul version ${running + 2}` }).click();
  await page.locator('#wf-conflict').waitFor();
  assert.match(await page.locator('#wf-conflict').innerText(), /En anden har udrullet en ny version imens – vis ændringerne igen/);
  await page.click('#wf-preview-again');
  await page.getByRole('button', { name: `Udrul version ${running + 3}` }).waitFor();

  run.step = 'Udrul arbejdsgang on a phone';
  await page.setViewportSize(PHONE);
  await run.checkAccessibility(page, 'Udrul arbejdsgang on a phone');
  await run.shot(page, '15c-workflow-diff-phone');

  run.step = 'the pages in English';
  await page.click('#lang');
  await page.getByRole('heading', { level: 1, name: 'Deploy a workflow' }).waitFor();
  await page.getByRole('searchbox', { name: 'Search: CPR number, case number, name or words' }).waitFor();
  await page.locator('#bell', { hasText: 'Messages' }).waitFor();
  await page.click('#lang');
}, (pages) => `browser staff pages ok: ${pages.length} pages checked with axe-core (${pages.join('; ')})`);
