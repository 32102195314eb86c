// Sagsflow web pages for staff: the worklist '#/worklist' (filters, pages,
// several cases claimed or reassigned at once) and the team leader's overview
// '#/team' (GET /api/v1/reports/team). Loaded before app.js, whose helpers
// (h, api, t, show, problemBox, problemWords, say, state, svg, stageText,
// areaText, dayText, loadAreas, loadStageTitles) these functions use when they run.
//
// The chosen filters are kept only in this page's memory (wlMemory): never in
// the address, localStorage or sessionStorage. Cases are linked by their case
// number (#/case/<case_number>); the citizen is shown as the API masks them.
'use strict';

const WL_TEXT = {
  da: {
    title: 'Arbejdsliste', filters: 'Vælg sager', list: 'Liste', mine: 'Mine sager', unit_queue: 'Enhedens kø', colleagues: 'Kollegers sager',
    colleague_list: 'Sager hos {name}', stage: 'Trin', all_stages: 'Alle trin', area: 'Område', all_areas: 'Alle områder',
    deadline: 'Frist', all_deadlines: 'Alle frister', due_week: 'Frist denne uge', due_passed: 'Frist overskredet',
    sort: 'Rækkefølge', oldest: 'Ældste først', newest: 'Nyeste først', apply: 'Vis sager',
    shown_of: 'Viser {n} af {total}', shown_of_capped: 'Viser {n} af mindst {total}', shown: 'Viser {n}', page_n: 'side {n}',
    next_page: 'Næste side', prev_page: 'Forrige side', none: 'Ingen sager passer til det valgte.',
    select: 'Vælg', select_case: 'Vælg sag {nr}', select_all: 'Vælg alle sager på siden',
    case_no: 'Sagsnr.', case_title: 'Titel', citizen: 'Borger', due: 'Frist', holder: 'Hos', not_claimed: 'Ikke taget', breached: 'overskredet',
    claim_one: 'Tag sagen', action_col: 'Handling', claim_selected: 'Tag valgte sager', give_to: 'Giv til', give_selected: 'Giv valgte sager til {name}',
    nothing_selected: 'Vælg først en eller flere sager.', choose_colleague: 'Vælg den kollega, sagerne skal gives til.',
    claim_result: 'Tag sager: {done} taget, {failed} ikke taget', reassign_result: 'Giv sager til {name}: {done} givet, {failed} ikke givet',
    claimed_ok: 'taget af dig', given_ok: 'givet til {name}', not_done: 'ikke udført', result_title: 'Resultat',
    you: 'dig', week_help: 'Frist før mandag {day}', passed_help: 'Frist før i dag ({day})',
    // the overview
    overview: 'Overblik', overview_title: 'Overblik over arbejdet', overview_days: 'Frist snart betyder inden for {n} dage. Opgjort {day}.',
    open: 'Åbne sager', passed: 'Frist overskredet', due_soon: 'Frist snart', waiting: 'Venter i køen', claimed: 'Taget af en medarbejder',
    unit: 'Enhed', person: 'Medarbejder', oldest_opened: 'Ældste sag oprettet', per_unit: 'Pr. enhed', per_person: 'Pr. medarbejder',
    by_age: 'Åbne sager efter alder pr. enhed', age: 'Alder', days_range: '{from}–{to} dage', days_from: '{from} dage og mere',
    chart_age: 'Søjlediagram: åbne sager efter alder pr. enhed. Tallene står i tabellen ovenfor.',
    chart_people: 'Søjlediagram: sager taget pr. medarbejder (heraf frist overskredet). Tallene står i tabellen ovenfor.',
    workload: 'Arbejdsbyrde pr. medarbejder', of_which_passed: 'heraf frist overskredet', total: 'I alt', cases: 'sager',
    not_for_you: 'Overblikket er for teamledere og administratorer.',
  },
  en: {
    title: 'Worklist', filters: 'Choose cases', list: 'List', mine: 'My cases', unit_queue: "The unit's queue", colleagues: "Colleagues' cases",
    colleague_list: 'Cases held by {name}', stage: 'Stage', all_stages: 'All stages', area: 'Area', all_areas: 'All areas',
    deadline: 'Deadline', all_deadlines: 'All deadlines', due_week: 'Due this week', due_passed: 'Deadline passed',
    sort: 'Order', oldest: 'Oldest first', newest: 'Newest first', apply: 'Show cases',
    shown_of: 'Showing {n} of {total}', shown_of_capped: 'Showing {n} of at least {total}', shown: 'Showing {n}', page_n: 'page {n}',
    next_page: 'Next page', prev_page: 'Previous page', none: 'No cases match the choice.',
    select: 'Select', select_case: 'Select case {nr}', select_all: 'Select every case on the page',
    case_no: 'Case no.', case_title: 'Title', citizen: 'Citizen', due: 'Deadline', holder: 'Held by', not_claimed: 'Not claimed', breached: 'breached',
    claim_one: 'Claim', action_col: 'Action', claim_selected: 'Claim the selected cases', give_to: 'Give to', give_selected: 'Give the selected cases to {name}',
    nothing_selected: 'Select one or more cases first.', choose_colleague: 'Choose the colleague to give the cases to.',
    claim_result: 'Claim: {done} claimed, {failed} not claimed', reassign_result: 'Give to {name}: {done} given, {failed} not given',
    claimed_ok: 'claimed by you', given_ok: 'given to {name}', not_done: 'not done', result_title: 'Result',
    you: 'you', week_help: 'Deadline before Monday {day}', passed_help: 'Deadline before today ({day})',
    overview: 'Overview', overview_title: 'Overview of the work', overview_days: 'Due soon means within {n} days. As of {day}.',
    open: 'Open cases', passed: 'Deadline passed', due_soon: 'Due soon', waiting: 'Waiting in the queue', claimed: 'Claimed by someone',
    unit: 'Unit', person: 'Staff member', oldest_opened: 'Oldest case opened', per_unit: 'Per unit', per_person: 'Per staff member',
    by_age: 'Open cases by age per unit', age: 'Age', days_range: '{from}–{to} days', days_from: '{from} days and more',
    chart_age: 'Bar chart: open cases by age per unit. The numbers are in the table above.',
    chart_people: 'Bar chart: cases claimed per staff member (of which deadline passed). The numbers are in the table above.',
    workload: 'Workload per staff member', of_which_passed: 'of which deadline passed', total: 'Total', cases: 'cases',
    not_for_you: 'The overview is for team leaders and administrators.',
  },
};
const wlt = (key, vars) => {
  let s = WL_TEXT[state.lang][key] || WL_TEXT.da[key] || key;
  for (const [k, v] of Object.entries(vars || {})) s = s.split(`{${k}}`).join(String(v));
  return s;
};
const wlNumber = (n) => Number(n || 0).toLocaleString(state.lang === 'da' ? 'da-DK' : 'en-GB');

