// Sagsflow web pages for citizens (self-service, Mine sager) and the staff's
// assisted self-service (medbetjening). Loaded before app.js, whose helpers
// (h, api, t, show, problemBox, say, table, documentTable, letterTable,
// uploadTo) these functions use when they run. Every rule is the server's:
// the form checks below repeat the core's validate_form from the same schema
// so a citizen sees errors before sending, and the server checks again.
'use strict';

const CITIZEN_TEXT = {
  da: {
    your_cases: 'Dine sager', apply: 'Søg eller anmeld', apply_intro: 'Vælg det, du vil søge om eller anmelde. Du kan gemme en kladde og fortsætte senere.',
    start_form: 'Udfyld', attendance: 'Kræver personligt fremmøde', not_offered: 'Kan ikke søges her',
    processing_time: 'Sagsbehandlingstid', required_mark: '(skal udfyldes)', optional_mark: '(kan udelades)',
    save_draft: 'Gem kladde', draft_saved: 'Kladden er gemt', draft_from: 'Du fortsætter på din kladde fra', delete_draft: 'Slet kladden',
    send: 'Send', sending: 'Sender…', errors_summary: 'Ret disse fejl, før du sender:',
    err_required: 'Skal udfyldes.', err_integer: 'Skal være et helt tal.', err_number: 'Skal være et tal.',
    err_date: 'Skal være en dato (dd-mm-åååå).', err_min: 'Må ikke være mindre end', err_max: 'Må ikke være større end',
    err_length: 'Må højst være så mange tegn:', err_enum: 'Vælg en af mulighederne.', err_file_type: 'Filen skal være af typen',
    err_file_size: 'Filen er for stor; højst', choose: '(vælg)',
    receipt_title: 'Kvittering', receipt_case: 'Sagsnummer', received_on: 'Modtaget', processing_deadline: 'Sagsbehandlingsfrist',
    expected_by: 'Du kan forvente svar senest', next_steps: 'Hvad sker der nu', to_my_cases: 'Gå til Mine sager',
    receipt_letter: 'Du får også kvitteringen som brev i Digital Post (eller med posten).',
    case_details: 'Se sagen', decision: 'Afgørelse', reasons: 'Begrundelse', guidance: 'Klagevejledning',
    complaint_by: 'Klagefrist', appeals_body: 'Klageinstans', outcome_granted: 'Bevilget', outcome_refused: 'Afslået',
    outcome_partly_granted: 'Delvist bevilget', awaited: 'Vi mangler fra dig', reply_by: 'Svar senest',
    upload: 'Send dokument', upload_kind: 'Hvad er det', file: 'Fil', all_sent: 'Jeg har sendt det hele',
    hearing: 'Partshøring: du kan kommentere', hearing_facts: 'Det, vi vil lægge vægt på', your_comment: 'Din kommentar',
    send_comment: 'Send kommentar', complain: 'Klag over afgørelsen', complaint_text: 'Hvorfor klager du?',
    send_complaint: 'Send klagen', complaint_late: 'Klagefristen er overskredet. Du kan stadig sende klagen; myndigheden afgør, om den kan behandles.',
    complaint_sent: 'Klagen er sendt', complaint_sent_late: 'Klagen er sendt efter fristen; myndigheden afgør, om den behandles.',
    withdraw: 'Træk ansøgningen tilbage', withdraw_reason: 'Begrundelse (kan udelades)', withdraw_confirm: 'Ja, træk ansøgningen tilbage',
    withdrawn: 'Ansøgningen er trukket tilbage', received: 'modtaget', comment_sent: 'Kommentaren er sendt', sent_document: 'Dokumentet er sendt',
    back: 'Tilbage', attendance_help: 'Kontakt Borgerservice for at få en tid.',
    book: 'Bestil tid', book_title: 'Bestil tid', book_intro: 'Vælg en ledig tid. Tiderne er dansk tid.', book_at: 'Sted',
    book_minutes: 'minutter', book_choose: 'Bestil den valgte tid', book_none: 'Der er ingen ledige tider i perioden.',
    booked: 'Din tid er bestilt', booked_letter: 'Husk pas, billedlegitimation og et gammelt pas, hvis du har et. Du kan aflyse eller flytte tiden under Mine sager.',
    your_appointments: 'Dine bestilte tider', cancel_appointment: 'Aflys tiden', cancelled: 'Tiden er aflyst', state_booked: 'Bestilt',
    state_cancelled: 'Aflyst', later_days: 'Vis senere dage', free_seats: 'ledige',
    assisted: 'Medbetjening', assisted_intro: 'Udfyld ansøgningen sammen med borgeren. Sagen registreres som medbetjening.',
    consent: 'Borgeren giver samtykke til, at medarbejderen udfylder og sender ansøgningen på borgerens vegne',
    exemption: 'Fritagelse for digital selvbetjening', exemption_reason: 'Begrundelse', register_exemption: 'Registrér fritagelsen',
    exemption_saved: 'Fritagelsen er registreret: borgeren betjenes på papir og får breve med posten',
  },
  en: {
    your_cases: 'Your cases', apply: 'Apply or report', apply_intro: 'Choose what you want to apply for or report. You can save a draft and continue later.',
    start_form: 'Fill in', attendance: 'Needs personal attendance', not_offered: 'Cannot be applied for here',
    processing_time: 'Processing time', required_mark: '(required)', optional_mark: '(optional)',
    save_draft: 'Save draft', draft_saved: 'The draft is saved', draft_from: 'You continue your draft from', delete_draft: 'Delete the draft',
    send: 'Send', sending: 'Sending…', errors_summary: 'Correct these errors before you send:',
    err_required: 'Required.', err_integer: 'Must be a whole number.', err_number: 'Must be a number.',
    err_date: 'Must be a date.', err_min: 'Must not be less than', err_max: 'Must not be more than',
    err_length: 'At most this many characters:', err_enum: 'Choose one of the options.', err_file_type: 'The file must be of type',
    err_file_size: 'The file is too large; at most', choose: '(choose)',
    receipt_title: 'Receipt', receipt_case: 'Case number', received_on: 'Received', processing_deadline: 'Processing deadline',
    expected_by: 'You can expect an answer by', next_steps: 'What happens now', to_my_cases: 'Go to My cases',
    receipt_letter: 'You also get the receipt as a letter in Digital Post (or by post).',
    case_details: 'See the case', decision: 'Decision', reasons: 'Reasons', guidance: 'Complaint guidance',
    complaint_by: 'Complaint deadline', appeals_body: 'Appeals body', outcome_granted: 'Granted', outcome_refused: 'Refused',
    outcome_partly_granted: 'Partly granted', awaited: 'We are waiting for', reply_by: 'Reply by',
    upload: 'Send document', upload_kind: 'What is it', file: 'File', all_sent: 'I have sent everything',
    hearing: 'Hearing: you may comment', hearing_facts: 'What we intend to rely on', your_comment: 'Your comment',
    send_comment: 'Send comment', complain: 'Complain about the decision', complaint_text: 'Why do you complain?',
    send_complaint: 'Send the complaint', complaint_late: 'The complaint deadline has passed. You can still send it; the authority decides whether it can be considered.',
    complaint_sent: 'The complaint is sent', complaint_sent_late: 'The complaint was sent after the deadline; the authority decides whether it is considered.',
    withdraw: 'Withdraw the application', withdraw_reason: 'Reason (optional)', withdraw_confirm: 'Yes, withdraw the application',
    withdrawn: 'The application is withdrawn', received: 'received', comment_sent: 'The comment is sent', sent_document: 'The document is sent',
    back: 'Back', attendance_help: 'Contact the citizen service centre for an appointment.',
    book: 'Book a time', book_title: 'Book a time', book_intro: 'Choose a free time. Times are Danish time.', book_at: 'Place',
    book_minutes: 'minutes', book_choose: 'Book the chosen time', book_none: 'There are no free times in the period.',
    booked: 'Your time is booked', booked_letter: 'Bring your passport, photo ID and any old passport. You can cancel or move the time under My cases.',
    your_appointments: 'Your booked times', cancel_appointment: 'Cancel the time', cancelled: 'The time is cancelled', state_booked: 'Booked',
    state_cancelled: 'Cancelled', later_days: 'Show later days', free_seats: 'free',
    assisted: 'Assisted self-service', assisted_intro: 'Fill in the application with the citizen. The case is registered as assisted self-service.',
    consent: 'The citizen consents to the employee filling in and sending the application on their behalf',
    exemption: 'Exemption from digital self-service', exemption_reason: 'Reason', register_exemption: 'Register the exemption',
    exemption_saved: 'The exemption is registered: the citizen is served on paper and gets letters by post',
  },
};
const ct = (key) => CITIZEN_TEXT[state.lang][key] || t(key);

