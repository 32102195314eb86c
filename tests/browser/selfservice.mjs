// A move reported online from sign-in to complaint, in Debian's chromium,
// with every person signed in through the test OpenID provider: Jens signs in
// with "MitID" and reports a move through the self-service form and gets the
// receipt with the case number; Bo, the caseworker, asks him for the lease
// (the deadline clock stops); Jens uploads it (the clock runs again); Bo
// refuses the move with reasons; Jens reads the decision on his case page and
// in the decision letter (a PDF that Digital Post delivered) and complains
// online; the channel report counts the case as a self-service transaction.
// Before that Jens books a passport appointment (passports need personal
// attendance) and sees it in Mine sager; after it he comes to the
// appointment, draws a number at the kiosk, is called to Frida's desk on the
// waiting-room screen and served; the reports count the inquiry and the
// ticket's waiting time.
// Usage: node selfservice.mjs BASE_URL SCREENSHOT_DIR  (env LETTER_FOLDER: where
// Digital Post writes its MeMo messages). Exits non-zero, naming the step, on the first failure.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowser, nothingPersonalStored } from './common.mjs';

const run = await startBrowser(process.argv.slice(2), 'self-service');
const { base } = run;
const shots = process.argv[3];
const letterFolder = process.env.LETTER_FOLDER;
if (!letterFolder) throw new Error('LETTER_FOLDER is not set');
const reasons = 'Adressen findes ikke i BBR, og lejekontrakten gælder en anden lejlighed.';
let caseNumber = '';
let caseId = '';

// A small PDF, as a scanned lease would be (libmagic sniffs its type from the bytes).
const lease = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% lejekontrakt\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

// The citizen's list of letters shows a letter once it has reached them: the
// letter worker delivers in the background, so the page is read again until it does.
async function waitForLetter(page, kindText) {
  for (let i = 0; i < 60; i++) {
    await page.goto(`${base}/#/my-cases/${caseId}?r=${i}`);
    await page.locator('#case-facts').waitFor();
    const row = page.locator('.letters tr', { hasText: kindText });
    if (await row.count() > 0 && await row.first().locator('button[data-letter]').count() > 0) return row.first();
    await page.waitForTimeout(500);
  }
  throw new Error(`no letter "${kindText}" reached the citizen within 30 s`);
}