// What the worklist shows, in memory only (survives going to a case and back, not a reload).
const wlMemory = { list: 'mine', stage: '', area: '', deadline: '', sort: 'oldest', cursors: [null], result: null };

const WL_STAGES = ['receipt', 'check', 'decision', 'registration', 'complaint_window', 'reconsideration', 'appeals', 'forward'];

function wlIsTeamLeader(me) { return !!(me && (me.team_leader || (me.roles || []).includes('teamleader'))); }

// Today in Copenhagen (YYYY-MM-DD), and the Monday after it.
function wlToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function wlNextMonday(today) {
  const [y, m, d] = today.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  const ahead = ((8 - day.getUTCDay()) % 7) || 7;
  day.setUTCDate(day.getUTCDate() + ahead);
  return day.toISOString().slice(0, 10);
}

// The colleagues a team leader may look at and give cases to (the team report's people).
async function wlColleagues() {
  if (!wlIsTeamLeader(state.me)) return [];
  if (!state.wlPeople) {
    try { state.wlPeople = ((await api('GET', '/api/v1/reports/team?days=7')).people || []).filter((p) => p.id !== state.me.person); } catch (err) { return []; }
  }
  return state.wlPeople;
}
const wlPersonName = (id) => ((state.wlPeople || []).find((p) => p.id === id) || {}).name || id;

