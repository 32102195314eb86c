// Sagsflow web page for staff: appointments (tidsbestilling), '#/tider'.
// The front desk's and the phone's view of a day's booked times, with
// booking for a citizen, moving and cancelling (the citizen gets a letter
// each time). Loaded before app.js, whose helpers (h, api, t, show, table,
// select, problemBox, say, letterTable, state) and citizen.js's formatTime
// these functions use when they run. Every rule is the server's
// (routes_appointments.cpp); the page shows its answers and its refusals.
// The citizen's CPR number is typed into an input without a name (a form
// without script never sends it) and never put into the URL or storage; the
// citizen is shown only as the API masks them.
'use strict';

const APPOINTMENT_TEXT = {
  da: {
    nav: 'Tider', title: 'Tidsbestilling', day: 'Dag', unit: 'Sted', all_units: 'Alle steder',
    prev_day: 'Forrige dag', today: 'I dag', next_day: 'Næste dag', day_title: 'Bestilte tider',
    none_day: 'Ingen bestilte tider denne dag.', time: 'Tid', area: 'Område', minutes: 'Minutter', citizen: 'Borger',
    booked_via: 'Bestilt via', state: 'Status', handle: 'Handlinger',
    state_booked: 'Bestilt', state_cancelled: 'Aflyst',
    channel_phone: 'Telefon', channel_personal_attendance: 'Personligt fremmøde', channel_digital_self_service: 'Selvbetjening',
    by_citizen: 'borgeren selv',
    show_letters: 'Breve', cancel: 'Aflys', move: 'Flyt', close: 'Luk',
    letters_title: 'Breve om tiden', booked_at: 'Bestilt', booked_by: 'Bestilt af', case_id: 'Sag (id)', reason_given: 'Begrundelse',
    cancel_title: 'Aflys tiden', reason: 'Begrundelse (står i brevet til borgeren)',
    reason_required: 'Skriv en begrundelse. Den står i brevet om aflysningen til borgeren.',
    cancel_send: 'Aflys tiden', cancelled: 'Tiden er aflyst',
    cancel_letter: 'Borgeren får et brev om aflysningen (Digital Post eller med posten).',
    move_title: 'Flyt tiden', move_send: 'Flyt til den valgte tid', moved: 'Tiden er flyttet',
    move_letter: 'Borgeren får en ny bekræftelse som brev (Digital Post eller med posten).', go_to_day: 'Vis dagen',
    book_title: 'Bestil tid for en borger', cpr: 'Borgerens CPR-nummer', channel: 'Borgeren henvender sig via',
    deadline: 'Frist (kan udelades)', deadline_help: 'Har borgeren en frist (f.eks. en klagefrist), vises det, om der er en ledig tid før den.',
    slots: 'Ledige tider', no_slots: 'Der er ingen ledige tider i perioden.', later_days: 'Vis senere dage',
    first_days: 'Vis de første ledige tider', free: 'ledige', after_deadline: 'efter fristen',
    book_send: 'Bestil tiden', booked: 'Tiden er bestilt', appointment_no: 'Tid nr.',
    booked_letter: 'Borgeren får en bekræftelse af tiden som brev (Digital Post eller med posten).',
    cpr_required: 'Skriv borgerens CPR-nummer (DDMMÅÅ-XXXX).', slot_required: 'Vælg en ledig tid.',
    no_areas: 'Kommunen tager ikke imod tidsbestilling på noget område.', at: 'kl.',
  },
  en: {
    nav: 'Appointments', title: 'Appointments', day: 'Day', unit: 'Place', all_units: 'All places',
    prev_day: 'Previous day', today: 'Today', next_day: 'Next day', day_title: 'Booked times',
    none_day: 'No booked times on this day.', time: 'Time', area: 'Area', minutes: 'Minutes', citizen: 'Citizen',
    booked_via: 'Booked via', state: 'Status', handle: 'Actions',
    state_booked: 'Booked', state_cancelled: 'Cancelled',
    channel_phone: 'Phone', channel_personal_attendance: 'Personal attendance', channel_digital_self_service: 'Self-service',
    by_citizen: 'the citizen',
    show_letters: 'Letters', cancel: 'Cancel', move: 'Move', close: 'Close',
    letters_title: 'Letters about the time', booked_at: 'Booked', booked_by: 'Booked by', case_id: 'Case (id)', reason_given: 'Reason',
    cancel_title: 'Cancel the time', reason: 'Reason (stated in the letter to the citizen)',
    reason_required: 'Write a reason. It is stated in the cancellation letter to the citizen.',
    cancel_send: 'Cancel the time', cancelled: 'The time is cancelled',
    cancel_letter: 'The citizen gets a letter about the cancellation (Digital Post or by post).',
    move_title: 'Move the time', move_send: 'Move to the chosen time', moved: 'The time is moved',
    move_letter: 'The citizen gets a new confirmation as a letter (Digital Post or by post).', go_to_day: 'Show the day',
    book_title: 'Book a time for a citizen', cpr: "Citizen's CPR number", channel: 'The citizen contacts us via',
    deadline: 'Deadline (optional)', deadline_help: 'If the citizen has a deadline (e.g. for a complaint), the page shows whether a free time comes before it.',
    slots: 'Free times', no_slots: 'There are no free times in the period.', later_days: 'Show later days',
    first_days: 'Show the first free times', free: 'free', after_deadline: 'after the deadline',
    book_send: 'Book the time', booked: 'The time is booked', appointment_no: 'Appointment no.',
    booked_letter: 'The citizen gets a confirmation of the time as a letter (Digital Post or by post).',
    cpr_required: "Write the citizen's CPR number (DDMMYY-XXXX).", slot_required: 'Choose a free time.',
    no_areas: 'The municipality takes no appointments for any area.', at: 'at',
  },
};
const apt = (key) => APPOINTMENT_TEXT[state.lang][key] || t(key);
const APPOINTMENT_ZONE = 'Europe/Copenhagen';
const appointmentLocale = () => (state.lang === 'da' ? 'da-DK' : 'en-GB');