// ---------------------------------------------------------------- form checks (the core's validate_form, from the schema)
function isRealDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

// The value a field's input holds, as the API takes it (undefined: left empty).
function fieldValue(form, f) {
  const el = form.elements[`f:${f.name}`];
  if (!el) return undefined;
  if (f.type === 'boolean') return el.checked;
  const text = el.value.trim();
  if (text === '') return undefined;
  if (f.type === 'integer' && /^-?\d+$/.test(text)) return Number(text);
  if (f.type === 'number' && text !== '' && Number.isFinite(Number(text.replace(',', '.')))) return Number(text.replace(',', '.'));
  return text;
}

// Errors per field name, in the page's language.
function checkFields(fields, values) {
  const errors = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined) {
      if (f.required && f.type !== 'boolean') errors[f.name] = ct('err_required');
      continue;
    }
    if (f.type === 'integer' && !Number.isInteger(v)) errors[f.name] = ct('err_integer');
    else if (f.type === 'number' && typeof v !== 'number') errors[f.name] = ct('err_number');
    else if (f.type === 'date' && !isRealDate(v)) errors[f.name] = ct('err_date');
    else if (f.type === 'enum' && !(f.values || []).some((x) => x.value === v)) errors[f.name] = ct('err_enum');
    else if ((f.type === 'integer' || f.type === 'number') && f.min !== undefined && f.min !== null && v < f.min) errors[f.name] = `${ct('err_min')} ${f.min}.`;
    else if ((f.type === 'integer' || f.type === 'number') && f.max !== undefined && f.max !== null && v > f.max) errors[f.name] = `${ct('err_max')} ${f.max}.`;
    else if (f.type === 'string' && f.max_length && [...v].length > f.max_length) errors[f.name] = `${ct('err_length')} ${f.max_length}.`;
  }
  return errors;
}

