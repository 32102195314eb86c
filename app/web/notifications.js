// Sagsflow web page for staff: notifications ("Beskeder"), '#/beskeder', and
// the bell in the header with the unread count (GET /api/v1/notifications).
// Loaded before app.js, whose helpers (h, api, t, show, table, problemBox,
// say, state) and search.js's searchTime these functions use when they run.
// The count is asked for on every navigation and every 30 seconds while a
// staff member is signed in; a notification names only the case number.
'use strict';

const NOTIFICATION_TEXT = {
  da: {
    nav: 'Beskeder', unread_n: '{n} ulæste', none_unread: 'ingen ulæste', title: 'Beskeder',
    when: 'Tidspunkt', message: 'Besked', case: 'Sag', mail: 'E-mail', state: 'Status', handle: 'Handling',
    kind_queue: 'Sag {case} er kommet i din enheds kø', kind_assigned: 'Sag {case} er givet til dig',
    kind_missing_received: 'Sag {case} har fået svar fra borgeren', kind_deadline_near: 'Sag {case} nærmer sig sin frist',
    kind_other: 'Sag {case}: {kind}',
    mail_none: 'Ingen e-mail', mail_pending: 'Sendes', mail_sent: 'Sendt', mail_failed: 'Kunne ikke sendes',
    read: 'Læst', unread: 'Ulæst', mark_read: 'Markér som læst', mark_all: 'Markér alle som læst',
    marked_one: 'Beskeden er markeret som læst', marked_n: '{n} beskeder er markeret som læst',
    none: 'Du har ingen beskeder.', open_case: 'Åbn sagen', summary_unread: 'Du har {n} ulæste beskeder.', summary_one: 'Du har 1 ulæst besked.',
    summary_none: 'Du har ingen ulæste beskeder.',
  },
  en: {
    nav: 'Messages', unread_n: '{n} unread', none_unread: 'none unread', title: 'Messages',
    when: 'Time', message: 'Message', case: 'Case', mail: 'E-mail', state: 'Status', handle: 'Action',
    kind_queue: "Case {case} has arrived in your unit's queue", kind_assigned: 'Case {case} has been given to you',
    kind_missing_received: 'Case {case} has an answer from the citizen', kind_deadline_near: 'Case {case} is nearing its deadline',
    kind_other: 'Case {case}: {kind}',
    mail_none: 'No e-mail', mail_pending: 'Being sent', mail_sent: 'Sent', mail_failed: 'Could not be sent',
    read: 'Read', unread: 'Unread', mark_read: 'Mark as read', mark_all: 'Mark all as read',
    marked_one: 'The message is marked as read', marked_n: '{n} messages are marked as read',
    none: 'You have no messages.', open_case: 'Open the case', summary_unread: 'You have {n} unread messages.', summary_one: 'You have 1 unread message.',
    summary_none: 'You have no unread messages.',
  },
};
const nft = (key) => NOTIFICATION_TEXT[state.lang][key] || t(key);
const nftn = (key, n) => nft(key).replace('{n}', String(n));

const bellMemory = { unread: null, timer: null, asked: 0 };

// The header link: "Beskeder" and the count (its accessible name says "3 ulæste").
function bellLink() {
  return h('a', { href: '#/beskeder', id: 'bell', class: 'bell' },
    bellIcon(), ' ',
    h('span', { id: 'bell-label' }), ' ',
    h('span', { id: 'bell-count', class: 'bell-count', hidden: true }),
    h('span', { id: 'bell-count-words', class: 'visually-hidden' }));
}

// A bell drawn in SVG (no emoji font is needed); decorative: the link's text names it.
function bellIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const icon = document.createElementNS(ns, 'svg');
  for (const [k, v] of Object.entries({ viewBox: '0 0 24 24', width: '18', height: '18', 'aria-hidden': 'true', focusable: 'false', class: 'bell-icon' })) icon.setAttribute(k, v);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z');
  path.setAttribute('fill', 'currentColor');
  icon.append(path);
  return icon;
}