// The calendar day (YYYY-MM-DD) an instant falls on in Copenhagen.
function copenhagenDay(instant) {
  const d = instant instanceof Date ? instant : new Date(instant);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: APPOINTMENT_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
function shiftDay(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
function dayInWords(day) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day || '')) return day || '';
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(appointmentLocale(),
    { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}
function clockOf(instant) {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return String(instant || '');
  return d.toLocaleTimeString(appointmentLocale(), { timeZone: APPOINTMENT_ZONE, hour: '2-digit', minute: '2-digit' });
}
function timeSpan(a) {
  const start = Date.parse(a.starts_at);
  if (Number.isNaN(start)) return a.local_time || a.starts_at;
  return `${clockOf(start)}–${clockOf(start + (a.minutes || 0) * 60000)}`;
}
const channelWord = (key) => (key ? apt(`channel_${key}`) : '—');
// The reason staff gave, as the letter states it (the API keeps it as 'cancelled: <reason>').
const givenReason = (text) => String(text || '').replace(/^cancelled: /, '');
const stateWord = (key) => (key === 'booked' || key === 'cancelled' ? apt(`state_${key}`) : key || '—');

// Staff get each letter with its delivery (attempts, receipt); '–' only should a field be missing.
function appointmentLetters(a, box) {
  const letters = (a.letters || []).map((l) => ({ ...l, attempts: l.attempts ?? '–', receipt: l.receipt || '' }));
  return letterTable(letters, (doc) => `/api/v1/appointments/${a.id}/documents/${doc}`, box, true);
}

// Marks the input a refusal names (the problem's `field`), and only that one.
function markRefusedField(form, err, inputs) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const field = err && err.problem && err.problem.field;
  const el = field && inputs[field];
  if (el) el.setAttribute('aria-invalid', 'true');
}