function checkFiles(attachments, form) {
  const errors = {};
  for (const a of attachments) {
    const file = form.elements[`a:${a.name}`] && form.elements[`a:${a.name}`].files[0];
    if (!file) continue;
    if (a.max_bytes && file.size > a.max_bytes) errors[`a:${a.name}`] = `${ct('err_file_size')} ${Math.round(a.max_bytes / 1024)} kB.`;
    else if (a.media_types && a.media_types.length && file.type && !a.media_types.includes(file.type)) {
      errors[`a:${a.name}`] = `${ct('err_file_type')} ${a.media_types.map((m) => m.split('/')[1].toUpperCase()).join(', ')}.`;
    }
  }
  return errors;
}

// ---------------------------------------------------------------- the form, generated from the manifest
function fieldInput(f, value) {
  const id = `f-${f.name}`;
  const described = [f.help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ');
  const common = { id, name: `f:${f.name}`, 'aria-describedby': described, 'aria-required': f.required ? 'true' : null };
  if (f.type === 'boolean') {
    return h('div', { class: 'field' },
      h('label', { class: 'check', for: id }, h('input', { ...common, type: 'checkbox', checked: value === true }), f.label),
      f.help ? h('p', { class: 'help muted', id: `${id}-help` }, f.help) : null,
      h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
  }
  let input;
  if (f.type === 'enum') {
    input = h('select', common, h('option', { value: '' }, ct('choose')),
      (f.values || []).map((x) => h('option', { value: x.value, selected: x.value === value }, x.label || x.value)));
  } else if (f.type === 'string' && f.max_length && f.max_length > 200) {
    input = h('textarea', { ...common, maxlength: f.max_length, rows: 3 }, value === undefined || value === null ? '' : String(value));
  } else {
    const type = f.type === 'date' ? 'date' : f.type === 'integer' || f.type === 'number' ? 'number' : 'text';
    input = h('input', { ...common, type, value: value === undefined || value === null ? null : String(value),
      min: f.min ?? null, max: f.max ?? null, step: f.type === 'integer' ? '1' : f.type === 'number' ? 'any' : null,
      maxlength: f.type === 'string' && f.max_length ? f.max_length : null,
      inputmode: f.type === 'integer' ? 'numeric' : null, autocomplete: 'off' });
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, h('span', {}, f.label, ' ', h('span', { class: 'muted' }, f.required ? ct('required_mark') : ct('optional_mark'))), input),
    f.help ? h('p', { class: 'help muted', id: `${id}-help` }, f.help) : null,
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
}

function attachmentInput(a) {
  const id = `a-${a.name}`;
  const accept = (a.media_types || []).join(',');
  return h('div', { class: 'field' },
    h('label', { for: id }, h('span', {}, a.label, ' ', h('span', { class: 'muted' }, a.required ? ct('required_mark') : ct('optional_mark'))),
      h('input', { id, name: `a:${a.name}`, type: 'file', accept: accept || null,
        'aria-describedby': [a.help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ') })),
    a.help ? h('p', { class: 'help muted', id: `${id}-help` }, a.help) : null,
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
}

// Shows `errors` (name → message) next to their fields and in a summary that takes the focus.
function showErrors(form, summary, errors) {
  for (const p of form.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const names = Object.keys(errors);
  if (!names.length) { summary.replaceChildren(); return false; }
  const items = [];
  for (const name of names) {
    const isFile = name.startsWith('a:');
    const id = isFile ? `a-${name.slice(2)}` : `f-${name}`;
    const el = document.getElementById(id);
    const p = document.getElementById(`${id}-error`);
    if (el) el.setAttribute('aria-invalid', 'true');
    if (p) { p.textContent = errors[name]; p.hidden = false; }
    const label = el && el.closest('.field') ? el.closest('.field').querySelector('label').textContent : name;
    items.push(h('li', {}, h('a', { href: `#${id}`, onclick: (e) => { e.preventDefault(); if (el) el.focus(); } }, `${label.replace(/\s*\(.*\)\s*$/, '')}: ${errors[name]}`)));
  }
  summary.replaceChildren(h('div', { class: 'problem', role: 'alert', tabindex: '-1', id: 'form-errors' },
    h('strong', {}, ct('errors_summary')), h('ul', {}, items)));
  summary.firstChild.focus();
  return true;
}

// The server's field errors (400 with `errors`, or a problem naming one field) as name → message.
function serverErrors(err) {
  const p = err.problem || {};
  const out = {};
  if (Array.isArray(p.errors)) for (const e of p.errors) out[e.field.replace(/^fields\./, '')] = state.lang === 'en' && e.message_en ? e.message_en : e.message;
  else if (p.field) out[p.field.replace(/^fields\./, '')] = p.detail;
  return out;
}

function newIdempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// A JSON call that also takes extra headers (an Idempotency-Key).
async function apiWith(method, path, body, extra) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json', ...authHeaders(method), ...(extra || {}) };
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
  if (!res.ok) throw new ApiError(data || { status: res.status, detail: res.statusText });
  return data;
}

// Uploads one file as a document of `kind` to `path` (multipart/form-data).
async function uploadFile(path, kind, file) {
  const body = new FormData();
  body.append('kind', kind);
  body.append('file', file);
  const res = await fetch(path, { method: 'POST', headers: authHeaders('POST'), credentials: 'same-origin', body });
  const data = await res.json().catch(() => ({ detail: res.statusText }));
  if (!res.ok) throw new ApiError(data);
  return data;
}

// The form page of `service`: for a citizen (their draft, POST /me/cases) or for staff beside one (medbetjening).
async function serviceFormPage(service, assisted) {
  const nav = state.nav;
  const schema = await api('GET', assisted ? `/api/v1/services/${encodeURIComponent(service)}/form?lang=${state.lang}`
    : `/api/v1/me/services/${encodeURIComponent(service)}/form?lang=${state.lang}`);
  const draft = !assisted && schema.draft ? schema.draft.fields || {} : {};
  const summary = h('div', { id: 'form-summary' });
  const out = h('div', { id: 'form-result', 'aria-live': 'polite' });
  const cpr = assisted ? h('input', { id: 'assisted-cpr', name: 'assisted-cpr', inputmode: 'numeric', placeholder: 'DDMMÅÅ-XXXX', autocomplete: 'off', required: true }) : null;
  const consent = assisted ? h('input', { id: 'assisted-consent', name: 'assisted-consent', type: 'checkbox' }) : null;
  const collect = (form) => {
    const values = {};
    for (const f of schema.fields) { const v = fieldValue(form, f); if (v !== undefined) values[f.name] = v; }
    return values;
  };
  const send = h('button', { type: 'submit', class: 'primary', id: 'form-send' }, ct('send'));
  const form = h('form', { id: 'service-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const values = collect(form);
    const errors = { ...checkFields(schema.fields, values), ...checkFiles(schema.attachments || [], form) };
    for (const a of schema.attachments || []) {
      if (a.required && !(form.elements[`a:${a.name}`].files[0])) errors[`a:${a.name}`] = ct('err_required');
    }
    if (assisted && !cpr.value.trim()) errors.cpr = ct('err_required');
    if (showErrors(form, summary, errors)) return;
    send.disabled = true;
    send.textContent = ct('sending');
    try {
      const key = form.dataset.key || (form.dataset.key = newIdempotencyKey());  // a resend after a lost answer opens no second case
      const answer = assisted
        ? await apiWith('POST', '/api/v1/self-service/assisted', { service, cpr: cpr.value.trim(), fields: values, consent: consent.checked }, { 'Idempotency-Key': key })
        : await apiWith('POST', '/api/v1/me/cases', { service, fields: values }, { 'Idempotency-Key': key });
      const id = answer.case.id;
      for (const a of schema.attachments || []) {
        const file = form.elements[`a:${a.name}`].files[0];
        if (file) await uploadFile(assisted ? `/api/v1/cases/${id}/documents` : `/api/v1/me/cases/${id}/documents`, a.name, file);
      }
      state.receipt = answer;
      if (nav !== state.nav) return;
      if (assisted) {
        out.replaceChildren(h('div', { class: 'notice', id: 'assisted-done' }, `${t('case_opened')}: ${answer.case.case_number} `,
          h('a', { href: `#/case/${id}` }, t('go_to_case'))));
        send.disabled = false;
        send.textContent = ct('send');
        return;
      }
      location.hash = `#/receipt/${id}`;
    } catch (err) {
      send.disabled = false;
      send.textContent = ct('send');
      const byField = serverErrors(err);
      if (Object.keys(byField).length && showErrors(form, summary, byField)) return;
      out.replaceChildren(problemBox(err));
    }
  } },
  assisted ? h('div', { class: 'field' }, h('label', { for: 'assisted-cpr' }, t('citizen'), cpr),
    h('p', { class: 'field-error', id: 'assisted-cpr-error', hidden: true })) : null,
  schema.fields.map((f) => fieldInput(f, draft[f.name])),
  (schema.attachments || []).map(attachmentInput),
  assisted ? h('div', { class: 'field' }, h('label', { class: 'check', for: 'assisted-consent' }, consent, ct('consent'))) : null,
  h('div', { class: 'actions' }, send,
    assisted ? null : h('button', { type: 'button', class: 'secondary', id: 'form-save', onclick: async () => {
      try {
        const saved = await apiWith('PUT', `/api/v1/me/drafts/${encodeURIComponent(service)}`, { fields: collect(form) });
        say(`${ct('draft_saved')} (${formatTime(saved.saved_at)})`);
      } catch (err) { out.replaceChildren(problemBox(err)); }
    } }, ct('save_draft')),
    !assisted && schema.draft ? h('button', { type: 'button', class: 'secondary', id: 'form-delete-draft', onclick: async () => {
      try { await api('DELETE', `/api/v1/me/drafts/${encodeURIComponent(service)}`); await serviceFormPage(service, false); } catch (err) { out.replaceChildren(problemBox(err)); }
    } }, ct('delete_draft')) : null));
  if (nav !== state.nav) return;
  show(h('h1', {}, assisted ? `${ct('assisted')}: ${schema.title}` : schema.title),
    assisted ? h('p', {}, ct('assisted_intro')) : null,
    schema.draft && !assisted ? h('p', { class: 'notice' }, `${ct('draft_from')} ${formatTime(schema.draft.saved_at)}.`) : null,
    summary, form, out,
    h('p', {}, h('a', { href: assisted ? '#/assisted' : '#/my-cases' }, ct('back'))));
}

function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(state.lang === 'da' ? 'da-DK' : 'en-GB', { timeZone: 'Europe/Copenhagen', dateStyle: 'long', timeStyle: 'short' });
}
function formatDate(text) {
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return text || '—';
  const [y, m, d] = text.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(state.lang === 'da' ? 'da-DK' : 'en-GB', { timeZone: 'UTC', dateStyle: 'long' });
}

// ---------------------------------------------------------------- the citizen's pages
async function servicesSection() {
  const list = (await api('GET', '/api/v1/me/services')).services;
  if (!list.length) return null;
  return h('section', { id: 'services', 'aria-labelledby': 'services-title' },
    h('h2', { id: 'services-title' }, ct('apply')), h('p', {}, ct('apply_intro')),
    h('ul', { class: 'services' }, list.map((s) => h('li', { 'data-service': s.id },
      s.mode === 'form' ? h('a', { href: `#/apply/${encodeURIComponent(s.id)}`, id: `apply-${s.id}` }, s.title) : h('strong', {}, s.title),
      s.mode !== 'form' ? h('span', {}, ` · ${s.mode === 'attendance' ? ct('attendance') : ct('not_offered')}${s.why ? `: ${s.why}` : ''}`,
        s.mode === 'attendance' && !s.bookable ? ` ${ct('attendance_help')}` : '') : null,
      s.bookable && s.mode === 'attendance' ? h('span', {}, ' · ', h('a', { href: `#/book/${encodeURIComponent(s.area)}`, id: `book-${s.area}` }, ct('book'))) : null,
      s.processing_deadline ? h('span', { class: 'muted' }, ` · ${ct('processing_time')}: ${s.processing_deadline}`) : null))));
}

async function receiptPage(id) {
  const nav = state.nav;
  let r = state.receipt && String(state.receipt.case.id) === String(id) ? state.receipt.receipt : null;
  if (!r) {
    const c = await api('GET', `/api/v1/me/cases/${id}`);
    r = c.receipt || { case_number: c.case_number, received_on: c.received_on, processing_deadline: c.processing_deadline,
      expected_by: c.expected_by, next_steps: c.next_steps };
  }
  if (nav !== state.nav) return;
  show(h('h1', {}, ct('receipt_title')),
    h('div', { class: 'notice', id: 'receipt' }, h('dl', { class: 'facts' }, ...[
      [ct('receipt_case'), r.case_number], [ct('received_on'), formatDate(r.received_on)],
      [ct('processing_deadline'), r.processing_deadline || '—'], [ct('expected_by'), formatDate(r.expected_by)],
      [ct('next_steps'), r.next_steps || '—']].flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
    h('p', {}, ct('receipt_letter')),
    h('p', {}, h('a', { href: `#/my-cases/${id}`, id: 'receipt-case' }, ct('case_details')), ' · ',
      h('a', { href: '#/my-cases' }, ct('to_my_cases'))));
}

function textForm(id, label, buttonText, onsend, extra) {
  const area = h('textarea', { id: `${id}-text`, name: 'text', rows: 4, required: extra && extra.optional ? null : true });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id, class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    if (!(extra && extra.optional) && !area.value.trim()) {
      out.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, ct('err_required')));
      area.setAttribute('aria-invalid', 'true');
      area.focus();
      return;
    }
    try { await onsend(area.value.trim()); } catch (err) { out.replaceChildren(problemBox(err)); }
  } },
  extra && extra.before ? extra.before : null,
  h('label', { for: `${id}-text` }, label, area),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: extra && extra.danger ? 'secondary' : 'primary', id: `${id}-send` }, buttonText)), out);
  return form;
}