function wlListPath() {
  const me = state.me;
  if (wlMemory.list === 'unit') return `/api/v1/worklists/units/${encodeURIComponent(me.unit)}`;
  if (wlMemory.list.startsWith('person:')) return `/api/v1/worklists/people/${encodeURIComponent(wlMemory.list.slice(7))}`;
  return `/api/v1/worklists/people/${encodeURIComponent(me.person)}`;
}
function wlQuery(after) {
  const q = new URLSearchParams({ count: 'true', limit: '50', sort: wlMemory.sort });
  if (wlMemory.stage) q.set('stage', wlMemory.stage);
  if (wlMemory.area) q.set('area', wlMemory.area);
  const today = wlToday();
  if (wlMemory.deadline === 'week') q.set('due_before', wlNextMonday(today));
  if (wlMemory.deadline === 'passed') q.set('due_before', today);
  if (after !== null && after !== undefined) q.set('after', String(after));
  return q.toString();
}
function wlListTitle() {
  if (wlMemory.list === 'unit') return `${wlt('unit_queue')}: ${state.me.unit_name || state.me.unit}`;
  if (wlMemory.list.startsWith('person:')) return wlt('colleague_list', { name: wlPersonName(wlMemory.list.slice(7)) });
  return wlt('mine');
}

// The bulk answer ({done, failed, results}) case by case, in the page's language.
function wlResultBox(kind, answer, numbers, toName) {
  const head = kind === 'claim' ? wlt('claim_result', { done: answer.done, failed: answer.failed })
    : wlt('reassign_result', { name: toName, done: answer.done, failed: answer.failed });
  return h('section', { id: 'wl-result', class: answer.failed ? 'problem' : 'notice', 'aria-labelledby': 'wl-result-title', 'data-done': String(answer.done), 'data-failed': String(answer.failed) },
    h('h2', { id: 'wl-result-title' }, head),
    h('ul', {}, (answer.results || []).map((r) => {
      const nr = r.case_number || numbers[r.index] || `#${r.id}`;
      if (r.ok) return h('li', { 'data-case': nr, 'data-ok': 'true' }, h('span', { class: 'ok' }, `${nr}: `), kind === 'claim' ? wlt('claimed_ok') : wlt('given_ok', { name: toName }));
      return h('li', { 'data-case': nr, 'data-ok': 'false', 'data-code': r.code || null },
        h('span', { class: 'no' }, `${nr}: ${wlt('not_done')} – `), problemWords({ code: r.code }),
        r.error ? h('span', { class: 'muted' }, ` (${t('server_says')}: ${r.error})`) : null);
    })));
}

