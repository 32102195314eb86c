// Sagsflow web page for admins: deploying a workflow ("Udrul arbejdsgang"),
// '#/admin/workflows'. Start from a deployed workflow's running source
// (GET /api/v1/admin/workflows/{id}) or a YAML file, see what deploying it
// would change (POST /api/v1/admin/workflows/preview: the validator's errors
// with their lines, or the diff against the running version, the stages that
// change and the open cases that stay on their version), then deploy it as the
// next version (POST /api/v1/admin/workflows with replaces_version: a 409 when
// someone else deployed meanwhile). Loaded before app.js, whose helpers
// (h, api, t, show, table, problemBox, say, state) and search.js's searchTime
// these functions use when they run.
'use strict';

const WORKFLOW_TEXT = {
  da: {
    link: 'Udrul arbejdsgang', title: 'Udrul arbejdsgang', back: 'Tilbage til administration',
    deployed_title: 'Udrullede arbejdsgange', id: 'Arbejdsgang', version: 'Version', area: 'Område', deployed_at: 'Udrullet', file: 'Fil',
    running: 'kører', older: 'tidligere',
    source_title: 'Arbejdsgangens fil', start_from: 'Start fra en udrullet arbejdsgang', choose: 'Vælg …', load: 'Hent den kørende version',
    loaded: 'Kilden til {id} version {v} er hentet', upload: 'Eller hent en YAML-fil fra din computer', source: 'Arbejdsgangens YAML',
    source_help: 'Ret i filen her, og se ændringerne, før du udruller.',
    preview: 'Vis ændringer', previewing: 'Henter ændringerne …', source_required: 'Hent eller indsæt en arbejdsgangs YAML først.',
    invalid: 'Filen kan ikke udrulles: validatoren fandt {n} fejl', invalid_one: 'Filen kan ikke udrulles: validatoren fandt 1 fejl',
    line_col: 'Linje {line}, kolonne {column}', line: 'Linje {line}',
    new_workflow: 'Ny arbejdsgang: {id} ({title}) udrulles som version {v}.',
    changes_of: '{id} ({title}): den kørende version er {running}; filen bliver version {v}.',
    unchanged: 'Filen er magen til den kørende version {running} af {id}. Der er intet at udrulle.',
    diff_title: 'Ændringer i filen', old_line: 'Før', new_line: 'Efter', op: 'Ændring', text: 'Linje',
    added_line: 'tilføjet', removed_line: 'fjernet', same_line: 'uændret', gap: '…',
    stage_changes: 'Ændrede trin', no_stage_changes: 'Ingen trin er ændret (kun tekst, kommentarer eller andet uden for trinene).',
    change_added: 'tilføjet', change_removed: 'fjernet', change_changed: 'ændret', stage: 'Trin',
    open_cases: 'Åbne sager bliver på deres version', open_version: 'version {v}: {n} sager', open_version_one: 'version {v}: 1 sag',
    no_open_cases: 'Ingen åbne sager.', new_cases: 'Nye sager får version {v}.',
    confirm: 'Jeg har læst ændringerne', confirm_required: 'Sæt flueben ved "Jeg har læst ændringerne" for at udrulle.',
    deploy: 'Udrul version {v}', deployed: 'Version {v} af {id} er udrullet', deployed_same: 'Filen var allerede den kørende version {v} af {id}; intet er udrullet.',
    conflict: 'En anden har udrullet en ny version imens – vis ændringerne igen.', preview_again: 'Vis ændringerne igen',
    stale: 'Filen er ændret siden ændringerne blev vist – vis ændringerne igen, før du udruller.',
  },
  en: {
    link: 'Deploy a workflow', title: 'Deploy a workflow', back: 'Back to administration',
    deployed_title: 'Deployed workflows', id: 'Workflow', version: 'Version', area: 'Area', deployed_at: 'Deployed', file: 'File',
    running: 'running', older: 'earlier',
    source_title: "The workflow's file", start_from: 'Start from a deployed workflow', choose: 'Choose …', load: 'Load the running version',
    loaded: 'The source of {id} version {v} is loaded', upload: 'Or load a YAML file from your computer', source: "The workflow's YAML",
    source_help: 'Edit the file here, and see the changes before you deploy.',
    preview: 'Show changes', previewing: 'Loading the changes …', source_required: "Load or paste a workflow's YAML first.",
    invalid: 'The file cannot be deployed: the validator found {n} errors', invalid_one: 'The file cannot be deployed: the validator found 1 error',
    line_col: 'Line {line}, column {column}', line: 'Line {line}',
    new_workflow: 'New workflow: {id} ({title}) is deployed as version {v}.',
    changes_of: '{id} ({title}): the running version is {running}; the file becomes version {v}.',
    unchanged: 'The file is the same as the running version {running} of {id}. There is nothing to deploy.',
    diff_title: 'Changes in the file', old_line: 'Before', new_line: 'After', op: 'Change', text: 'Line',
    added_line: 'added', removed_line: 'removed', same_line: 'unchanged', gap: '…',
    stage_changes: 'Changed stages', no_stage_changes: 'No stage changes (only text, comments or something outside the stages).',
    change_added: 'added', change_removed: 'removed', change_changed: 'changed', stage: 'Stage',
    open_cases: 'Open cases stay on their version', open_version: 'version {v}: {n} cases', open_version_one: 'version {v}: 1 case',
    no_open_cases: 'No open cases.', new_cases: 'New cases take version {v}.',
    confirm: 'I have read the changes', confirm_required: 'Tick "I have read the changes" to deploy.',
    deploy: 'Deploy version {v}', deployed: 'Version {v} of {id} is deployed', deployed_same: 'The file already was the running version {v} of {id}; nothing was deployed.',
    conflict: 'Someone else deployed a new version meanwhile – show the changes again.', preview_again: 'Show the changes again',
    stale: 'The file has changed since the changes were shown – show the changes again before you deploy.',
  },
};
const wft = (key, values) => {
  let s = WORKFLOW_TEXT[state.lang][key] || t(key);
  for (const [k, v] of Object.entries(values || {})) s = s.split(`{${k}}`).join(String(v));
  return s;
};