function outcomeText(outcome) {
  if (!outcome) return '—';
  const key = `outcome_${outcome}`;
  return CITIZEN_TEXT[state.lang][key] || outcome;
}

async function myCasePage(id) {
  const nav = state.nav;
  const c = await api('GET', `/api/v1/me/cases/${id}`);
  const docs = (await api('GET', `/api/v1/me/cases/${id}/documents`)).documents;
  const letters = (await api('GET', `/api/v1/me/cases/${id}/letters`)).letters;
  const may = c.may || {};
  const reload = async (message) => { if (message) say(message); if (nav === state.nav) await myCasePage(id); };
  const parts = [];
  const docBox = h('div', { class: 'documents' });
  docBox.append(documentTable(docs, (d) => `/api/v1/me/cases/${id}/documents/${d.id}`, docBox));
  const letterBox = h('div', { class: 'letters' });
  letterBox.append(letterTable(letters, (doc) => `/api/v1/me/cases/${id}/documents/${doc}`, letterBox, false));

  parts.push(h('dl', { class: 'facts', id: 'case-facts' }, ...[
    // The API words its status in Danish (status_text) and names the stage (stage_title); English pages word the status keys.
    [t('status'), state.lang === 'da' && c.status_text ? c.status_text : statusText(c.status)], [t('stage'), stageText(c.service, c.stage, c.stage_title)],
    [t('decided_by'), c.decided_by || '—'], [t('next_deadline'), c.deadline ? formatDate(c.deadline.due) : '—']]
    .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')])));

  if (c.missing) {
    const items = c.missing.items || [...(c.missing.fields || []), ...(c.missing.attachments || [])].map((x) => (typeof x === 'string' ? { name: x, label: x } : x));
    const kinds = items.filter((x) => x.kind !== 'field' && !x.received);
    const file = h('input', { id: 'missing-file', name: 'file', type: 'file', required: true });
    const kind = h('select', { id: 'missing-kind', name: 'kind' },
      (kinds.length ? kinds : [{ name: 'other', label: 'Andet' }]).map((x) => h('option', { value: x.name }, x.label || x.name)));
    const out = h('div', { 'aria-live': 'polite' });
    parts.push(h('section', { id: 'missing', class: 'notice', 'aria-labelledby': 'missing-title' },
      h('h2', { id: 'missing-title' }, ct('awaited')),
      h('ul', {}, items.map((x) => h('li', {}, x.label || x.name, x.received ? ` (${ct('received')})` : ''))),
      c.missing.reply_by ? h('p', {}, `${ct('reply_by')}: ${formatDate(c.missing.reply_by)}`) : null,
      may.upload ? h('form', { id: 'missing-upload', onsubmit: async (e) => {
        e.preventDefault();
        if (!file.files[0]) { out.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, ct('err_required'))); return; }
        try {
          await uploadFile(`/api/v1/me/cases/${id}/documents`, kind.value, file.files[0]);
          await reload(ct('sent_document'));
        } catch (err) { out.replaceChildren(problemBox(err)); }
      } }, h('div', { class: 'grid' }, h('label', { for: 'missing-kind' }, ct('upload_kind'), kind), h('label', { for: 'missing-file' }, ct('file'), file)),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'missing-send' }, ct('upload')),
        !may.missing_answered ? null : h('button', { type: 'button', class: 'secondary', id: 'missing-done', onclick: async () => {
          try { await apiWith('POST', `/api/v1/me/cases/${id}/missing-answered`, {}); await reload(ct('sent_document')); } catch (err) { out.replaceChildren(problemBox(err)); }
        } }, ct('all_sent'))), out) : null));
  }

  if (c.hearing && may.hearing_reply) {
    parts.push(h('section', { id: 'hearing', 'aria-labelledby': 'hearing-title' }, h('h2', { id: 'hearing-title' }, ct('hearing')),
      c.hearing.facts ? h('p', {}, `${ct('hearing_facts')}: ${c.hearing.facts}`) : null,
      c.hearing.reply_by ? h('p', {}, `${ct('reply_by')}: ${formatDate(c.hearing.reply_by)}`) : null,
      textForm('hearing-reply', ct('your_comment'), ct('send_comment'), async (text) => {
        await apiWith('POST', `/api/v1/me/cases/${id}/hearing-reply`, { text });
        await reload(ct('comment_sent'));
      })));
  }

  if (c.decision) {
    const d = c.decision;
    const g = d.complaint_guidance || null;
    const reasons = typeof d.reasons === 'string' ? d.reasons : d.reasons ? JSON.stringify(d.reasons) : '—';
    const guidance = g ? [g.to ? `${g.to}.` : '', g.how || '', g.then || ''].filter(Boolean).join(' ') : '';
    const due = (g && g.by) || d.complaint_due;
    const appeals = (g && g.appeals_body) || d.appeals_body;
    parts.push(h('section', { id: 'decision', 'aria-labelledby': 'decision-title' }, h('h2', { id: 'decision-title' }, ct('decision')),
      h('dl', { class: 'facts' }, ...[
        [ct('decision'), outcomeText(d.outcome)], [t('when'), formatDate(d.date)],
        [ct('reasons'), reasons],
        guidance ? [ct('guidance'), guidance] : null,
        due ? [ct('complaint_by'), formatDate(due)] : null,
        appeals ? [ct('appeals_body'), appeals] : null].filter(Boolean)
        .flatMap(([k, v]) => [h('dt', {}, k), h('dd', { class: 'pre-line' }, v)]))));
  }

  if (may.complain) {
    parts.push(h('section', { id: 'complaint', 'aria-labelledby': 'complaint-title' }, h('h2', { id: 'complaint-title' }, ct('complain')),
      textForm('complaint-form', ct('complaint_text'), ct('send_complaint'), async (text) => {
        const r = await apiWith('POST', `/api/v1/me/cases/${id}/complaint`, { text }, { 'Idempotency-Key': newIdempotencyKey() });
        await reload(r && r.late ? ct('complaint_sent_late') : ct('complaint_sent'));
      }, { before: may.complaint_late ? h('p', { class: 'notice', id: 'complaint-late' }, ct('complaint_late')) : null })));
  }

  parts.push(h('h2', {}, t('letters')), letterBox, h('h2', {}, t('documents')), docBox);

  if (may.withdraw) {
    parts.push(h('details', { id: 'withdraw' }, h('summary', {}, ct('withdraw')),
      textForm('withdraw-form', ct('withdraw_reason'), ct('withdraw_confirm'), async (reason) => {
        await apiWith('POST', `/api/v1/me/cases/${id}/withdraw`, { reason });
        await reload(ct('withdrawn'));
      }, { optional: true, danger: true })));
  }
  if (nav !== state.nav) return;
  show(h('h1', {}, `${c.title || c.workflow} · ${c.case_number}`), parts, h('p', {}, h('a', { href: '#/my-cases' }, ct('back'))));
}