async function worklistView() {
  const nav = state.nav;  // a later navigation wins: this page then renders nothing
  const me = state.me;
  const leader = wlIsTeamLeader(me);
  const page = wlMemory.cursors.length;
  const after = wlMemory.cursors[page - 1];
  const [colleagues] = await Promise.all([wlColleagues(), loadStageTitles(), loadAreas().catch(() => null)]);
  if (wlMemory.list.startsWith('person:') && !colleagues.some((p) => `person:${p.id}` === wlMemory.list)) wlMemory.list = 'mine';
  let answer;
  let failure = null;
  try { answer = await api('GET', `${wlListPath()}?${wlQuery(after)}`); } catch (err) { failure = err; answer = { cases: [], cut: false }; }
  if (nav !== state.nav) return;
  const reload = async () => { if (nav === state.nav) await worklistView(); };
  const fresh = () => { wlMemory.cursors = [null]; wlMemory.result = null; return reload(); };

  // ---- the filters
  const option = (value, label, current) => h('option', { value, selected: value === current }, label);
  const listSelect = h('select', { id: 'wl-list', name: 'wl-list' },
    option('mine', wlt('mine'), wlMemory.list), option('unit', `${wlt('unit_queue')} (${me.unit_name || me.unit})`, wlMemory.list),
    colleagues.length ? h('optgroup', { label: wlt('colleagues') }, colleagues.map((p) => option(`person:${p.id}`, p.name, wlMemory.list))) : null);
  const stageSelect = h('select', { id: 'wl-stage', name: 'wl-stage' }, option('', wlt('all_stages'), wlMemory.stage),
    WL_STAGES.map((s) => option(s, stageText(null, s), wlMemory.stage)));
  const areas = ((state.areas && state.areas.areas) || []);
  const areaSelect = h('select', { id: 'wl-area', name: 'wl-area' }, option('', wlt('all_areas'), wlMemory.area),
    areas.map((a) => option(a.id, areaText(a.id), wlMemory.area)));
  const deadlineSelect = h('select', { id: 'wl-deadline', name: 'wl-deadline', 'aria-describedby': 'wl-deadline-help' },
    option('', wlt('all_deadlines'), wlMemory.deadline), option('week', wlt('due_week'), wlMemory.deadline), option('passed', wlt('due_passed'), wlMemory.deadline));
  const sortSelect = h('select', { id: 'wl-sort', name: 'wl-sort' }, option('oldest', wlt('oldest'), wlMemory.sort), option('newest', wlt('newest'), wlMemory.sort));
  const today = wlToday();
  const deadlineHelp = wlMemory.deadline === 'week' ? wlt('week_help', { day: dayText(wlNextMonday(today)) })
    : wlMemory.deadline === 'passed' ? wlt('passed_help', { day: dayText(today) }) : '';
  const readFilters = () => {
    wlMemory.list = listSelect.value; wlMemory.stage = stageSelect.value; wlMemory.area = areaSelect.value;
    wlMemory.deadline = deadlineSelect.value; wlMemory.sort = sortSelect.value;
  };
  for (const s of [listSelect, stageSelect, areaSelect, deadlineSelect, sortSelect]) s.addEventListener('change', () => { readFilters(); fresh(); });
  const filters = h('form', { class: 'grid card', id: 'wl-filters', 'aria-label': wlt('filters'), onsubmit: (e) => { e.preventDefault(); readFilters(); fresh(); } },
    h('label', { for: 'wl-list' }, wlt('list'), listSelect),
    h('label', { for: 'wl-stage' }, wlt('stage'), stageSelect),
    h('label', { for: 'wl-area' }, wlt('area'), areaSelect),
    h('label', { for: 'wl-deadline' }, wlt('deadline'), deadlineSelect, h('span', { id: 'wl-deadline-help', class: 'muted' }, deadlineHelp)),
    h('label', { for: 'wl-sort' }, wlt('sort'), sortSelect),
    h('div', {}, h('button', { type: 'submit', class: 'secondary', id: 'wl-apply' }, wlt('apply'))));

  // ---- the list
  const cases = answer.cases || [];
  const boxes = [];
  const rows = cases.map((c) => {
    const box = h('input', { type: 'checkbox', class: 'wl-pick', value: String(c.id), 'data-case': c.case_number, 'aria-label': wlt('select_case', { nr: c.case_number }) });
    boxes.push(box);
    const holder = c.assignee ? (c.assignee === me.person ? wlt('you') : wlPersonName(c.assignee)) : `${wlt('not_claimed')}${c.queue && c.queue.name ? ` (${c.queue.name})` : ''}`;
    const claimOne = !c.assignee ? h('button', { type: 'button', class: 'secondary', 'data-claim': c.case_number, onclick: async () => {
      try {
        const out = await api('POST', '/api/v1/cases/claim', { cases: [c.id] });
        wlMemory.result = { kind: 'claim', answer: out, numbers: [c.case_number] };
        say(wlt('claim_result', { done: out.done, failed: out.failed }));
      } catch (err) { wlMemory.result = { error: err }; }
      await reload();
    } }, wlt('claim_one')) : '';
    return h('tr', { 'data-case': c.case_number },
      h('td', {}, box),
      h('td', {}, h('a', { href: `#/case/${encodeURIComponent(c.case_number)}`, 'data-case': c.case_number }, c.case_number)),
      h('td', {}, c.title || c.workflow || '–'),
      h('td', {}, stageText(c.workflow, c.stage)),
      h('td', {}, c.citizen || '–'),
      h('td', { class: c.breached ? 'no' : null }, c.due ? dayText(c.due) + (c.breached ? ` (${wlt('breached')})` : '') : '–'),
      h('td', {}, holder),
      h('td', {}, claimOne));
  });
  const all = h('input', { type: 'checkbox', id: 'wl-all', 'aria-label': wlt('select_all'), onchange: () => { for (const b of boxes) b.checked = all.checked; } });
  const tableBox = cases.length
    ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'wl-list-title' },
      h('table', { id: 'wl-cases' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, all), [wlt('case_no'), wlt('case_title'), wlt('stage'), wlt('citizen'), wlt('due'), wlt('holder')].map((x) => h('th', { scope: 'col' }, x)),
          h('th', { scope: 'col' }, wlt('action_col')))),
        h('tbody', {}, rows)))
    : h('p', { id: 'wl-none' }, wlt('none'));
  const total = answer.total;
  const counted = total === undefined || total === null ? wlt('shown', { n: wlNumber(cases.length) })
    : wlt(answer.total_capped ? 'shown_of_capped' : 'shown_of', { n: wlNumber(cases.length), total: wlNumber(total) });
  const summary = h('p', { id: 'wl-total', role: 'status' }, page > 1 ? `${counted} (${wlt('page_n', { n: page })})` : counted);
  const pager = h('div', { class: 'actions' },
    page > 1 ? h('button', { type: 'button', class: 'secondary', id: 'wl-prev', onclick: () => { wlMemory.cursors.pop(); wlMemory.result = null; reload(); } }, wlt('prev_page')) : null,
    answer.cut && answer.next_after !== null && answer.next_after !== undefined
      ? h('button', { type: 'button', class: 'secondary', id: 'wl-next', onclick: () => { wlMemory.cursors.push(answer.next_after); wlMemory.result = null; reload(); } }, wlt('next_page')) : null);

  // ---- what to do with the selected cases
  const hint = h('div', { id: 'wl-hint' });
  const picked = () => boxes.filter((b) => b.checked);
  const bulk = async (kind, path, body, toName) => {
    const chosen = picked();
    if (!chosen.length) { hint.replaceChildren(h('p', { class: 'problem', role: 'alert' }, wlt('nothing_selected'))); return; }
    const numbers = chosen.map((b) => b.dataset.case);
    try {
      const out = await api('POST', path, { cases: chosen.map((b) => Number(b.value)), ...body });
      wlMemory.result = { kind, answer: out, numbers, toName };
      say(kind === 'claim' ? wlt('claim_result', { done: out.done, failed: out.failed }) : wlt('reassign_result', { name: toName, done: out.done, failed: out.failed }));
    } catch (err) { wlMemory.result = { error: err }; }
    state.wlPeople = null;  // the colleagues' counts changed
    await reload();
  };
  const tools = [h('button', { type: 'button', class: 'primary', id: 'wl-claim', onclick: () => bulk('claim', '/api/v1/cases/claim', {}) }, wlt('claim_selected'))];
  if (leader && colleagues.length) {
    const toSelect = h('select', { id: 'wl-to', name: 'wl-to' }, h('option', { value: '' }, '–'), colleagues.map((p) => h('option', { value: p.id }, p.name)));
    const give = h('button', { type: 'button', class: 'secondary', id: 'wl-reassign', onclick: () => {
      if (!toSelect.value) { hint.replaceChildren(h('p', { class: 'problem', role: 'alert' }, wlt('choose_colleague'))); toSelect.focus(); return; }
      bulk('reassign', '/api/v1/cases/reassign', { to: toSelect.value }, wlPersonName(toSelect.value));
    } }, wlt('give_selected', { name: '…' }));
    toSelect.addEventListener('change', () => { give.textContent = wlt('give_selected', { name: toSelect.value ? wlPersonName(toSelect.value) : '…' }); });
    tools.push(h('label', { for: 'wl-to', class: 'inline' }, wlt('give_to'), toSelect), give);
  }
  const r = wlMemory.result;
  const resultBox = !r ? null : r.error ? problemBox(r.error) : wlResultBox(r.kind, r.answer, r.numbers, r.toName);

  show(h('h1', {}, `${wlt('title')}: ${me.unit_name || me.unit}`), filters, failure ? problemBox(failure) : null, resultBox,
    h('h2', { id: 'wl-list-title' }, wlListTitle()), summary,
    cases.length ? h('div', { class: 'actions', id: 'wl-tools' }, tools) : null, hint, tableBox, pager);
}