// The free times of `area` grouped by day as radio buttons (named `${prefix}-slot`),
// a week at a time; `deadline()` gives an optional deadline to measure them against.
function slotPicker(prefix, areaOf, deadline) {
  const box = h('div', { id: `${prefix}-slots`, 'aria-live': 'polite' });
  let asked = 0;  // the latest question wins: an older answer arriving late is dropped
  const load = async (from) => {
    const mine = ++asked;
    const area = areaOf();
    if (!area) { box.replaceChildren(); return; }
    const q = new URLSearchParams({ area, days: '7' });
    if (state.me && state.me.municipality) q.set('municipality', state.me.municipality);
    if (from) q.set('from', from);
    if (deadline && deadline()) q.set('deadline', deadline());
    let list;
    try { list = await api('GET', `/api/v1/appointments/slots?${q}`); } catch (err) {
      if (mine === asked) box.replaceChildren(problemBox(err));
      return;
    }
    if (mine !== asked) return;
    const days = new Map();
    for (const s of list.slots) {
      if (!days.has(s.day)) days.set(s.day, []);
      days.get(s.day).push(s);
    }
    const groups = [...days.entries()].map(([day, slots]) => h('fieldset', { class: 'slots', 'data-day': day },
      h('legend', {}, dayInWords(day)),
      h('div', { class: 'actions' }, slots.map((s) => {
        const id = `${prefix}-slot-${s.starts_at.replace(/[^0-9]/g, '')}`;
        return h('label', { for: id, class: 'check' },
          h('input', { type: 'radio', name: `${prefix}-slot`, id, value: s.starts_at, 'data-day': s.day }), clockOf(s.starts_at),
          list.desks > 1 ? h('span', { class: 'muted' }, `(${s.free} ${apt('free')})`) : null,
          s.after_deadline ? h('span', { class: 'no' }, `(${apt('after_deadline')})`) : null);
      }))));
    const lastDay = list.slots.length ? list.slots[list.slots.length - 1].day : (from || null);
    box.replaceChildren(...[  // replaceChildren takes nodes only: the groups are spread and the absent parts dropped
      h('p', { class: 'muted' }, `${list.unit_name} · ${list.minutes} ${apt('minutes').toLowerCase()}`),
      list.advice ? h('p', { class: list.advice.after_deadline ? 'problem' : 'notice', id: `${prefix}-advice` }, list.advice.message) : null,
      groups.length ? groups : h('p', { id: `${prefix}-no-slots` }, apt('no_slots')),
      h('div', { class: 'actions' },
        lastDay ? h('button', { type: 'button', class: 'secondary', id: `${prefix}-later`, onclick: () => load(shiftDay(lastDay, 1)) }, apt('later_days')) : null,
        from ? h('button', { type: 'button', class: 'secondary', id: `${prefix}-first`, onclick: () => load(null) }, apt('first_days')) : null)]
      .flat().filter(Boolean));
  };
  const chosen = () => {
    const input = box.querySelector(`input[name="${prefix}-slot"]:checked`);
    return input ? input.value : null;
  };
  return { box, load, chosen };
}