// ---------------------------------------------------------------- booking time (tidsbestilling)
function appointmentState(a) { return a.state === 'booked' ? ct('state_booked') : ct('state_cancelled'); }

// The citizen's booked times, each with a cancel button (null when there are none).
async function appointmentsSection() {
  const mine = (await api('GET', '/api/v1/me/appointments')).appointments;
  if (!mine.length) return null;
  const box = h('div', { 'aria-live': 'polite', id: 'appointment-result' });
  return h('section', { id: 'appointments', 'aria-labelledby': 'appointments-title' },
    h('h2', { id: 'appointments-title' }, ct('your_appointments')),
    h('ul', { class: 'services' }, mine.map((a) => h('li', { 'data-appointment': a.id },
      h('strong', {}, formatTime(a.starts_at)), ` · ${a.minutes} ${ct('book_minutes')} · ${appointmentState(a)}`,
      a.state === 'booked' ? h('span', {}, ' ', h('button', { type: 'button', class: 'secondary', id: `cancel-appointment-${a.id}`, onclick: async () => {
        try {
          await apiWith('POST', `/api/v1/me/appointments/${a.id}/cancel`, {});
          box.replaceChildren(h('p', { class: 'ok' }, ct('cancelled')));
          setTimeout(() => route(), 800);
        } catch (err) { box.replaceChildren(problemBox(err)); }
      } }, ct('cancel_appointment'))) : null,
      (a.letters || []).length ? h('div', { class: 'appointment-letters' },
        letterTable(a.letters, (doc) => `/api/v1/me/appointments/${a.id}/documents/${doc}`, box, false)) : null))), box);
}

