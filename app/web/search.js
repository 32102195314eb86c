// Sagsflow web page for staff: the search box in the header and the results
// page '#/search' (GET /api/v1/search). Loaded before app.js, whose helpers
// (h, api, t, show, problemBox, say, state) these functions use when they run.
//
// The searched text may be a CPR number, which is personal data: it is kept
// only in this page's memory (searchMemory and the input itself). It is never
// put in the address (the results page is '#/search', without the query), in
// localStorage or sessionStorage, and the input has no name, so a form sent
// without script carries nothing. A CPR search needs a purpose, which the
// server records with every case shown (the citizen sees it under "Hvem har
// set sagen"); the page asks for it before searching, and also when the server
// answers 400 naming the field "purpose".
'use strict';

const SEARCH_TEXT = {
  da: {
    label: 'Søg: CPR-nummer, sagsnummer, navn eller ord', placeholder: 'CPR-nummer, sagsnummer, navn eller ord',
    send: 'Søg', search_form: 'Søg i sager', title: 'Søgeresultat', nothing_yet: 'Skriv et CPR-nummer, et sagsnummer, et KLE-emne, et navn eller nogle ord i søgefeltet øverst på siden.',
    kind: 'Søgningen er taget som', kind_cpr: 'Borgerens sager', kind_case_number: 'Sagsnummer', kind_kle_subject: 'KLE-emne', kind_text: 'Fritekst',
    cpr_number: 'CPR-nummer', purpose: 'Formål',
    cpr_overview: 'Alle borgerens sager, som du må se.',
    purpose_title: 'Hvorfor slår du borgeren op?', purpose_help: 'Du søger på et CPR-nummer. Formålet skrives i adgangsloggen sammen med hver sag, du får vist, og borgeren kan se det under "Hvem har set sagen".',
    purpose_asked: 'Serveren beder om et formål for søgningen.',
    purpose_choice: 'Formål med opslaget', purpose_other: 'Andet formål', purpose_other_text: 'Skriv formålet',
    purpose_required: 'Skriv formålet med opslaget.', purpose_send: 'Søg efter borgerens sager', cancel: 'Annullér',
    p_phone: 'Telefonopkald fra borgeren', p_desk: 'Borgeren er ved skranken', p_casework: 'Sagsbehandling', p_post: 'Post fra borgeren',
    case_no: 'Sagsnr.', case_title: 'Titel', stage: 'Trin', status: 'Status', citizen: 'Borger', due: 'Frist', holder: 'Hos',
    status_open: 'Åben', status_closed: 'Afsluttet', breached: 'overskredet', queue_of: 'Kø', nobody: '—', not_claimed: 'Ikke taget', searched_for: 'Søgt efter',
    none_found: 'Ingen sager fundet, som du må se.', total_one: '1 sag i alt', total_many: '{n} sager i alt', total_capped: 'mindst {n} sager',
    page_n: 'Side {n}', next_page: 'Næste side', prev_page: 'Forrige side', searching: 'Søger…',
    filters: 'Afgræns resultatet', filters_active: 'Afgrænset resultat', area: 'Område', all_areas: 'Alle områder', all_stages: 'Alle trin',
    due_before: 'Frist før (åbne sager)', filter_send: 'Afgræns', filter_clear: 'Fjern afgrænsning',
    stage_receipt: 'Modtagelse', stage_check: 'Kontrol', stage_decision: 'Afgørelse', stage_complaint_window: 'Klagefristen løber',
    stage_reconsideration: 'Genvurdering', stage_appeals: 'Klageinstansen', stage_forward: 'Videresendelse', stage_registration: 'Registrering',
    stage_closed: 'Afsluttet', stage_forward_to_police: 'Videresendt til politiet',
  },
  en: {
    label: 'Search: CPR number, case number, name or words', placeholder: 'CPR number, case number, name or words',
    send: 'Search', search_form: 'Search cases', title: 'Search results', nothing_yet: 'Type a CPR number, a case number, a KLE subject, a name or some words into the search box at the top of the page.',
    kind: 'The search was taken as', kind_cpr: "The citizen's cases", kind_case_number: 'Case number', kind_kle_subject: 'KLE subject', kind_text: 'Free text',
    cpr_number: 'CPR number', purpose: 'Purpose',
    cpr_overview: "All the citizen's cases that you may see.",
    purpose_title: 'Why are you looking the citizen up?', purpose_help: 'You are searching by a CPR number. The purpose is written in the access log with every case you are shown, and the citizen can read it under "Who looked at the case".',
    purpose_asked: 'The server asks for a purpose for the search.',
    purpose_choice: 'Purpose of the look-up', purpose_other: 'Another purpose', purpose_other_text: 'Write the purpose',
    purpose_required: 'Write the purpose of the look-up.', purpose_send: "Search the citizen's cases", cancel: 'Cancel',
    p_phone: 'Phone call from the citizen', p_desk: 'The citizen is at the desk', p_casework: 'Casework', p_post: 'Post from the citizen',
    case_no: 'Case no.', case_title: 'Title', stage: 'Stage', status: 'Status', citizen: 'Citizen', due: 'Deadline', holder: 'Held by',
    status_open: 'Open', status_closed: 'Closed', breached: 'breached', queue_of: 'Queue', nobody: '—', not_claimed: 'Not claimed', searched_for: 'Searched for',
    none_found: 'No cases found that you may see.', total_one: '1 case in all', total_many: '{n} cases in all', total_capped: 'at least {n} cases',
    page_n: 'Page {n}', next_page: 'Next page', prev_page: 'Previous page', searching: 'Searching…',
    filters: 'Narrow the results', filters_active: 'Narrowed results', area: 'Area', all_areas: 'All areas', all_stages: 'All stages',
    due_before: 'Deadline before (open cases)', filter_send: 'Narrow', filter_clear: 'Remove the narrowing',
    stage_receipt: 'Receipt', stage_check: 'Check', stage_decision: 'Decision', stage_complaint_window: 'Complaint period running',
    stage_reconsideration: 'Reconsideration', stage_appeals: 'Appeals body', stage_forward: 'Forwarding', stage_registration: 'Registration',
    stage_closed: 'Closed', stage_forward_to_police: 'Forwarded to the police',
  },
};
const srt = (key) => SEARCH_TEXT[state.lang][key] || t(key);
const srtn = (key, n) => srt(key).replace('{n}', Number(n).toLocaleString(state.lang === 'da' ? 'da-DK' : 'en-GB'));