// What the form holds between renders of the page (the text is the admin's, not personal data).
const workflowMemory = { source: '', fileName: '', from: '' };

// The admin page's link to this page (adminPage in app.js shows it by the workflows table).
function workflowDeployLink() {
  return h('p', {}, h('a', { href: '#/admin/workflows', id: 'admin-workflows-link', class: 'button-link' }, wft('link')));
}

function workflowVersionsTable(list) {
  const latest = {};
  for (const w of list) latest[w.id] = Math.max(latest[w.id] || 0, w.version);
  const sorted = [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : b.version - a.version));
  const wrap = table([wft('id'), wft('version'), wft('area'), wft('deployed_at'), wft('file')],
    sorted.map((w) => [w.id, `${w.version} (${w.version === latest[w.id] ? wft('running') : wft('older')})`, w.service_area || '', searchTime(w.deployed_at), w.file_name || '']));
  wrap.id = 'workflow-versions';
  wrap.querySelectorAll('tbody tr').forEach((tr, i) => { tr.dataset.workflow = sorted[i].id; tr.dataset.version = String(sorted[i].version); });
  return wrap;
}

async function adminWorkflowsPage() {
  const nav = state.nav;
  const list = (await api('GET', '/api/v1/admin/workflows')).workflows;
  if (typeof loadStageTitles === 'function') await loadStageTitles(true);  // app.js: the stages' titles, for the changes
  if (nav !== state.nav) return;
  const ids = [...new Set(list.map((w) => w.id))].sort();
  const versionsBox = h('section', { id: 'workflow-versions-box', 'aria-labelledby': 'workflow-versions-title' },
    h('h2', { id: 'workflow-versions-title' }, wft('deployed_title')), workflowVersionsTable(list));
  const result = h('section', { id: 'wf-result', 'aria-live': 'polite' });

  const from = h('select', { id: 'wf-from', name: 'wf-from' }, h('option', { value: '' }, wft('choose')),
    ids.map((id) => h('option', { value: id, selected: id === workflowMemory.from }, id)));
  const source = h('textarea', { id: 'wf-source', name: 'wf-source', class: 'source', rows: '22', spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': 'wf-source-help' });
  source.value = workflowMemory.source;
  const file = h('input', { id: 'wf-file', name: 'wf-file', type: 'file', accept: '.yaml,.yml,text/yaml,application/yaml' });
  const loadBox = h('div', { id: 'wf-load-result', 'aria-live': 'polite' });
  const loadButton = h('button', { type: 'button', class: 'secondary', id: 'wf-load', onclick: async () => {
    if (!from.value) return;
    try {
      const w = await api('GET', `/api/v1/admin/workflows/${encodeURIComponent(from.value)}`);
      source.value = w.source;
      Object.assign(workflowMemory, { source: w.source, fileName: w.file_name || `${w.id}.yaml`, from: w.id });
      result.replaceChildren();
      loadBox.replaceChildren(h('p', { class: 'ok' }, wft('loaded', { id: w.id, v: w.version })));
    } catch (err) { loadBox.replaceChildren(problemBox(err)); }
  } }, wft('load'));
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    source.value = await f.text();
    Object.assign(workflowMemory, { source: source.value, fileName: f.name, from: '' });
    from.value = '';
    result.replaceChildren();
    loadBox.replaceChildren(h('p', { class: 'ok' }, f.name));
  });
  source.addEventListener('input', () => {
    workflowMemory.source = source.value;
    // A preview shown is of the text as it was: deploying now would deploy something else.
    if (result.querySelector('#wf-deploy-box')) result.replaceChildren(h('p', { class: 'notice', id: 'wf-stale' }, wft('stale')));
  });

  const preview = async () => {
    result.replaceChildren(h('p', { class: 'muted' }, wft('previewing')));
    if (!source.value.trim()) return result.replaceChildren(h('p', { class: 'problem', role: 'alert' }, wft('source_required')));
    const sent = source.value;
    const body = { source: sent };
    if (workflowMemory.fileName) body.file_name = workflowMemory.fileName;
    try {
      const p = await api('POST', '/api/v1/admin/workflows/preview', body);
      if (nav !== state.nav) return;
      result.replaceChildren(...previewView(p, sent, preview, async () => {
        const fresh = (await api('GET', '/api/v1/admin/workflows')).workflows;
        versionsBox.replaceChildren(h('h2', { id: 'workflow-versions-title' }, wft('deployed_title')), workflowVersionsTable(fresh));
      }));
    } catch (err) { result.replaceChildren(problemBox(err)); }
  };
  const form = h('form', { class: 'card', id: 'wf-form', onsubmit: (e) => { e.preventDefault(); preview(); } },
    h('h2', {}, wft('source_title')),
    h('div', { class: 'grid wf-pick' },
      h('div', { class: 'field' }, h('label', { for: 'wf-from' }, wft('start_from')), from),
      h('div', { class: 'actions' }, loadButton),
      h('div', { class: 'field' }, h('label', { for: 'wf-file' }, wft('upload')), file)),
    loadBox,
    h('div', { class: 'field wf-source-field' }, h('label', { for: 'wf-source' }, wft('source')),
      h('p', { class: 'help muted', id: 'wf-source-help' }, wft('source_help')), source),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'wf-preview' }, wft('preview'))));
  show(h('p', {}, h('a', { href: '#/admin' }, wft('back'))), h('h1', {}, wft('title')), form, result, versionsBox);
}