// '#/book/AREA': the free slots of the area by day; one is chosen and booked.
async function bookingPage(area, from) {
  const nav = state.nav;
  const query = new URLSearchParams({ area, days: '14' });
  if (from) query.set('from', from);
  const list = await api('GET', `/api/v1/appointments/slots?${query}`);
  if (nav !== state.nav) return;
  const out = h('div', { 'aria-live': 'polite', id: 'booking-result' });
  const days = new Map();
  for (const s of list.slots) {
    if (!days.has(s.day)) days.set(s.day, []);
    days.get(s.day).push(s);
  }
  const groups = [...days.entries()].map(([day, slots]) => h('fieldset', { class: 'slots' },
    h('legend', {}, formatDate(day)),
    ...slots.map((s) => {
      const id = `slot-${s.starts_at.replace(/[^0-9]/g, '')}`;
      const time = new Date(s.starts_at).toLocaleTimeString(state.lang === 'da' ? 'da-DK' : 'en-GB', { timeZone: 'Europe/Copenhagen', hour: '2-digit', minute: '2-digit' });
      return h('label', { for: id, class: 'slot' }, h('input', { type: 'radio', name: 'slot', id, value: s.starts_at, required: true }), ` ${time}`,
        list.desks > 1 ? h('span', { class: 'muted' }, ` (${s.free} ${ct('free_seats')})`) : null);
    })));
  const lastDay = list.slots.length ? list.slots[list.slots.length - 1].day : null;
  const last = lastDay ? new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86400000).toISOString().slice(0, 10) : null;
  const form = h('form', { id: 'booking', onsubmit: async (e) => {
    e.preventDefault();
    const chosen = form.querySelector('input[name=slot]:checked');
    if (!chosen) return;
    try {
      const r = await apiWith('POST', '/api/v1/me/appointments', { area, starts_at: chosen.value });
      const a = r.appointment;
      show(h('h1', { id: 'booked-title' }, ct('booked')),
        h('dl', { class: 'facts' }, h('dt', {}, ct('book_at')), h('dd', {}, list.unit_name),
          h('dt', {}, t('when')), h('dd', { id: 'booked-time' }, formatTime(a.starts_at)),
          h('dt', {}, ct('book_minutes')), h('dd', {}, String(a.minutes))),
        h('p', {}, ct('booked_letter')), h('p', {}, h('a', { href: '#/my-cases' }, ct('to_my_cases'))));
    } catch (err) { out.replaceChildren(problemBox(err)); }
  } },
  groups.length ? groups : h('p', {}, ct('book_none')),
  h('div', { class: 'actions' }, groups.length ? h('button', { type: 'submit', id: 'book-submit' }, ct('book_choose')) : null,
    last ? h('a', { href: `#/book/${encodeURIComponent(area)}/${last}`, class: 'button-link secondary', id: 'later-days' }, ct('later_days')) : null), out);
  show(h('h1', {}, `${ct('book_title')}`), h('p', {}, `${ct('book_at')}: ${list.unit_name} · ${list.minutes} ${ct('book_minutes')}. ${ct('book_intro')}`),
    form, h('p', {}, h('a', { href: '#/my-cases' }, ct('back'))));
}