async function staffAppointmentsPage() {
  const nav = state.nav;  // a later navigation wins: this page then renders nothing
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const hours = await api('GET', '/api/v1/opening-hours');
  // The service areas' names: the titles of their services (the API has no label of an area itself).
  const services = await api('GET', '/api/v1/services').catch(() => ({ services: [] }));
  const municipality = (hours.municipalities || []).find((m) => m.code === state.me.municipality) || (hours.municipalities || [])[0] || { units: [] };
  const units = (municipality.units || []).filter((u) => (u.appointments_for || []).length);
  const areaIds = [...new Set(units.flatMap((u) => u.appointments_for))];
  const areaLabel = (id) => {
    const s = (services.services || []).find((x) => x.area === id && x.bookable) || (services.services || []).find((x) => x.area === id);
    return s ? s.title : id;
  };
  const unitName = (id) => (units.find((u) => u.id === id) || { name: id }).name;

  // ---- the day: picker, place, the list
  const dayInput = h('input', { type: 'date', id: 'appt-day', name: 'appt-day', value: /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') || '') ? params.get('date') : copenhagenDay(new Date()) });
  const unitSelect = select('appt-unit', [['', apt('all_units')], ...units.map((u) => [u.id, u.name])], params.get('unit') || '');
  const dayTitle = h('h2', { id: 'appt-day-title' }, apt('day_title'));
  const dayBox = h('div', { id: 'appt-day-list', 'aria-live': 'polite' });
  const panel = h('div', { id: 'appt-action' });
  let dayAsked = 0;
  const remember = () => {
    // The day and the place (never the citizen) are kept in the address, so a reload shows the same day.
    const q = new URLSearchParams();
    if (dayInput.value) q.set('date', dayInput.value);
    if (unitSelect.value) q.set('unit', unitSelect.value);
    history.replaceState(null, '', `#/tider${q.toString() ? `?${q}` : ''}`);
  };
  const loadDay = async () => {
    const mine = ++dayAsked;
    const q = new URLSearchParams();
    if (dayInput.value) q.set('date', dayInput.value);
    if (unitSelect.value) q.set('unit', unitSelect.value);
    let list;
    try { list = await api('GET', `/api/v1/appointments?${q}`); } catch (err) {
      if (mine === dayAsked && nav === state.nav) dayBox.replaceChildren(problemBox(err));
      return;
    }
    if (mine !== dayAsked || nav !== state.nav) return;
    if (!dayInput.value) dayInput.value = list.date;
    dayTitle.textContent = `${apt('day_title')} ${dayInWords(list.date)}`;
    const rows = [...list.appointments].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.id - b.id);
    dayBox.replaceChildren(rows.length ? table([apt('time'), apt('area'), apt('unit'), apt('minutes'), apt('citizen'), apt('booked_via'), apt('state'), apt('handle')],
      rows.map((a) => [
        h('span', { 'data-appointment': a.id }, timeSpan(a)), areaLabel(a.area), unitName(a.unit), String(a.minutes), a.citizen || '—',
        `${channelWord(a.channel)} (${a.booked_by === 'citizen' ? apt('by_citizen') : a.booked_by})`, stateWord(a.state),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', id: `appt-letters-${a.id}`, 'aria-label': `${apt('show_letters')} ${apt('at')} ${timeSpan(a)}`, onclick: () => lettersPanel(a) }, apt('show_letters')),
          a.state === 'booked' ? h('button', { type: 'button', class: 'secondary', id: `appt-move-${a.id}`, 'aria-label': `${apt('move')} ${apt('at')} ${timeSpan(a)}`, onclick: () => movePanel(a) }, apt('move')) : null,
          a.state === 'booked' ? h('button', { type: 'button', class: 'secondary', id: `appt-cancel-${a.id}`, 'aria-label': `${apt('cancel')} ${apt('at')} ${timeSpan(a)}`, onclick: () => cancelPanel(a) }, apt('cancel')) : null)]))
      : h('p', { class: 'muted', id: 'appt-none' }, apt('none_day')));
  };
  const goTo = (day) => {
    dayInput.value = day;
    remember();
    return loadDay();
  };
  dayInput.addEventListener('change', () => { remember(); loadDay(); });
  unitSelect.addEventListener('change', () => { remember(); loadDay(); });
  const dayForm = h('form', { class: 'grid', id: 'appt-day-form', onsubmit: (e) => { e.preventDefault(); loadDay(); } },
    h('label', { for: 'appt-day' }, apt('day'), dayInput),
    units.length > 1 ? h('label', { for: 'appt-unit' }, apt('unit'), unitSelect) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'appt-prev', onclick: () => goTo(shiftDay(dayInput.value || copenhagenDay(new Date()), -1)) }, apt('prev_day')),
      h('button', { type: 'button', class: 'secondary', id: 'appt-today', onclick: () => goTo(copenhagenDay(new Date())) }, apt('today')),
      h('button', { type: 'button', class: 'secondary', id: 'appt-next', onclick: () => goTo(shiftDay(dayInput.value || copenhagenDay(new Date()), 1)) }, apt('next_day'))));

  // After a cancellation or a move: the day list and the free times again, and no stale booking answer about that time.
  const afterChange = async (id) => {
    const answer = bookOut.firstChild;
    if (answer && answer.dataset && answer.dataset.appointment === String(id)) bookOut.replaceChildren();
    await Promise.all([loadDay(), areaIds.length ? bookPicker.load(null) : null]);
  };

  // ---- the panel under the list: one appointment's letters, its cancellation or its move
  const describe = (a) => `${dayInWords(copenhagenDay(a.starts_at))} ${apt('at')} ${timeSpan(a)} · ${areaLabel(a.area)} · ${a.citizen || '—'}`;
  const openPanel = (title, ...content) => {
    const heading = h('h3', { id: 'appt-action-title', tabindex: '-1' }, title);
    panel.replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'appt-action-title' }, heading, content,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', id: 'appt-action-close', onclick: () => panel.replaceChildren() }, apt('close')))));
    return heading;
  };
  const resultFacts = (a) => h('dl', { class: 'facts' }, ...[
    [t('when'), formatTime(a.starts_at)], [apt('area'), areaLabel(a.area)], [apt('unit'), unitName(a.unit)],
    [apt('minutes'), String(a.minutes)], [apt('citizen'), a.citizen || '—'], [apt('booked_via'), channelWord(a.channel)],
    [apt('state'), stateWord(a.state)]].flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

  async function lettersPanel(a) {
    const box = h('div', { id: 'appt-letters' }, h('p', {}, t('loading')));
    openPanel(`${apt('letters_title')}: ${describe(a)}`, box).focus();
    try {
      const one = (await api('GET', `/api/v1/appointments/${a.id}`)).appointment;
      if (nav !== state.nav) return;
      box.replaceChildren(h('dl', { class: 'facts' }, ...[
        [apt('booked_at'), formatTime(one.booked_at)], [apt('booked_by'), one.booked_by === 'citizen' ? apt('by_citizen') : one.booked_by],
        one.case_id ? [apt('case_id'), String(one.case_id)] : null,
        one.cancel_reason ? [apt('reason_given'), givenReason(one.cancel_reason)] : null].filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('h4', {}, t('letters')), appointmentLetters(one, box));
    } catch (err) { box.replaceChildren(problemBox(err)); }
  }

  function cancelPanel(a) {
    const reason = h('input', { id: 'appt-cancel-reason', name: 'appt-cancel-reason', maxlength: '500', autocomplete: 'off', required: true, 'aria-describedby': 'appt-cancel-reason-error' });
    const error = h('p', { class: 'field-error', id: 'appt-cancel-reason-error', hidden: true });
    const out = h('div', { id: 'appt-cancel-out', 'aria-live': 'polite' });
    const send = h('button', { type: 'submit', class: 'primary', id: 'appt-cancel-send' }, apt('cancel_send'));
    const form = h('form', { id: 'appt-cancel-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      out.replaceChildren();
      const text = reason.value.trim();
      if (!text) {
        error.textContent = apt('reason_required');
        error.hidden = false;
        error.setAttribute('role', 'alert');
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        return;
      }
      error.hidden = true;
      reason.removeAttribute('aria-invalid');
      send.disabled = true;
      try {
        const done = (await api('POST', `/api/v1/appointments/${a.id}/cancel`, { reason: text })).appointment;
        if (nav !== state.nav) return;
        const letterBox = h('div', { id: 'appt-cancel-letters' });
        letterBox.append(appointmentLetters(done, letterBox));
        openPanel(`${apt('cancelled')}: ${describe(done)}`,
          h('div', { class: 'notice', id: 'appt-cancelled', 'data-appointment': done.id }, h('strong', {}, `${apt('cancelled')}.`), ' ', apt('cancel_letter'),
            done.cancel_reason ? h('p', {}, `${apt('reason_given')}: ${givenReason(done.cancel_reason)}`) : null),
          resultFacts(done), h('h4', {}, t('letters')), letterBox).focus();
        say(apt('cancelled'));
        await afterChange(done.id);
      } catch (err) {
        send.disabled = false;
        if (err.problem && err.problem.field === 'reason') reason.setAttribute('aria-invalid', 'true');
        out.replaceChildren(problemBox(err));
      }
    } },
    h('div', { class: 'field' }, h('label', { for: 'appt-cancel-reason' }, apt('reason'), reason), error),
    h('div', { class: 'actions' }, send), out);
    openPanel(`${apt('cancel_title')}: ${describe(a)}`, form);
    reason.focus();
  }

  function movePanel(a) {
    const picker = slotPicker('move', () => a.area, null);
    const out = h('div', { id: 'appt-move-out', 'aria-live': 'polite' });
    const send = h('button', { type: 'submit', class: 'primary', id: 'appt-move-send' }, apt('move_send'));
    const form = h('form', { id: 'appt-move-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      out.replaceChildren();
      const startsAt = picker.chosen();
      if (!startsAt) { out.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, apt('slot_required'))); return; }
      send.disabled = true;
      try {
        const moved = (await api('POST', `/api/v1/appointments/${a.id}/move`, { starts_at: startsAt })).appointment;
        if (nav !== state.nav) return;
        const letterBox = h('div', { id: 'appt-move-letters' });
        letterBox.append(appointmentLetters(moved, letterBox));
        const day = copenhagenDay(moved.starts_at);
        openPanel(`${apt('moved')}: ${describe(moved)}`,
          h('div', { class: 'notice', id: 'appt-moved', 'data-appointment': moved.id }, h('strong', {}, `${apt('moved')}.`), ' ', apt('move_letter')),
          resultFacts(moved), h('h4', {}, t('letters')), letterBox,
          day !== dayInput.value ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', id: 'appt-go-to-day', onclick: () => goTo(day) }, `${apt('go_to_day')}: ${dayInWords(day)}`)) : null).focus();
        say(apt('moved'));
        await afterChange(a.id);
      } catch (err) {
        send.disabled = false;
        out.replaceChildren(problemBox(err));
      }
    } },
    h('fieldset', {}, h('legend', {}, apt('slots')), picker.box),
    h('div', { class: 'actions' }, send), out);
    openPanel(`${apt('move_title')}: ${describe(a)}`, form).focus();
    picker.load(null);
  }

  // ---- booking for a citizen (on the phone or at the desk)
  const areaSelect = select('appt-area', areaIds.map((id) => [id, areaLabel(id)]), areaIds[0] || '');
  const cpr = h('input', { id: 'appt-cpr', inputmode: 'numeric', placeholder: 'DDMMÅÅ-XXXX', autocomplete: 'off', maxlength: '11',
    spellcheck: 'false', 'aria-describedby': 'appt-cpr-error', required: true });  // no name: the number goes nowhere but the API call
  const cprError = h('p', { class: 'field-error', id: 'appt-cpr-error', hidden: true });
  const channel = select('appt-channel', [['phone', apt('channel_phone')], ['personal_attendance', apt('channel_personal_attendance')]], 'phone');
  const deadline = h('input', { type: 'date', id: 'appt-deadline', name: 'appt-deadline', 'aria-describedby': 'appt-deadline-help' });
  const bookPicker = slotPicker('book', () => areaSelect.value, () => deadline.value);
  const bookOut = h('div', { id: 'appt-book-result', 'aria-live': 'polite' });
  const bookSend = h('button', { type: 'submit', class: 'primary', id: 'appt-book-send' }, apt('book_send'));
  const slotsSet = h('fieldset', { id: 'appt-book-slots' }, h('legend', {}, apt('slots')), bookPicker.box);
  const bookActions = h('div', { class: 'actions' }, bookSend);
  const bookForm = h('form', { class: 'grid card', id: 'appt-book', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    bookOut.replaceChildren();
    cprError.hidden = true;
    for (const el of bookForm.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const number = cpr.value.trim();
    if (!number) {
      cprError.textContent = apt('cpr_required');
      cprError.hidden = false;
      cprError.setAttribute('role', 'alert');
      cpr.setAttribute('aria-invalid', 'true');
      cpr.focus();
      return;
    }
    const startsAt = bookPicker.chosen();
    if (!startsAt) {
      bookOut.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, apt('slot_required')));
      return;
    }
    const body = { area: areaSelect.value, starts_at: startsAt, cpr: number, channel: channel.value };
    if (deadline.value) body.deadline = deadline.value;
    bookSend.disabled = true;
    try {
      const a = (await api('POST', '/api/v1/appointments', body)).appointment;
      bookSend.disabled = false;
      if (nav !== state.nav) return;
      cpr.value = '';  // the next caller is someone else
      const letterBox = h('div', { id: 'appt-booked-letters' });
      letterBox.append(appointmentLetters(a, letterBox));
      bookOut.replaceChildren(h('div', { class: 'notice', id: 'appt-booked', 'data-appointment': a.id, tabindex: '-1' },
        h('strong', {}, `${apt('booked')} (${apt('appointment_no')} ${a.id})`), resultFacts(a),
        h('p', {}, apt('booked_letter')), h('h3', {}, t('letters')), letterBox));
      bookOut.firstChild.focus();
      say(apt('booked'));
      if (unitSelect.value && unitSelect.value !== a.unit) unitSelect.value = '';  // show the place it was booked at
      await Promise.all([goTo(copenhagenDay(a.starts_at)), bookPicker.load(null)]);
    } catch (err) {
      bookSend.disabled = false;
      markRefusedField(bookForm, err, { cpr, channel, deadline, starts_at: slotsSet, area: areaSelect });
      bookOut.replaceChildren(problemBox(err));
    }
  } },
  h('label', { for: 'appt-area' }, apt('area'), areaSelect),
  h('div', { class: 'field' }, h('label', { for: 'appt-cpr' }, apt('cpr'), cpr), cprError),
  h('label', { for: 'appt-channel' }, apt('channel'), channel),
  h('div', { class: 'field' }, h('label', { for: 'appt-deadline' }, apt('deadline'), deadline),
    h('p', { class: 'help muted', id: 'appt-deadline-help' }, apt('deadline_help'))),
  slotsSet, bookActions, bookOut);
  // The free times, the buttons and the answer take the whole width of the form's grid (set through the CSSOM: the CSP allows no style attribute).
  for (const el of [slotsSet, bookActions, bookOut]) el.style.gridColumn = '1 / -1';
  areaSelect.addEventListener('change', () => bookPicker.load(null));
  deadline.addEventListener('change', () => bookPicker.load(null));

  if (nav !== state.nav) return;
  show(h('h1', {}, apt('title')), dayForm, dayTitle, dayBox, panel,
    h('h2', { id: 'appt-book-title' }, apt('book_title')),
    areaIds.length ? bookForm : h('p', { class: 'notice' }, apt('no_areas')));
  await Promise.all([loadDay(), areaIds.length ? bookPicker.load(null) : null]);
}