// Jens signs in again and opens the case in Mine sager; Bo signs in as staff and opens it on the case page.
async function jensOpensTheCase() {
  const page = await run.signInThroughProvider('jens');
  await page.waitForURL(/#\/my-cases/);
  await page.goto(`${base}/#/my-cases/${caseId}`);
  return page;
}
async function boOpensTheCase() {
  const page = await run.signInThroughProvider('bo', { staff: true });
  await page.getByRole('heading', { name: 'Borgerservice' }).waitFor();
  await page.goto(`${base}/#/case/${caseId}`);
  return page;
}

await run.finish(async () => {
  run.step = 'Jens signs in with "MitID" and finds the move among the services he can apply for';
  let page = await run.signInThroughProvider('jens');
  await page.waitForURL(/#\/my-cases/);
  await page.getByRole('heading', { name: 'Mine sager', level: 1 }).waitFor();
  await nothingPersonalStored(page);

  run.step = 'Jens books a time for his passport: it needs personal attendance, and the page offers the free times';
  await page.locator('#book-passports').click();
  await page.locator('#booking').waitFor();
  await run.checkAccessibility(page, 'the booking page');
  const firstSlot = page.locator('#booking input[name=slot]').first();
  const slotAt = await firstSlot.getAttribute('value');
  assert.ok(Date.parse(slotAt) > Date.now(), `the first slot offered (${slotAt}) lies ahead`);
  await firstSlot.check();
  await page.click('#book-submit');
  await page.locator('#booked-title').waitFor();
  assert.match(await page.locator('#booked-time').innerText(), /\d{4}/, 'the booked time is shown');
  await run.shot(page, 'selfservice-00-booked');
  await page.goto(`${base}/#/my-cases`);
  await page.locator('#appointments li[data-appointment]').first().waitFor();
  assert.match(await page.locator('#appointments').innerText(), /Bestilt/, 'Mine sager lists the booked time');
  await run.checkAccessibility(page, 'Mine sager with a booked time');

  run.step = 'Jens gets the confirmation of his time as a letter through Digital Post and reads it in Mine sager';
  let confirmation = null;
  for (let i = 0; i < 60 && !confirmation; i++) {
    await page.goto(`${base}/#/my-cases?r=${i}`);
    await page.locator('#appointments li[data-appointment]').first().waitFor();
    const row = page.locator('#appointments tr', { hasText: 'Bekræftelse af tid' });
    if (await row.count() > 0 && await row.first().locator('button[data-letter]').count() > 0) confirmation = row.first();
    else await page.waitForTimeout(500);
  }
  assert.ok(confirmation, 'the confirmation letter reached Mine sager within 30 s');
  assert.match(await confirmation.innerText(), /Digital Post/, 'the confirmation went by Digital Post');
  const [confirmationDownload] = await Promise.all([page.waitForEvent('download'), confirmation.locator('button[data-letter]').click()]);
  const confirmationPath = join(shots, 'selfservice-appointment-confirmation.pdf');
  await confirmationDownload.saveAs(confirmationPath);
  const confirmationText = execFileSync('pdftotext', ['-layout', confirmationPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.match(confirmationText, /Bekræftelse af din tid/, 'the letter confirms the time');
  assert.match(confirmationText, /kl\. \d{2}[.:]\d{2}/, 'the letter states the time of day');
  assert.match(confirmationText, /Husk at medbringe/, 'the letter says what to bring');
  assert.match(confirmationText, /bestillingsnummer \d+/, 'the letter gives the booking reference');
  await run.checkAccessibility(page, 'Mine sager with the confirmation letter');

  run.step = 'Jens reports a move through the form and gets the receipt with the case number';
  await page.locator('#apply-moving').click();
  await page.locator('#service-form').waitFor();
  const moveDate = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
  await page.fill('#f-new_address', 'Nygade 1, 9999 Eksempelby');
  await page.fill('#f-move_date', moveDate);
  await page.click('#form-send');
  await page.locator('#receipt').waitFor();
  const receiptText = await page.locator('#receipt').innerText();
  caseNumber = (receiptText.match(/23\.05\.10-G01-\d+-\d+/) || [''])[0];
  assert.ok(caseNumber, `the receipt names the case number (${receiptText})`);
  assert.match(receiptText, /arbejdsdag/, 'the receipt states the published processing deadline');
  caseId = (await page.locator('#receipt-case').getAttribute('href')).split('/').pop();
  await run.checkAccessibility(page, 'the receipt');
  await run.shot(page, 'selfservice-01-receipt');

  run.step = 'the receipt letter reaches Jens';
  await waitForLetter(page, 'Kvittering');

  run.step = 'Bo signs in as staff, registers the report and asks Jens for the lease';
  page = await boOpensTheCase();
  await page.locator('#do-register').click();
  await page.locator('#ask-request_missing').waitFor();
  const ask = page.locator('#ask-request_missing');
  assert.match(await ask.innerText(), /Lejekontrakt eller skøde/, 'the form\'s attachment is offered by its label');
  await run.checkAccessibility(page, 'the staff case page with what may be asked for');
  await ask.getByLabel('Lejekontrakt eller skøde').check();
  await page.click('#do-request_missing');
  await page.locator('#missing').waitFor();
  assert.match(await page.locator('#missing').innerText(), /Lejekontrakt eller skøde/, 'the staff page names what is awaited in words');
  assert.match(await page.locator('#deadline').innerText(), /standset|paused/i, 'the deadline clock stands still');
  await run.shot(page, 'selfservice-02-asked-for-lease');

  run.step = 'Jens sees what is awaited and uploads the lease: the clock runs again';
  page = await jensOpensTheCase();
  await page.locator('#missing').waitFor();
  assert.match(await page.locator('#missing').innerText(), /Lejekontrakt eller skøde/);
  await run.checkAccessibility(page, 'the citizen\'s case page asking for the lease');
  await page.selectOption('#missing-kind', 'lease');
  await page.setInputFiles('#missing-file', { name: 'lejekontrakt.pdf', mimeType: 'application/pdf', buffer: lease });
  await page.click('#missing-send');
  await page.locator('.documents').getByText('lejekontrakt.pdf').waitFor();
  assert.equal(await page.locator('#missing').count(), 0, 'nothing is awaited any more');

  run.step = 'Bo sees the lease, completes the check and refuses with reasons';
  page = await boOpensTheCase();
  await page.locator('#documents').getByText('lejekontrakt.pdf').waitFor();
  assert.doesNotMatch(await page.locator('#deadline').innerText(), /standset|paused/i, 'the clock runs again');
  await page.click('#do-complete');
  await page.locator('#do-refuse').waitFor();
  await page.locator('form[data-action="refuse"] input[name="reasons"]').fill(reasons);
  await page.click('#do-refuse');
  await page.locator('form[data-action="refuse"]').waitFor({ state: 'detached' });
  await run.shot(page, 'selfservice-03-refused');

  run.step = 'Jens reads the decision, its reasons and the complaint guidance on his case page';
  page = await jensOpensTheCase();
  await page.locator('#decision').waitFor();
  const decision = await page.locator('#decision').innerText();
  assert.ok(decision.includes(reasons), 'the reasons are shown');
  assert.match(decision, /Klag|klage/, 'the complaint guidance is shown');

  run.step = 'Jens downloads the decision letter: a PDF with the reasons, delivered through Digital Post';
  const letterRow = await waitForLetter(page, 'Afgørelse');
  assert.match(await letterRow.innerText(), /Digital Post/, 'the letter went by Digital Post');
  const [download] = await Promise.all([page.waitForEvent('download'), letterRow.locator('button[data-letter]').click()]);
  const pdfPath = join(shots, 'selfservice-decision.pdf');
  await download.saveAs(pdfPath);
  assert.equal(readFileSync(pdfPath).subarray(0, 5).toString(), '%PDF-', 'the letter is a PDF');
  const letterText = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.ok(letterText.includes(caseNumber), 'the letter names the case number');
  assert.ok(letterText.includes('Adressen findes ikke i BBR'), 'the letter gives the reasons');
  assert.match(letterText, /[Kk]lage/, 'the letter gives the complaint guidance');
  assert.doesNotMatch(letterText, /0104909989|010490-9989/, 'the letter shows no CPR number in clear');
  const memos = readdirSync(join(letterFolder, 'digital-post'), { recursive: true })
    .filter((f) => readFileSync(join(letterFolder, 'digital-post', String(f))).toString().includes(caseNumber));
  assert.ok(memos.length >= 2, `Digital Post holds the receipt and the decision for ${caseNumber} (${memos.length} messages)`);

  run.step = 'Jens complains online within the deadline';
  await page.locator('#complaint-form-text').fill('Jeg bor på adressen; lejekontrakten er for den rigtige lejlighed.');
  await page.click('#complaint-form-send');
  await page.locator('#complaint').waitFor({ state: 'detached' });
  assert.match(await page.locator('#case-facts').innerText(), /Genvurdering/, 'the complaint opens the reconsideration');
  await run.checkAccessibility(page, 'the citizen\'s case page after the complaint');
  await run.shot(page, 'selfservice-04-complained');
  await nothingPersonalStored(page);

  run.step = 'the channel report counts the move as a self-service transaction';
  page = await run.signInThroughProvider('anna', { staff: true });
  await page.locator('nav').waitFor();
  const year = new Date().getUTCFullYear();
  await page.goto(`${base}/#/reports?from=${year}-01-01&to=${year + 1}-01-01`);
  await page.locator('#report-facts').waitFor();
  const facts = await page.locator('#report-facts').innerText();
  assert.match(facts, /\(1 \/ 1\)/, `one self-service transaction of one (${facts})`);
  await run.shot(page, 'selfservice-05-report');
  const inquiriesBefore = Number((facts.match(/Henvendelser\s+([\d.]+)/) || ['', 'NaN'])[1].replace(/\./g, ''));
  assert.ok(Number.isFinite(inquiriesBefore), `the report counts the inquiries (${facts})`);

  run.step = 'Jens comes to his appointment and draws a number for passports at the kiosk by the entrance';
  const kiosk = await run.fresh();
  await kiosk.goto(`${base}/traek-nummer.html`);
  await kiosk.locator('#kiosk-groups button', { hasText: 'Pas og kørekort' }).click();
  await kiosk.locator('.kiosk-ticket-number').waitFor();
  const number = (await kiosk.locator('.kiosk-ticket-number').innerText()).trim();
  assert.match(number, /^P\d{3}$/, `a passport number is drawn (${number})`);
  await run.checkAccessibility(kiosk, 'the kiosk');
  await run.shot(kiosk, 'selfservice-06-kiosk');

  run.step = 'Frida calls the next number to her desk, and the waiting-room screen shows it';
  page = await run.signInThroughProvider('frida', { staff: true });
  await page.locator('nav').waitFor();
  await page.goto(`${base}/#/queue`);
  await page.locator('#queue-call').click();
  await page.locator('#queue-serve').waitFor();
  assert.match(await page.locator('#queue-current').innerText(), new RegExp(number), 'Frida has called Jens\'s number');
  await run.checkAccessibility(page, 'the desk\'s queue page');
  // The screen hangs in the waiting room: a browser of its own beside Frida's.
  const screenContext = await run.browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'da-DK' });
  const screen = await screenContext.newPage();
  await screen.goto(`${base}/ventevaerelse.html`);
  await screen.locator('#screen-latest', { hasText: number }).waitFor({ timeout: 15000 });
  await run.checkAccessibility(screen, 'the waiting-room screen');
  await run.shot(screen, 'selfservice-07-screen');
  await screenContext.close();

  run.step = 'Frida serves Jens and the inquiry is registered';
  await page.selectOption('#queue-type', 'case_information');
  await page.fill('#queue-outcome', 'Pasansøgning taget imod ved bestilt tid');
  await page.click('#queue-served');
  await page.locator('#queue-serve').waitFor({ state: 'detached' });

  run.step = 'the reports show the inquiry and the waiting time at the counter';
  page = await run.signInThroughProvider('anna', { staff: true });
  await page.locator('nav').waitFor();
  await page.goto(`${base}/#/reports?from=${year}-01-01&to=${year + 1}-01-01`);
  await page.locator('#queue-report').waitFor();
  const after = await page.locator('#report-facts').innerText();
  const inquiriesAfter = Number((after.match(/Henvendelser\s+([\d.]+)/) || ['', 'NaN'])[1].replace(/\./g, ''));
  assert.equal(inquiriesAfter, inquiriesBefore + 1, `the served ticket is one more inquiry (${after})`);
  const queueReport = await page.locator('#queue-report').innerText();
  assert.match(queueReport, /Ventetider i køen/);
  assert.match(queueReport, /P\s+\S+\s+1\s+1\s+0/, `one passport ticket drawn and served (${queueReport})`);
  await run.shot(page, 'selfservice-08-queue-report');
  writeFileSync(join(shots, 'selfservice-case.txt'), `${caseNumber}\n`);
}, (pages) => `browser self-service ok: case ${caseNumber} reported, asked, answered, refused, complained; axe-core found no serious or critical violation on ${pages.length} pages`);