// ---------------------------------------------------------------- the team overview
function teamNavLink(me) {
  return me && me.kind !== 'citizen' && (wlIsTeamLeader(me) || me.admin) ? ['#/team', wlt('overview')] : null;
}

function teamAgeLabel(b) {
  return b.to_days === null || b.to_days === undefined ? wlt('days_from', { from: b.from_days }) : wlt('days_range', { from: b.from_days, to: b.to_days });
}

const TEAM_COLOURS = ['#00538a', '#4f7fa8', '#8c6d1f', '#a4000f', '#5b2a86'];

// Backlog by age: one group of bars per unit, one bar per age band.
function teamAgeChart(units) {
  const bands = (units[0] && units[0].by_age) || [];
  const max = Math.max(1, ...units.flatMap((u) => (u.by_age || []).map((b) => b.count)));
  const rowH = 14, gap = 10, left = 220, width = 640, barW = width - left - 50;
  const groupH = bands.length * rowH + gap;
  const height = units.length * groupH + 40;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-labelledby': 'team-age-chart-desc', id: 'team-age-chart' });
  units.forEach((u, i) => {
    const top = i * groupH;
    chart.append(svg('text', { x: 0, y: top + rowH, 'font-size': 12, fill: '#1b1b1b' }, u.name || u.id));
    (u.by_age || []).forEach((b, j) => {
      const y = top + j * rowH;
      const w = (b.count / max) * barW;
      chart.append(svg('rect', { x: left, y: y + 1, width: Math.max(b.count ? 2 : 0, w), height: rowH - 3, fill: TEAM_COLOURS[j % TEAM_COLOURS.length] },
        svg('title', {}, `${u.name}: ${teamAgeLabel(b)}: ${b.count}`)));
      chart.append(svg('text', { x: left + w + 4, y: y + rowH - 3, 'font-size': 10, fill: '#1b1b1b' }, String(b.count)));
    });
  });
  bands.forEach((b, j) => {
    const x = (j % 3) * 210, y = units.length * groupH + 10 + Math.floor(j / 3) * 14;
    chart.append(svg('rect', { x, y, width: 10, height: 10, fill: TEAM_COLOURS[j % TEAM_COLOURS.length] }));
    chart.append(svg('text', { x: x + 14, y: y + 9, 'font-size': 11, fill: '#1b1b1b' }, teamAgeLabel(b)));
  });
  return h('figure', { class: 'team-chart' }, chart, h('figcaption', { id: 'team-age-chart-desc', class: 'muted' }, wlt('chart_age')));
}

