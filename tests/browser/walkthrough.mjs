// Walks the path people take through the web pages, in Debian's chromium:
// the front desk registers an inquiry and opens a passport case, completes
// it; the caseworker claims it from the unit's worklist and decides it; the
// citizen sees the case, its status and which authority looked at it.
// Usage: node walkthrough.mjs BASE_URL SCREENSHOT_DIR  (tokens in env: FRONTDESK_TOKEN, CASEWORKER_TOKEN,
// CITIZEN_TOKEN, ADMIN_TOKEN). Exits non-zero, naming the step, on the first failure.
import assert from 'node:assert/strict';
import { startBrowser } from './common.mjs';

const [base, shots] = process.argv.slice(2);
const run = await startBrowser(process.argv.slice(2), 'walkthrough');
const signIn = run.signInWithToken;
const shot = run.shot;
let caseNumber = '';

// What a person reads is words, not codes: no literal "null" or "undefined", no
// raw UTC timestamp, no status or stage key, no field name where its label belongs.
async function wordsNotCodes(page, what) {
  const text = await page.locator('body').innerText();
  const bad = [
    [/\bnull\b/, 'a literal "null"'], [/\bundefined\b/, 'a literal "undefined"'],
    [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, 'a raw ISO timestamp'],
    [/\b(open|closed) · /, 'a status key'], [/\b(complaint_window|reconsideration)\b/, 'a stage key'],
    [/\b(full_name|fee_paid|height_cm)\b/, 'a field name'],
  ];
  for (const [re, name] of bad) {
    const m = re.exec(text);
    assert.ok(!m, `${what} shows ${name}: …${m ? text.slice(Math.max(0, m.index - 60), m.index + 60) : ''}…`);
  }
}
// Every page the walkthrough checks for accessibility is checked for raw codes too.
async function checkAccessibility(page, what) {
  await wordsNotCodes(page, what);
  await run.checkAccessibility(page, what);
}