// The preview: errors, or what changes and the deploy step.
function previewView(p, sent, again, relist) {
  if (!p.valid) {
    const errors = p.errors || [];
    return [h('div', { class: 'problem', role: 'alert', id: 'wf-errors' },
      h('strong', {}, errors.length === 1 ? wft('invalid_one') : wft('invalid', { n: errors.length })),
      h('ul', {}, errors.map((e) => h('li', { 'data-line': e.line == null ? '' : String(e.line) },
        e.line != null ? h('strong', {}, (e.column != null ? wft('line_col', { line: e.line, column: e.column }) : wft('line', { line: e.line })) + ': ') : null,
        e.message, e.text ? h('pre', { class: 'wf-error-text' }, e.text) : null))))];
  }
  const out = [];
  const names = { id: p.id, title: p.title || '', v: p.next_version, running: p.running_version };
  if (p.unchanged) return [h('p', { class: 'notice', id: 'wf-unchanged' }, wft('unchanged', names))];
  out.push(h('p', { class: 'notice', id: 'wf-summary' }, p.new_workflow ? wft('new_workflow', names) : wft('changes_of', names)));
  if (p.diff && p.diff.length) out.push(h('h2', { id: 'wf-diff-title' }, wft('diff_title')), diffTable(p.diff));
  out.push(h('h2', {}, wft('stage_changes')));
  out.push(p.changes && p.changes.length ? h('ul', { id: 'wf-changes' }, p.changes.map((c) => h('li', { 'data-stage': c.stage },
    h('strong', {}, `${wft('stage')} ${workflowStageName(p.id, c.stage)}: ${wft(`change_${c.change}`)}`),
    c.details && c.details.length ? h('ul', {}, c.details.map((d) => h('li', {}, d))) : null)))
    : h('p', { class: 'muted', id: 'wf-changes' }, wft('no_stage_changes')));
  out.push(h('h2', {}, wft('open_cases')));
  const open = (p.open_cases || []).filter((o) => o.count > 0);
  out.push(open.length ? h('ul', { id: 'wf-open-cases' }, open.map((o) => h('li', {}, o.count === 1 ? wft('open_version_one', { v: o.version }) : wft('open_version', { v: o.version, n: o.count }))))
    : h('p', { id: 'wf-open-cases' }, wft('no_open_cases')));
  out.push(h('p', {}, wft('new_cases', names)));
  out.push(deployBox(p, sent, again, relist));
  return out;
}