// Workload: one bar per person (claimed open cases), the part with a passed deadline in red.
function teamPeopleChart(people) {
  const max = Math.max(1, ...people.map((p) => p.claimed.open));
  const rowH = 22, left = 180, width = 640, barW = width - left - 60;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${people.length * rowH + 30}`, width: '100%', role: 'img', 'aria-labelledby': 'team-people-chart-desc', id: 'team-people-chart' });
  people.forEach((p, i) => {
    const y = i * rowH;
    const w = (p.claimed.open / max) * barW;
    const wp = (p.claimed.passed / max) * barW;
    chart.append(svg('text', { x: 0, y: y + 15, 'font-size': 12, fill: '#1b1b1b' }, p.name || p.id));
    chart.append(svg('rect', { x: left, y: y + 3, width: Math.max(p.claimed.open ? 2 : 0, w), height: rowH - 6, fill: '#00538a' },
      svg('title', {}, `${p.name}: ${p.claimed.open} ${wlt('cases')}, ${wlt('of_which_passed')} ${p.claimed.passed}`)));
    if (p.claimed.passed) chart.append(svg('rect', { x: left, y: y + 3, width: Math.max(2, wp), height: rowH - 6, fill: '#a4000f' }));
    chart.append(svg('text', { x: left + w + 4, y: y + 15, 'font-size': 11, fill: '#1b1b1b' }, `${p.claimed.open} (${p.claimed.passed})`));
  });
  const ly = people.length * rowH + 12;
  chart.append(svg('rect', { x: 0, y: ly, width: 10, height: 10, fill: '#00538a' }));
  chart.append(svg('text', { x: 14, y: ly + 9, 'font-size': 11, fill: '#1b1b1b' }, wlt('open')));
  chart.append(svg('rect', { x: 160, y: ly, width: 10, height: 10, fill: '#a4000f' }));
  chart.append(svg('text', { x: 174, y: ly + 9, 'font-size': 11, fill: '#1b1b1b' }, wlt('of_which_passed')));
  return h('figure', { class: 'team-chart' }, chart, h('figcaption', { id: 'team-people-chart-desc', class: 'muted' }, wlt('chart_people')));
}

async function teamPage() {
  const nav = state.nav;
  if (!teamNavLink(state.me)) return show(h('h1', {}, wlt('overview_title')), h('p', {}, wlt('not_for_you')));
  const r = await api('GET', '/api/v1/reports/team?days=7');
  if (nav !== state.nav) return;
  const n = wlNumber;
  const units = r.units || [];
  const people = r.people || [];
  const bands = (units[0] && units[0].by_age) || [];
  const tbl = (id, caption, headers, rows, foot) => h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-caption` },
    h('table', { id }, h('caption', { id: `${id}-caption` }, caption),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map(([head, ...cells]) => h('tr', { 'data-id': head.id }, h('th', { scope: 'row' }, head.name), cells.map((c) => h('td', {}, c))))),
      foot ? h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, foot[0]), foot.slice(1).map((c) => h('td', {}, c)))) : null));
  show(h('h1', {}, wlt('overview_title')),
    h('p', { class: 'muted', id: 'team-asof' }, wlt('overview_days', { n: r.days, day: dayText(r.today) })),
    h('dl', { class: 'facts', id: 'team-total' },
      h('dt', {}, wlt('open')), h('dd', { 'data-key': 'open' }, n(r.total.open)),
      h('dt', {}, wlt('passed')), h('dd', { 'data-key': 'passed' }, n(r.total.passed)),
      h('dt', {}, wlt('due_soon')), h('dd', { 'data-key': 'due_soon' }, n(r.total.due_soon))),
    h('h2', {}, wlt('per_unit')),
    tbl('team-units', wlt('per_unit'),
      [wlt('unit'), `${wlt('waiting')}: ${wlt('open')}`, `${wlt('waiting')}: ${wlt('passed')}`, `${wlt('waiting')}: ${wlt('due_soon')}`,
        `${wlt('claimed')}: ${wlt('open')}`, `${wlt('claimed')}: ${wlt('passed')}`, `${wlt('claimed')}: ${wlt('due_soon')}`, wlt('oldest_opened')],
      units.map((u) => [{ id: u.id, name: u.name || u.id }, n(u.waiting.open), n(u.waiting.passed), n(u.waiting.due_soon),
        n(u.claimed.open), n(u.claimed.passed), n(u.claimed.due_soon), u.oldest_opened_at ? whenText(u.oldest_opened_at) : '–'])),
    h('h2', {}, wlt('by_age')),
    tbl('team-ages', wlt('by_age'), [wlt('unit'), ...bands.map(teamAgeLabel)],
      units.map((u) => [{ id: u.id, name: u.name || u.id }, ...(u.by_age || []).map((b) => n(b.count))])),
    // The chart draws the units with open cases (the table lists every unit).
    units.some((u) => (u.by_age || []).some((b) => b.count > 0)) ? teamAgeChart(units.filter((u) => (u.by_age || []).some((b) => b.count > 0))) : null,
    h('h2', {}, wlt('workload')),
    tbl('team-people', wlt('per_person'), [wlt('person'), wlt('unit'), wlt('open'), wlt('passed'), wlt('due_soon')],
      people.map((p) => [{ id: p.id, name: p.name || p.id }, ((units.find((u) => u.id === p.unit) || {}).name) || shown(p.unit), n(p.claimed.open), n(p.claimed.passed), n(p.claimed.due_soon)])),
    people.length ? teamPeopleChart(people) : null);
}