await run.finish(async () => {
  // ---- front desk: Frida at Borgerservice
  run.step = 'front desk signs in';
  let page = await signIn(process.env.FRONTDESK_TOKEN);
  await page.getByRole('heading', { name: 'Borgerservice' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'da');

  run.step = 'front desk sees what the centre may do for passports';
  await page.selectOption('#area', 'passports');
  await page.locator('#advice table').waitFor();
  const adviceText = await page.locator('#advice').innerText();
  assert.match(adviceText, /Eksempel Kommune/, 'the advice names the acting authority');
  await page.selectOption('#area', 'housing_support');
  await page.locator('#advice').getByText('Udbetaling Danmark').first().waitFor();
  await shot(page, '01-front-desk-advice');
  await checkAccessibility(page, 'the front desk');

  run.step = 'front desk registers an inquiry resolved at first contact (keyboard only)';
  await page.selectOption('#channel', 'phone');
  await page.focus('#outcome');
  await page.keyboard.type('Fortalt om åbningstider');
  await page.focus('#resolve');
  await page.keyboard.press('Enter');
  await page.locator('#registered').waitFor();

  run.step = 'a refusal reads in Danish, with the server\'s detail after it';
  await page.fill('#citizen_cpr', '12345');
  await page.click('#register');
  const refusal = page.locator('#result .problem');
  await refusal.waitFor();
  const refusalText = await refusal.innerText();
  assert.match(refusalText, /En oplysning kan ikke bruges/, `the refusal is worded in Danish: ${refusalText}`);
  assert.match(refusalText, /Gælder: Borgerens CPR-nummer/, `the refused field is named by its label: ${refusalText}`);
  await checkAccessibility(page, 'the front desk with a refusal');

  run.step = 'front desk opens a passport case for a citizen, with the service chosen in the list';
  await page.selectOption('#channel', 'personal_attendance');
  await page.selectOption('#area', 'passports');
  await page.locator('#advice table').waitFor();
  assert.match(await page.locator('#service').innerText(), /Generel vejledning/, 'the services are offered in words');
  assert.match(await page.locator('#area').innerText(), /Ansøgning om pas/, 'the areas are offered in words');
  await page.selectOption('#service', 'help_fill_in');
  await page.fill('#citizen_cpr', '010490-9989');
  const [opening] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/api/v1/inquiries') && r.method() === 'POST'),
    page.click('#open-case')]);
  assert.equal(opening.postDataJSON().service, 'help_fill_in', 'the case is opened with the service chosen in the list');
  await page.locator('#opened-case').waitFor();
  assert.match(await page.locator('#registered').innerText(), /Hjælpe med at udfylde/, 'the inquiry names its service in words');
  await shot(page, '02-front-desk-case-opened');
  await checkAccessibility(page, 'the front desk with a case opened');
  await page.click('#opened-case');

  run.step = 'front desk registers the application and completes the check';
  await page.locator('#do-register').waitFor();
  const opened = await page.locator('main').innerText();
  assert.match(opened, /Åben · Modtagelse/, `the status and stage are in Danish: ${opened.slice(0, 300)}`);
  await page.locator('#do-register').click();
  await page.locator('#do-complete').waitFor();
  assert.match(await page.locator('main').innerText(), /Åben · Kontrol/, 'the new stage is named by its title');
  const form = page.locator('form[data-action="complete"]');
  assert.equal(await form.locator('input[name="fee_paid"]').getAttribute('type'), 'checkbox', 'a yes/no field is a checkbox');
  await form.getByLabel('Fulde navn').fill('Jens Hansen');
  await form.getByLabel('Højde (hele cm)').fill('182');
  await form.getByLabel('Gebyret er betalt').check();
  await form.locator('input[name="att:photo"]').check();
  await form.locator('input[name="att:identity_document"]').check();
  await page.locator('#do-complete').click();
  await page.locator('#no-actions').waitFor();  // the decision is the department's: no buttons here
  const caseTitle = await page.locator('h1').innerText();
  caseNumber = caseTitle.split(' · ')[0];
  await shot(page, '03-front-desk-complete-no-decision');
  await checkAccessibility(page, 'the case page at the front desk');

  // ---- caseworker: Bo at Borgerservice (a cooperation model: the centre takes the whole passport area)
  run.step = 'a page whose data comes late does not replace the page the caseworker went on to';
  page = await signIn(process.env.CASEWORKER_TOKEN);
  // The start page's data arrives only after the worklist is shown (a slow network or server).
  let releaseSituations;
  const situationsHeld = new Promise((resolve) => { releaseSituations = resolve; });
  await page.route('**/api/v1/life-situations', async (r) => { await situationsHeld; await r.continue(); });
  await page.goto(`${base}/#/`);
  await page.getByRole('link', { name: 'Arbejdsliste' }).click();
  await page.locator('h2', { hasText: 'Mine sager' }).waitFor();
  const situationsAnswered = page.waitForResponse('**/api/v1/life-situations');
  releaseSituations();
  await situationsAnswered;
  await page.waitForTimeout(300);  // time for the late page to (wrongly) render
  if (!(await page.locator('h2', { hasText: 'Mine sager' }).isVisible())) {
    throw new Error('the start page, loaded late, replaced the worklist');
  }
  await page.unroute('**/api/v1/life-situations');

  run.step = 'caseworker finds the case in the unit worklist and claims it';
  await page.getByRole('link', { name: 'Arbejdsliste' }).click();
  await page.selectOption('#wl-list', 'unit');  // the list shows "Mine sager" first; the unit's queue is chosen
  await page.locator('h2', { hasText: 'Enhedens kø' }).waitFor();
  const row = page.locator('#wl-cases tr', { hasText: caseNumber });
  await row.getByRole('button', { name: 'Tag sagen' }).click();
  await page.locator(`#wl-result li[data-case="${caseNumber}"][data-ok="true"]`).waitFor();
  await page.selectOption('#wl-list', 'mine');
  await page.locator('h2', { hasText: 'Mine sager' }).waitFor();
  await page.locator('#wl-cases').getByText(caseNumber).waitFor();
  await shot(page, '04-caseworker-worklist');
  await checkAccessibility(page, 'the worklist');

  run.step = 'caseworker opens the case page and sees form data, deadline, history and only their actions';
  await page.getByRole('link', { name: caseNumber }).first().click();
  await page.locator('#deadline').waitFor();
  const pageText = await page.locator('main').innerText();
  assert.match(pageText, /Jens Hansen/);
  assert.match(pageText, /Gebyret er betalt\s+ja/, 'a yes/no field reads ja');
  assert.match(pageText, /Eksempel Kommune \(0999\)/, 'the authority is named');
  assert.match(pageText, /010490-XXXX/, 'the CPR number is masked');
  assert.doesNotMatch(pageText, /010490-9989/);
  assert.ok(await page.locator('#do-grant').count() === 1, 'the caseworker may grant');
  assert.match(await page.locator('#letters').innerText(), /Kvittering/, 'the receipt letter is on the case page');
  await shot(page, '05-caseworker-case');
  await checkAccessibility(page, "the caseworker's case page");

  run.step = 'caseworker grants the passport';
  await page.locator('#do-grant').click();
  await page.locator('#no-actions').waitFor();
  assert.match(await page.locator('main').innerText(), /Status\s+Afsluttet/, 'the closed case reads Afsluttet');
  assert.match(await page.locator('main').innerText(), /Udsted pas|Bevilget/, 'the history names the action in words');
  await wordsNotCodes(page, 'the closed case');

  run.step = 'English is available';
  await page.click('#lang');
  await page.getByRole('heading', { name: 'History' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await page.locator('main').innerText(), /Status\s+Closed/, 'the status in English');
  await wordsNotCodes(page, 'the case page in English');
  await page.click('#lang');

  // ---- citizen on a phone
  run.step = 'citizen sees their case, status and who looked at it';
  page = await signIn(process.env.CITIZEN_TOKEN, { width: 390, height: 844 });
  const card = page.locator(`article[data-case="${caseNumber}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), /Afsluttet/, 'the citizen reads the status in Danish');
  await card.getByRole('button', { name: 'Hvem har set sagen' }).click();
  await card.locator('table').waitFor();
  assert.match(await card.innerText(), /Eksempel Kommune/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page fits a phone (scroll width ${width})`);
  await shot(page, '06-citizen-my-cases-phone');
  await checkAccessibility(page, 'Mine sager on a phone, with the access log open');

  run.step = 'citizen reports a move through the self-service form: errors next to the fields, then the receipt';
  await page.locator('#apply-moving').click();
  await page.locator('#service-form').waitFor();
  await checkAccessibility(page, 'the self-service form');
  await page.click('#form-send');
  await page.locator('#form-errors').waitFor();
  assert.equal(await page.locator('#f-new_address').getAttribute('aria-invalid'), 'true', 'the empty required field is marked');
  assert.ok(await page.locator('#f-new_address-error').isVisible(), 'the error stands next to the field');
  await checkAccessibility(page, 'the self-service form with errors');
  const moveDate = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
  await page.fill('#f-new_address', 'Nygade 1, 9999 Eksempelby');
  await page.fill('#f-move_date', moveDate);
  await page.click('#form-send');
  await page.locator('#receipt').waitFor();
  assert.match(await page.locator('#receipt').innerText(), /23\.05\.10/, 'the receipt names the case number');
  await checkAccessibility(page, 'the self-service receipt');
  await shot(page, '06b-citizen-receipt');
  await page.click('#receipt-case');
  await page.locator('#case-facts').waitFor();
  await checkAccessibility(page, "the citizen's case page");

  // ---- admin
  run.step = 'admin sees plugins, workflows, the model and the access log';
  page = await signIn(process.env.ADMIN_TOKEN);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('heading', { name: /Adgangslog/ }).waitFor();
  const adminText = await page.locator('main').innerText();
  assert.match(adminText, /passport/);
  assert.match(adminText, new RegExp(caseNumber.replace(/[.]/g, '\\.')));
  await shot(page, '07-admin');
  await checkAccessibility(page, 'the admin page');

  run.step = 'admin imports the KLE emneplan and follows its progress';
  const emneplan = '<?xml version="1.0" encoding="UTF-8"?><KLE-Emneplan><UdgivelsesDato>2026-10-01</UdgivelsesDato>' +
    '<Hovedgruppe><HovedgruppeNr>23</HovedgruppeNr><HovedgruppeTitel>Borgerservice</HovedgruppeTitel>' +
    '<Gruppe><GruppeNr>23.09</GruppeNr><GruppeTitel>Pas</GruppeTitel><Emne><EmneNr>23.09.02</EmneNr>' +
    '<EmneTitel>Pas</EmneTitel></Emne></Gruppe></Hovedgruppe></KLE-Emneplan>';
  await page.setInputFiles('#kle-file', { name: 'emneplan.xml', mimeType: 'text/xml', buffer: Buffer.from(emneplan) });
  await page.click('#kle-start');
  await page.locator('#kle-result .ok').waitFor();
  assert.equal(await page.locator('#kle-progress').getAttribute('max'), await page.evaluate(() => String(document.getElementById('kle-progress').value)));
  await shot(page, '08-admin-kle-import');
  await checkAccessibility(page, 'the admin page after a KLE import');
  run.step = 'reports show the channel mix and the self-service rate against the target';
  page = await signIn(process.env.FRONTDESK_TOKEN);
  await page.getByRole('link', { name: 'Rapporter' }).click();
  await page.locator('#mix-chart rect').first().waitFor();
  await page.locator('#rate-chart circle').first().waitFor();
  assert.match(await page.locator('#report-facts').innerText(), /Mål 50\.0 %/);
  await page.locator('#shift-result').waitFor();
  await shot(page, '09-reports');
  await checkAccessibility(page, 'the reports');

  run.step = 'front desk calls the next number in the queue: the group, the desk and the areas in words';
  const drawn = await page.request.post(`${base}/api/v1/queue/tickets`, { data: { group: 'P' } });
  assert.equal(drawn.status(), 201, `a number is drawn at the kiosk (${drawn.status()})`);
  await page.getByRole('link', { name: 'Kø', exact: true }).click();
  await page.locator('#queue-call').click();
  await page.locator('#queue-serve').waitFor();
  assert.match(await page.locator('#queue-current h2').innerText(), /Pas og kørekort · Skranke/, 'the ticket names its group and desk');
  assert.match(await page.locator('#queue-area').innerText(), /Ansøgning om pas/, 'the areas are offered in words');
  await checkAccessibility(page, 'the queue page with a number called');
  await page.click('#queue-no-show');
  await page.locator('#queue-serve').waitFor({ state: 'detached' });

  run.step = 'front desk opens the appointments page (Tider): the day, the areas that take appointments and their free times';
  await page.getByRole('link', { name: 'Tider', exact: true }).click();
  await page.getByRole('heading', { name: 'Tidsbestilling', level: 1 }).waitFor();
  await page.locator('#appt-day-list table, #appt-none').first().waitFor();
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(new Date());
  assert.equal(await page.inputValue('#appt-day'), today, 'the day picker starts at today in Copenhagen');
  const areaOptions = await page.locator('#appt-area option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(areaOptions.includes('passports') && areaOptions.includes('moving'), `the areas taking appointments are offered (${areaOptions})`);
  assert.ok(!areaOptions.includes('housing_support'), 'an area without appointments is not offered');
  await page.selectOption('#appt-area', 'passports');
  await page.locator('#book-slots input[name="book-slot"]').first().waitFor();
  assert.match(await page.locator('#book-slots').innerText(), /Borgerservice · 15 minutter/, 'the free times name the place and their length');
  await checkAccessibility(page, 'the appointments page');

  run.step = 'front desk books a passport time for a citizen on the phone: a CPR number is asked for, then the time is booked and confirmed by letter';
  // A time at least an hour ahead, so it has not begun when it is cancelled below.
  const slotValues = await page.locator('#book-slots input[name="book-slot"]').evaluateAll((is) => is.map((i) => i.value));
  const slotAt = slotValues.find((v) => Date.parse(v) > Date.now() + 3600000);
  assert.ok(slotAt, `a free time lies more than an hour ahead (${slotValues.length} offered)`);
  await page.click('#appt-book-send');
  await page.locator('#appt-cpr-error').waitFor();
  assert.match(await page.locator('#appt-cpr-error').innerText(), /CPR-nummer/, 'the missing CPR number is named next to its field');
  assert.equal(await page.locator('#appt-cpr').getAttribute('aria-invalid'), 'true');
  await page.fill('#appt-cpr', '010490-9989');
  await page.selectOption('#appt-channel', 'phone');
  await page.locator(`#book-slots input[value="${slotAt}"]`).check();
  await page.click('#appt-book-send');
  const booked = page.locator('#appt-booked');
  await booked.waitFor();
  const bookedText = await booked.innerText();
  const bookedId = await booked.getAttribute('data-appointment');
  const clock = new Date(slotAt).toLocaleTimeString('da-DK', { timeZone: 'Europe/Copenhagen', hour: '2-digit', minute: '2-digit' });
  assert.match(bookedText, /Tiden er bestilt/);
  assert.ok(bookedText.includes(clock), `the booked time ${clock} is shown: ${bookedText}`);
  assert.match(bookedText, /Ansøgning om pas/, 'the area is named by its service');
  assert.match(bookedText, /010490-XXXX/, 'the citizen is shown masked');
  assert.doesNotMatch(bookedText, /9989/, 'the full CPR number is not shown');
  assert.match(bookedText, /Telefon/, 'booked on the phone');
  assert.match(bookedText, /Bekræftelse af tid/, 'a confirmation letter is on its way to the citizen');
  assert.equal(await page.inputValue('#appt-cpr'), '', 'the CPR field is emptied for the next caller');
  assert.doesNotMatch(page.url(), /9989|010490/, 'no CPR number in the address');
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.doesNotMatch(stored, /9989|010490/, 'no CPR number in localStorage');

  run.step = 'front desk sees the booked time in the day list of its day';
  const bookedDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(new Date(slotAt));
  assert.equal(await page.inputValue('#appt-day'), bookedDay, 'the day list shows the booked day');
  const dayRow = page.locator('#appt-day-list tr', { has: page.locator(`[data-appointment="${bookedId}"]`) });
  await dayRow.waitFor();
  const rowText = await dayRow.innerText();
  assert.ok(rowText.includes(clock), `the row gives the time ${clock}: ${rowText}`);
  const cells = (await dayRow.locator('td').allInnerTexts()).map((c) => c.trim());
  assert.deepEqual(cells.slice(1, 7), ['Ansøgning om pas', 'Borgerservice', '15', '010490-XXXX', 'Telefon (frida)', 'Bestilt'],
    'area, place, minutes, the masked citizen, how and by whom it was booked, and its state');
  assert.doesNotMatch(await page.locator('#appt-day-list').innerText(), /9989/, 'the day list shows no full CPR number');
  assert.match(await page.locator('#appt-day-title').innerText(), /Bestilte tider/);
  await shot(page, '09b-appointments-booked');
  await checkAccessibility(page, 'the appointments page with a booked time');

  run.step = 'front desk cancels the time: a reason is required, the citizen gets a cancellation letter, the time leaves the day list';
  await page.click(`#appt-cancel-${bookedId}`);
  await page.locator('#appt-cancel-form').waitFor();
  await page.click('#appt-cancel-send');
  await page.locator('#appt-cancel-reason-error').waitFor();
  assert.match(await page.locator('#appt-cancel-reason-error').innerText(), /Skriv en begrundelse/, 'an empty reason is refused next to its field');
  assert.equal(await page.locator('#appt-cancel-reason').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator(`#appt-cancel-${bookedId}`).count(), 1, 'nothing was cancelled without a reason');
  await checkAccessibility(page, 'the appointments page with the cancellation form');
  await page.fill('#appt-cancel-reason', 'Skranken er lukket den dag på grund af sygdom');
  await page.click('#appt-cancel-send');
  const cancelled = page.locator('#appt-cancelled');
  await cancelled.waitFor();
  assert.equal(await cancelled.getAttribute('data-appointment'), bookedId);
  assert.match(await cancelled.innerText(), /Tiden er aflyst.*brev om aflysningen/s);
  assert.match(await cancelled.innerText(), /Begrundelse: Skranken er lukket den dag på grund af sygdom/, 'the reason given is shown as the letter states it');
  assert.equal(await page.locator('#appt-booked').count(), 0, 'the answer of the booking, now out of date, is gone');
  const cancelPanel = await page.locator('#appt-action').innerText();
  assert.match(cancelPanel, /Aflyst/, 'the state is cancelled');
  assert.match(cancelPanel, /Aflysning af tid/, 'the cancellation letter is queued for the citizen');
  await page.locator(`#appt-cancel-${bookedId}`).waitFor({ state: 'detached' });
  assert.equal(await dayRow.count(), 0, 'the cancelled time is no longer in the day list');
  await shot(page, '09c-appointments-cancelled');
  await checkAccessibility(page, 'the appointments page after a cancellation');

  run.step = 'the pages anyone may read without signing in are accessible';
  await page.goto(`${base}/processing-deadlines.html`);
  await page.locator('#deadlines table').first().waitFor();
  await checkAccessibility(page, 'the published processing deadlines');
  await page.getByRole('link', { name: 'Tilgængelighedserklæring' }).click();
  await page.getByRole('heading', { name: 'Tilgængelighedserklæring' }).waitFor();
  await page.locator('#contacts h3').first().waitFor();
  assert.match(await page.locator('main').innerText(), /Digitaliseringsstyrelsen/);
  assert.match(await page.locator('#contacts').innerText(), /Eksempel Kommune/);
  await checkAccessibility(page, 'the accessibility statement');
  await shot(page, '10-accessibility-statement');
  await page.getByRole('link', { name: 'Åbningstider' }).first().click();
  await page.getByRole('heading', { name: 'Åbningstider', level: 1 }).waitFor();
  await page.locator('#hours table').first().waitFor();
  const hours = await page.locator('#hours').innerText();
  assert.match(hours, /Personligt fremmøde/, 'the published hours name the channel');
  assert.match(hours, /10:00–17:30/, 'Thursday\'s long opening is published');
  await checkAccessibility(page, 'the published opening hours');
  await shot(page, '10b-opening-hours');
  await run.context.clearCookies();
  await page.goto(`${base}/#/`);
  await page.evaluate(() => { sessionStorage.clear(); localStorage.clear(); });
  await page.goto(`${base}/`);
  await page.locator('main h1').first().waitFor();
  await checkAccessibility(page, 'the sign-in page');
}, (pages) => `browser walkthrough ok: case ${caseNumber}; axe-core found no serious or critical violation on ${pages.length} pages (${pages.join(', ')}); screenshots in ${shots}`);