function bellShow() {
  const label = document.getElementById('bell-label');
  if (!label) return;
  const n = bellMemory.unread;
  label.textContent = nft('nav');
  const count = document.getElementById('bell-count');
  const words = document.getElementById('bell-count-words');
  const bell = document.getElementById('bell');
  count.hidden = !n;
  count.textContent = n ? String(n) : '';
  count.setAttribute('aria-hidden', 'true');
  words.textContent = n === null ? '' : n ? `, ${nftn('unread_n', n)}` : `, ${nft('none_unread')}`;
  bell.classList.toggle('has-unread', !!n);
  bell.setAttribute('aria-current', location.hash.split('?')[0] === '#/beskeder' ? 'page' : 'false');
  bell.dataset.unread = n === null ? '' : String(n);
}

// Asks for the unread count (on each navigation, and every 30 s while staff are signed in).
async function bellRefresh() {
  bellShow();
  if (!bellMemory.timer) bellMemory.timer = setInterval(bellRefresh, 30000);
  const me = state.me;
  if (!me || me.kind === 'citizen') return bellStop();
  const mine = ++bellMemory.asked;  // the latest answer wins
  try {
    const r = await api('GET', '/api/v1/notifications?unread=true&limit=1');
    if (mine !== bellMemory.asked) return;
    bellMemory.unread = r.unread;
  } catch (err) {
    return;  // the bell keeps its last count; the pages show their own errors
  }
  bellShow();
}

function bellStop() {
  if (bellMemory.timer) clearInterval(bellMemory.timer);
  bellMemory.timer = null;
  bellMemory.unread = null;
  bellMemory.asked++;
}

function notificationMessage(n) {
  const template = NOTIFICATION_TEXT[state.lang][`kind_${n.kind}`] || nft('kind_other');
  const [before, after] = template.replace('{kind}', n.kind).split('{case}');
  return [before, h('a', { href: `#/case/${encodeURIComponent(n.case_number)}`, 'data-case': n.case_number }, n.case_number), after];
}

async function notificationsPage() {
  const nav = state.nav;
  const r = await api('GET', '/api/v1/notifications?limit=200');
  if (nav !== state.nav) return;
  bellMemory.unread = r.unread;
  bellShow();
  const box = h('div', { id: 'notifications-problem' });
  const mark = async (ids) => {
    try {
      const out = await api('POST', '/api/v1/notifications/read', ids ? { ids } : {});
      say(ids && ids.length === 1 ? nft('marked_one') : nftn('marked_n', out.marked));
      if (nav === state.nav) await notificationsPage();
    } catch (err) { box.replaceChildren(problemBox(err)); }
  };
  const summary = r.unread === 0 ? nft('summary_none') : r.unread === 1 ? nft('summary_one') : nftn('summary_unread', r.unread);
  const rows = r.notifications.map((n) => {
    const cells = [searchTime(n.created_at), h('span', { class: 'notification-text' }, notificationMessage(n)),
      nft(`mail_${n.mail}`) === `mail_${n.mail}` ? (n.mail || '') : nft(`mail_${n.mail}`),
      n.read ? nft('read') : h('strong', {}, nft('unread')),
      n.read ? '' : h('button', { type: 'button', class: 'secondary', id: `notification-read-${n.id}`, 'data-notification': String(n.id),
        'aria-label': `${nft('mark_read')}: ${n.case_number}`, onclick: () => mark([n.id]) }, nft('mark_read'))];
    return cells;
  });
  const list = rows.length ? table([nft('when'), nft('message'), nft('mail'), nft('state'), nft('handle')], rows) : h('p', { id: 'notifications-none' }, nft('none'));
  const listBox = h('div', { id: 'notifications' }, list);
  // Unread rows stand out (the text "Ulæst" says it too).
  listBox.querySelectorAll('tbody tr').forEach((tr, i) => {
    const n = r.notifications[i];
    tr.dataset.notification = String(n.id);
    tr.dataset.kind = n.kind;
    if (!n.read) tr.classList.add('unread');
  });
  show(h('h1', {}, nft('title')), h('p', { id: 'notifications-summary' }, summary),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'notifications-read-all', disabled: r.unread === 0, onclick: () => mark(null) }, nft('mark_all'))),
    box, listBox);
}