// The purposes offered; the Danish words are what is recorded (the citizen reads them in Danish).
const SEARCH_PURPOSES = ['p_phone', 'p_desk', 'p_casework', 'p_post'];

// What the search box holds between pages: only in memory.
const searchMemory = { q: '', purpose: '', lastPurpose: 'p_phone', needPurpose: false, askedByServer: false, cursors: [0], total: null, totalCapped: false,
  filters: { area: '', stage: '', due_before: '' } };

// A CPR number in the spellings staff type: 10 digits, a dash or a space after the sixth.
function looksLikeCpr(text) { return /^\s*\d{6}[-\s]?\d{4}\s*$/.test(text || ''); }
function maskedCpr(text) { const d = String(text).replace(/\D/g, ''); return `${d.slice(0, 6)}-XXXX`; }

// A calendar day (YYYY-MM-DD) or an instant in words, in Copenhagen.
function searchDay(text) {
  if (!text) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const locale = state.lang === 'da' ? 'da-DK' : 'en-GB';
  if (m) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toLocaleDateString(locale, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return text;
  return d.toLocaleDateString(locale, { timeZone: 'Europe/Copenhagen', day: 'numeric', month: 'long', year: 'numeric' });
}
function searchTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(state.lang === 'da' ? 'da-DK' : 'en-GB',
    { timeZone: 'Europe/Copenhagen', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}
// A stage and a status in words: app.js's words (the workflows' own stage titles) when it has them, else these.
function searchStageWord(c) {
  if (typeof stageText === 'function') return stageText(c.workflow, c.stage);
  if (!c.stage) return '';
  return SEARCH_TEXT[state.lang][`stage_${c.stage}`] || c.stage;
}
function searchStatusWord(status) {
  const own = SEARCH_TEXT[state.lang][`status_${status}`];
  if (own) return own;
  return typeof statusText === 'function' ? statusText(status) : status || '';
}
// The address of a case page: by its case number (the API takes either).
function searchCaseHref(c) { return `#/case/${encodeURIComponent(c.case_number)}`; }

// ---------------------------------------------------------------- the header: search box and bell
// Called by app.js's frame() on every navigation and language change.
function staffTools() {
  const slot = document.getElementById('staff-tools');
  if (!slot) return;
  const me = state.me;
  if (!me || me.kind === 'citizen') {
    // Signed out (or a citizen): nothing of the last search stays behind.
    slot.hidden = true;
    slot.replaceChildren();
    Object.assign(searchMemory, { q: '', purpose: '', needPurpose: false, askedByServer: false, cursors: [0], total: null });
    if (typeof bellStop === 'function') bellStop();
    return;
  }
  slot.hidden = false;
  let form = document.getElementById('search-form');
  if (!form) {
    const input = h('input', { id: 'search-q', type: 'search', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search' });
    form = h('form', { id: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); startSearch(input.value); } },
      h('label', { for: 'search-q', class: 'visually-hidden', id: 'search-label' }), input,
      h('button', { type: 'submit', id: 'search-send', class: 'search-send' }));
    slot.replaceChildren(form, typeof bellLink === 'function' ? bellLink() : '');
  }
  form.setAttribute('aria-label', srt('search_form'));
  document.getElementById('search-label').textContent = srt('label');
  document.getElementById('search-q').placeholder = srt('placeholder');
  document.getElementById('search-send').textContent = srt('send');
  if (typeof bellRefresh === 'function') bellRefresh();
}

function startSearch(text) {
  const q = (text || '').trim();
  if (!q) return;
  Object.assign(searchMemory, { q, purpose: '', needPurpose: looksLikeCpr(q), askedByServer: false, cursors: [0], total: null, totalCapped: false,
    filters: { area: '', stage: '', due_before: '' } });
  if (location.hash === '#/search') route();
  else location.hash = '#/search';
}

// ---------------------------------------------------------------- the results page
async function searchPage() {
  const nav = state.nav;
  const m = searchMemory;
  if (!m.q) return show(h('h1', {}, srt('title')), h('p', { id: 'search-empty' }, srt('nothing_yet')));
  if (m.needPurpose && !m.purpose) return show(purposeForm());
  const after = m.cursors[m.cursors.length - 1];
  const params = new URLSearchParams({ q: m.q, limit: '25' });
  if (m.purpose) params.set('purpose', m.purpose);
  if (after) params.set('after', String(after));
  if (m.total === null) params.set('count', 'true');
  for (const [k, v] of Object.entries(m.filters)) if (v) params.set(k, v);
  let r;
  try {
    r = await api('GET', `/api/v1/search?${params}`);
  } catch (err) {
    if (nav !== state.nav) return;
    const p = err.problem || {};
    if (p.status === 400 && p.field === 'purpose') {
      m.needPurpose = true;
      m.askedByServer = true;
      m.purpose = '';
      return show(purposeForm());
    }
    return show(h('h1', {}, srt('title')), filterForm(), problemBox(err));
  }
  if (typeof loadStageTitles === 'function') await loadStageTitles();
  if (typeof loadAreas === 'function') await loadAreas().catch(() => null);  // app.js: the areas and their words, for the filters
  else if (!state.areas) state.areas = await api('GET', '/api/v1/areas').catch(() => null);
  if (nav !== state.nav) return;
  if (r.total !== undefined && r.total !== null) { m.total = r.total; m.totalCapped = !!r.total_capped; }
  show(resultsView(r));
}

function purposeForm() {
  const m = searchMemory;
  const choice = h('select', { id: 'search-purpose', name: 'search-purpose' },
    SEARCH_PURPOSES.map((k) => h('option', { value: k, selected: k === m.lastPurpose }, srt(k))),
    h('option', { value: 'other', selected: m.lastPurpose === 'other' }, srt('purpose_other')));
  const other = h('input', { id: 'search-purpose-other', autocomplete: 'off', 'aria-describedby': 'search-purpose-other-error' });
  const otherError = h('p', { id: 'search-purpose-other-error', class: 'field-error', hidden: true }, srt('purpose_required'));
  const otherBox = h('div', { class: 'field', id: 'search-purpose-other-box', hidden: choice.value !== 'other' },
    h('label', { for: 'search-purpose-other' }, srt('purpose_other_text')), other, otherError);
  choice.addEventListener('change', () => { otherBox.hidden = choice.value !== 'other'; });
  const form = h('form', { id: 'search-purpose-form', class: 'card', onsubmit: (e) => {
    e.preventDefault();
    let purpose;
    if (choice.value === 'other') {
      purpose = other.value.trim();
      if (!purpose) {
        otherError.hidden = false;
        other.setAttribute('aria-invalid', 'true');
        other.focus();
        return;
      }
    } else {
      purpose = SEARCH_TEXT.da[choice.value];  // recorded in Danish, as the citizen reads it
    }
    m.lastPurpose = choice.value;
    m.purpose = purpose;
    route();
  } },
  h('div', { class: 'field' }, h('label', { for: 'search-purpose' }, srt('purpose_choice')), choice),
  otherBox,
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary', id: 'search-purpose-send' }, srt('purpose_send')),
    h('button', { type: 'button', class: 'secondary', id: 'search-purpose-cancel', onclick: () => {
      Object.assign(m, { q: '', purpose: '', needPurpose: false });
      const input = document.getElementById('search-q');
      if (input) input.value = '';
      route();
    } }, srt('cancel'))));
  return [h('h1', {}, srt('purpose_title')),
    h('p', { class: 'notice', id: 'search-purpose-help' }, `${srt('cpr_number')} ${maskedCpr(m.q)}. `, srt('purpose_help')),
    m.askedByServer ? h('p', { class: 'muted' }, srt('purpose_asked')) : null, form];
}

function resultsView(r) {
  const m = searchMemory;
  const what = r.kind === 'cpr' ? maskedCpr(m.q) : r.kind === 'text' ? `»${m.q}«` : m.q;
  const pageNo = m.cursors.length;
  const total = m.total === null ? null
    : m.totalCapped ? srtn('total_capped', m.total) : m.total === 1 ? srt('total_one') : srtn('total_many', m.total);
  const head = [srt('case_no'), srt('case_title'), srt('stage'), srt('status'), srt('citizen'), srt('due'), srt('holder')];
  const rows = r.cases.map((c) => [
    h('a', { href: searchCaseHref(c), 'data-case': c.case_number }, c.case_number),
    c.title || c.workflow || '',
    searchStageWord(c),
    searchStatusWord(c.status),
    c.citizen || srt('nobody'),
    c.due ? [searchDay(c.due), c.breached ? h('span', { class: 'no' }, ` (${srt('breached')})`) : ''] : srt('nobody'),
    c.assignee ? c.assignee : c.queue ? `${srt('queue_of')}: ${c.queue.name}` : srt('not_claimed')]);
  const buttons = h('div', { class: 'actions' },
    pageNo > 1 ? h('button', { type: 'button', class: 'secondary', id: 'search-prev', onclick: () => { m.cursors.pop(); route(); } }, srt('prev_page')) : null,
    r.cut && r.next_after !== null ? h('button', { type: 'button', class: 'secondary', id: 'search-next', onclick: () => { m.cursors.push(r.next_after); route(); } }, srt('next_page')) : null);
  return [h('h1', {}, r.kind === 'cpr' ? srt('kind_cpr') : srt('title')),
    h('dl', { class: 'facts', id: 'search-facts' },
      h('dt', {}, srt('kind')), h('dd', { id: 'search-kind', 'data-kind': r.kind }, srt(`kind_${r.kind}`)),
      h('dt', {}, r.kind === 'cpr' ? srt('cpr_number') : srt('searched_for')), h('dd', { id: 'search-what' }, what),
      r.kind === 'cpr' ? [h('dt', {}, srt('purpose')), h('dd', { id: 'search-purpose-given' }, m.purpose)] : null,
      total !== null ? [h('dt', {}, t('total')), h('dd', { id: 'search-total' }, total)] : null,
      h('dt', {}, srt('page_n').replace('{n}', '').trim()), h('dd', {}, String(pageNo))),
    r.kind === 'cpr' ? h('p', { class: 'muted' }, srt('cpr_overview')) : null,
    r.kind === 'case_number' ? null : filterForm(),
    h('div', { id: 'search-results' }, rows.length ? table(head, rows) : h('p', { id: 'search-none' }, srt('none_found'))),
    buttons];
}

// Narrowing the results (the API's filters): area, stage, a deadline before a day. Kept in memory with the search.
function filterForm() {
  const m = searchMemory;
  const f = m.filters;
  const areas = ((state.areas && state.areas.areas) || []).map((a) => a.id);
  const areaWord = (id) => (typeof areaText === 'function' ? areaText(id) : id);
  const stages = ['receipt', 'check', 'decision', 'complaint_window', 'reconsideration', 'appeals'];
  const area = h('select', { id: 'search-area' }, h('option', { value: '' }, srt('all_areas')),
    areas.map((id) => h('option', { value: id, selected: id === f.area }, areaWord(id))));
  const stage = h('select', { id: 'search-stage' }, h('option', { value: '' }, srt('all_stages')),
    stages.map((id) => h('option', { value: id, selected: id === f.stage }, SEARCH_TEXT[state.lang][`stage_${id}`] || id)));
  const due = h('input', { id: 'search-due-before', type: 'date', value: f.due_before });
  const again = (filters) => { m.filters = filters; m.cursors = [0]; m.total = null; route(); };
  const active = Object.values(f).some(Boolean);
  return h('details', { class: 'search-filters', id: 'search-filters', open: active },
    h('summary', {}, active ? srt('filters_active') : srt('filters')),
    h('form', { class: 'grid', id: 'search-filter-form', onsubmit: (e) => {
      e.preventDefault();
      again({ area: area.value, stage: stage.value, due_before: due.value });
    } },
    h('label', { for: 'search-area' }, srt('area'), area),
    h('label', { for: 'search-stage' }, srt('stage'), stage),
    h('label', { for: 'search-due-before' }, srt('due_before'), due),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'search-filter-send' }, srt('filter_send')),
      active ? h('button', { type: 'button', class: 'secondary', id: 'search-filter-clear', onclick: () => again({ area: '', stage: '', due_before: '' }) }, srt('filter_clear')) : null)));
}