// The citizen's part of the router: '#/my-cases', '#/my-cases/ID', '#/apply/SERVICE', '#/receipt/ID', '#/book/AREA[/FROM]'.
async function citizenRoute(page, arg, more) {
  if (page === 'book' && arg) return bookingPage(decodeURIComponent(arg), more && /^\d{4}-\d{2}-\d{2}$/.test(more) ? more : null);
  if (page === 'apply' && arg) return serviceFormPage(decodeURIComponent(arg), false);
  if (page === 'receipt' && arg) return receiptPage(arg);
  if (page === 'my-cases' && arg) return myCasePage(arg);
  return myCasesPage();
}

// ---------------------------------------------------------------- staff: medbetjening and the exemption register
async function assistedPage(service) {
  if (service) return serviceFormPage(decodeURIComponent(service), true);
  const nav = state.nav;
  const services = (await api('GET', '/api/v1/services')).services.filter((s) => s.mode !== 'none');
  const cpr = h('input', { id: 'exempt-cpr', name: 'exempt-cpr', inputmode: 'numeric', placeholder: 'DDMMÅÅ-XXXX', autocomplete: 'off', required: true });
  const reason = h('input', { id: 'exempt-reason', name: 'exempt-reason', required: true });
  const out = h('div', { 'aria-live': 'polite', id: 'exempt-result' });
  const exemption = h('form', { id: 'exemption', class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await apiWith('POST', '/api/v1/self-service/exemptions', { cpr: cpr.value.trim(), reason: reason.value.trim() });
      cpr.value = '';
      out.replaceChildren(h('p', { class: 'ok' }, ct('exemption_saved')));
    } catch (err) { out.replaceChildren(problemBox(err)); }
  } }, h('h2', {}, ct('exemption')),
  h('div', { class: 'grid' }, h('label', { for: 'exempt-cpr' }, t('citizen'), cpr), h('label', { for: 'exempt-reason' }, ct('exemption_reason'), reason)),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', id: 'exempt-save' }, ct('register_exemption'))), out);
  if (nav !== state.nav) return;
  show(h('h1', {}, ct('assisted')), h('p', {}, ct('assisted_intro')),
    h('ul', { class: 'services' }, services.map((s) => h('li', {}, h('a', { href: `#/assisted/${encodeURIComponent(s.id)}`, id: `assisted-${s.id}` }, s.title),
      s.mode === 'attendance' && s.why ? h('span', { class: 'muted' }, ` · ${s.why}`) : null))),
    exemption);
}