// A stage by its title where the pages know it (app.js's stageText), with its name.
function workflowStageName(workflow, stage) {
  const title = typeof stageText === 'function' ? stageText(workflow, stage) : stage;
  return title && title !== stage ? `${title} (${stage})` : stage;
}

// The diff as a table: line numbers before and after, the change as + or -, the line.
function diffTable(given) {
  // Within each run of changed lines the removed ones come first, then the added ones (as in a unified diff).
  const diff = [];
  for (let i = 0; i < given.length;) {
    if (given[i].op === ' ') { diff.push(given[i]); i++; continue; }
    let j = i;
    while (j < given.length && given[j].op !== ' ') j++;
    const run = given.slice(i, j);
    diff.push(...run.filter((d) => d.op === '-'), ...run.filter((d) => d.op !== '-'));
    i = j;
  }
  const rows = [];
  let prev = null;
  for (const d of diff) {
    // A jump in the line numbers is a gap between two changed places.
    if (prev && ((d.old_line != null && prev.old_line != null && d.old_line > prev.old_line + 1) || (d.new_line != null && prev.new_line != null && d.new_line > prev.new_line + 1))) {
      rows.push(h('tr', { class: 'diff-gap' }, h('td', { colspan: '4' }, wft('gap'))));
    }
    const cls = d.op === '+' ? 'diff-add' : d.op === '-' ? 'diff-del' : 'diff-same';
    const what = d.op === '+' ? wft('added_line') : d.op === '-' ? wft('removed_line') : wft('same_line');
    rows.push(h('tr', { class: cls, 'data-op': d.op.trim() || 'same', 'data-old': d.old_line == null ? '' : String(d.old_line), 'data-new': d.new_line == null ? '' : String(d.new_line) },
      h('td', { class: 'diff-no' }, d.old_line == null ? '' : String(d.old_line)),
      h('td', { class: 'diff-no' }, d.new_line == null ? '' : String(d.new_line)),
      h('td', { class: 'diff-op' }, h('span', { 'aria-hidden': 'true' }, d.op.trim()), h('span', { class: 'visually-hidden' }, what)),
      h('td', { class: 'diff-text' }, h('code', {}, d.text))));
    prev = { old_line: d.old_line != null ? d.old_line : prev && prev.old_line, new_line: d.new_line != null ? d.new_line : prev && prev.new_line };
  }
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'wf-diff-title', id: 'wf-diff' },
    h('table', { class: 'diff' },
      h('thead', {}, h('tr', {}, [wft('old_line'), wft('new_line'), wft('op'), wft('text')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows)));
}

function deployBox(p, sent, again, relist) {
  const confirm = h('input', { type: 'checkbox', id: 'wf-confirm', 'aria-describedby': 'wf-confirm-error' });
  const confirmError = h('p', { class: 'field-error', id: 'wf-confirm-error', hidden: true }, wft('confirm_required'));
  const out = h('div', { id: 'wf-deploy-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'primary', id: 'wf-deploy', onclick: async () => {
    if (!confirm.checked) {
      confirmError.hidden = false;
      confirm.setAttribute('aria-invalid', 'true');
      confirm.focus();
      return;
    }
    confirmError.hidden = true;
    confirm.removeAttribute('aria-invalid');
    button.disabled = true;
    const body = { source: sent };
    if (workflowMemory.fileName) body.file_name = workflowMemory.fileName;
    if (p.running_version !== null && p.running_version !== undefined) body.replaces_version = p.running_version;
    try {
      const r = await api('POST', '/api/v1/admin/workflows', body);
      const message = r.created ? wft('deployed', { v: r.version, id: r.id }) : wft('deployed_same', { v: r.version, id: r.id });
      say(message);
      const box = document.getElementById('wf-deploy-box');
      if (box) box.replaceChildren(h('p', { class: r.created ? 'ok' : 'notice', id: 'wf-deployed', 'data-version': String(r.version) }, message));
      await relist();
    } catch (err) {
      button.disabled = false;
      const problem = err.problem || {};
      if (problem.status === 409) {
        out.replaceChildren(h('div', { class: 'problem', role: 'alert', id: 'wf-conflict' },
          h('strong', {}, wft('conflict')), problem.detail ? h('div', { class: 'muted' }, problem.detail) : null,
          h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', id: 'wf-preview-again', onclick: again }, wft('preview_again')))));
      } else {
        out.replaceChildren(problemBox(err));
      }
    }
  } }, wft('deploy', { v: p.next_version }));
  return h('div', { class: 'card', id: 'wf-deploy-box' },
    h('label', { class: 'check', for: 'wf-confirm' }, confirm, wft('confirm')), confirmError,
    h('div', { class: 'actions' }, button), out);
}
