/**
 * The listen page's script (vanilla, no build step), served as /ui/app.js.
 * Received calls are untrusted: everything they carry is put in the page
 * with textContent / text nodes, never as markup.
 * (Kept free of back-ticks and dollar-brace so it can live in this template.)
 */
export const APP_JS = String.raw`
'use strict';
const $ = (id) => document.getElementById(id);
const calls = new Map(); // seq -> summary
const MAX_ROWS = 2000;
let selected = null;
let renderQueued = false;
let lastRendered = 0;
let openedAt = 0;

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const time = (iso) => {
  const d = new Date(iso);
  const p = (n, w) => String(n).padStart(w || 2, '0');
  return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()) + '.' + p(d.getMilliseconds(), 3);
};
const kindOf = (c) => c.kind || 'unknown';
const sigLabel = { verified: 'verified', failed: 'FAILED', unsigned: 'unsigned', 'not-checked': 'not checked' };
const answeredClass = (n) => (n < 300 ? 'a-ok' : 'a-bad');
const stateText = (c) => [c.state, c.code, c.extended].filter(Boolean).join(' ');

function filters() {
  return {
    type: $('f-type').value,
    recipient: $('f-recipient').value.trim().toLowerCase(),
    signature: $('f-signature').value,
    problems: $('f-problems').checked,
    group: $('f-group').checked,
  };
}

function matches(c, f) {
  if (f.type && kindOf(c) !== f.type) return false;
  if (f.recipient && !(c.recipient || '').toLowerCase().includes(f.recipient)) return false;
  if (f.signature && c.signature !== f.signature) return false;
  if (f.problems && !c.problems.length) return false;
  return true;
}

function row(c, extraClass) {
  const tr = el(
    'tr',
    {
      class: ['call', extraClass, c.seq === selected ? 'selected' : '', c.live && c.seq > lastRendered ? 'fresh' : '']
        .filter(Boolean)
        .join(' '),
      'data-seq': c.seq,
      'data-kind': kindOf(c),
      'data-signature': c.signature,
      onclick: () => select(c.seq),
    },
    el('td', { class: 'num' }, String(c.seq)),
    el('td', { class: 'time', title: c.receivedAt }, time(c.receivedAt)),
    el('td', { class: 'type' }, el('span', { class: 'badge t-' + kindOf(c) }, c.kind || '?')),
    el('td', { class: 'about', title: c.hint }, c.hint),
    el('td', { class: 'id mono', title: c.id || '' }, c.id || '—'),
    el('td', { class: 'recipient', title: c.recipient || '' }, c.recipient || '—'),
    el('td', { class: 'state mono' }, stateText(c) || '—'),
    el(
      'td',
      { class: 'signature', title: c.signatureText },
      el('span', { class: 'badge s-' + c.signature }, sigLabel[c.signature] || c.signature),
    ),
    el(
      'td',
      { class: 'answered', title: c.problems.join('\n') },
      el('span', { class: answeredClass(c.answered) }, String(c.answered)),
      c.problems.length ? el('span', { class: 'problems' }, ' ⚠ ' + c.problems.length) : null,
    ),
  );
  return tr;
}

function render() {
  renderQueued = false;
  const f = filters();
  const all = [...calls.values()].sort((a, b) => b.seq - a.seq);
  const shown = all.filter((c) => matches(c, f));
  const body = $('rows');
  const rows = [];
  if (f.group) {
    // One story per message id: its calls in arrival order, newest story first.
    const groups = new Map();
    for (const c of shown) {
      const key = c.id || '(no id) #' + c.seq;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(c);
    }
    let n = 0;
    for (const [key, list] of groups) {
      if (n >= MAX_ROWS) break;
      list.sort((a, b) => a.seq - b.seq);
      const story = list.map((c) => kindOf(c) + (c.state ? ' (' + c.state + ')' : '')).join(' → ');
      rows.push(
        el(
          'tr',
          { class: 'group', 'data-id': key },
          el(
            'td',
            { colspan: 9 },
            'message ' + key + '  ·  ' + (list[0].recipient || '?'),
            el('span', { class: 'story' }, list.length + ' call' + (list.length === 1 ? '' : 's') + ': ' + story),
          ),
        ),
      );
      for (const c of list) rows.push(row(c, 'in-group'));
      n += list.length;
    }
  } else {
    for (const c of shown.slice(0, MAX_ROWS)) rows.push(row(c));
  }
  body.replaceChildren(...rows);
  lastRendered = all.length ? all[0].seq : lastRendered;
  $('empty').hidden = calls.size > 0;
  const hidden = all.length - shown.length;
  $('count').textContent =
    all.length + ' call' + (all.length === 1 ? '' : 's') + (hidden ? ' (' + hidden + ' filtered out)' : '') +
    (shown.length > MAX_ROWS ? ', newest ' + MAX_ROWS + ' shown' : '');
}

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

function kv(pairs, cls) {
  return el(
    'table',
    { class: 'kv' + (cls ? ' ' + cls : '') },
    el('tbody', {}, pairs.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))),
  );
}

function header(pairs, name) {
  const hit = pairs.find(([n]) => n.toLowerCase() === name.toLowerCase());
  return hit ? hit[1] : undefined;
}

function mimeNode(node) {
  const params = Object.entries(node.params || {})
    .filter(([k]) => k !== 'boundary')
    .map(([k, v]) => k + '=' + v)
    .join('; ');
  const box = el(
    'div',
    {
      class: 'part' + (node.deliveryStatus ? ' ds' : ''),
      'data-type': node.contentType,
      'data-path': node.path || 'message',
    },
    el(
      'div',
      { class: 'ptype' },
      el('span', { class: 'path' }, node.path || 'message'),
      node.contentType,
      el('span', { class: 'meta' }, [params, node.encoding !== '7bit' ? node.encoding : '', node.size + ' chars'].filter(Boolean).join(' · ')),
    ),
  );
  if (node.notes) box.append(el('div', { class: 'notes' }, node.notes.join('; ')));
  const pick = ['From', 'To', 'Subject', 'Date'].map((n) => [n, header(node.headers, n)]).filter(([, v]) => v !== undefined);
  if (pick.length) box.append(kv(pick, 'envelope'));
  if (node.headers.length) {
    box.append(
      el('details', {}, el('summary', {}, 'all headers (' + node.headers.length + ')'), kv(node.headers, 'mono')),
    );
  }
  if (node.deliveryStatus) {
    const ds = node.deliveryStatus;
    box.append(el('h4', {}, 'Per-message fields'), kv(ds.message, 'mono delivery-status'));
    ds.recipients.forEach((r, i) => box.append(el('h4', {}, 'Recipient ' + (i + 1)), kv(r, 'mono delivery-status')));
  }
  if (node.returnedHeaders) box.append(el('h4', {}, 'Returned message headers'), kv(node.returnedHeaders, 'mono'));
  if (node.text !== undefined) {
    box.append(el('pre', { class: 'text' }, node.text + (node.truncated ? '\n… (cut; see the raw source)' : '')));
  }
  for (const p of node.parts || []) box.append(mimeNode(p));
  return box;
}

function fieldValue(v) {
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'string' && v.length > 300) return v.slice(0, 300) + '… (' + v.length + ' chars; see the Message tab)';
  return String(v);
}

function renderDetail(d) {
  const pane = $('detail');
  pane.hidden = false;
  const tab = pane.dataset.tab || (d.mime ? 'message' : 'fields');
  const tabs = [['fields', 'Fields'], ['request', 'HTTP request']];
  if (d.mime) tabs.splice(1, 0, ['message', 'Message']);
  const chosen = tabs.some(([k]) => k === tab) ? tab : 'fields';
  const content = el('div', { class: 'tab-content', 'data-tab': chosen });
  if (chosen === 'fields') {
    if (d.problems.length) content.append(el('h4', { class: 'problems' }, 'Problems'), el('ul', { class: 'problems' }, d.problems.map((p) => el('li', {}, p))));
    content.append(
      kv([
        ['type', d.kind || 'not recognised'],
        ['dialect', d.dialect || '?'],
        ['format', d.format || '?'],
        ['signature', d.signatureText],
        ['answered', String(d.answered)],
        ['received', d.receivedAt],
      ].concat(d.client ? [['client', d.client]] : [])),
    );
    if (d.report) content.append(el('h4', {}, 'Abuse report (ARF feedback-report)'), d.report.length ? kv(d.report, 'mono report') : el('p', {}, 'No message/feedback-report part: not an ARF report.'));
    content.append(
      el('h4', {}, 'Fields as received'),
      d.fields ? kv(Object.entries(d.fields).map(([k, v]) => [k, fieldValue(v)]), 'mono fields') : el('p', {}, 'The body did not parse.'),
    );
  } else if (chosen === 'message') {
    const raw = el('pre', { class: 'raw-mime', hidden: true }, d.fields && typeof d.fields.mime === 'string' ? d.fields.mime : '');
    const tree = el('div', { class: 'mime-tree' }, mimeNode(d.mime));
    content.append(
      el(
        'div',
        { class: 'actions' },
        el('button', {
          type: 'button',
          id: 'toggle-raw',
          text: 'Raw source',
          onclick: (e) => {
            raw.hidden = !raw.hidden;
            tree.hidden = !raw.hidden;
            e.target.textContent = raw.hidden ? 'Raw source' : 'Structure';
          },
        }),
        el('a', { class: 'button', href: '/api/calls/' + d.seq + '/mime', target: '_blank', rel: 'noopener' }, 'Open source as text'),
      ),
      tree,
      raw,
    );
  } else {
    const r = d.request;
    content.append(
      el(
        'div',
        { class: 'actions' },
        el('a', { class: 'button', href: '/api/calls/' + d.seq + '/raw', target: '_blank', rel: 'noopener' }, 'Open raw request'),
      ),
      el(
        'pre',
        { class: 'raw-request' },
        r.line + '\n' + r.headers.map(([n, v]) => n + ': ' + v).join('\n') + '\n\n' + r.body +
          (r.truncated ? '\n… (' + r.bodyBytes + ' bytes; cut here)' : ''),
      ),
    );
  }
  pane.replaceChildren(
    el('h2', {}, (d.kind || 'call') + ' #' + d.seq + (d.recipient ? ' → ' + d.recipient : '')),
    el('div', { class: 'sub' }, d.hint),
    el(
      'div',
      { class: 'tabs', role: 'tablist' },
      tabs.map(([k, label]) =>
        el('button', {
          type: 'button',
          role: 'tab',
          'data-tab': k,
          class: k === chosen ? 'active' : '',
          text: label,
          onclick: () => {
            pane.dataset.tab = k;
            renderDetail(d);
          },
        }),
      ),
    ),
    content,
  );
}

async function select(seq) {
  selected = seq;
  history.replaceState(null, '', '#call-' + seq);
  for (const tr of document.querySelectorAll('#rows tr.call')) tr.classList.toggle('selected', Number(tr.dataset.seq) === seq);
  const res = await fetch('/api/calls/' + seq);
  if (!res.ok) return;
  const d = await res.json();
  if (selected === seq) renderDetail(d);
}

function connect() {
  const live = $('live');
  const es = new EventSource('/api/events');
  es.addEventListener('open', () => {
    openedAt = performance.now();
    live.textContent = 'live';
    live.className = 'live on';
  });
  es.addEventListener('error', () => {
    live.textContent = 'disconnected, retrying…';
    live.className = 'live off';
  });
  es.addEventListener('call', (e) => {
    const c = JSON.parse(e.data);
    c.live = performance.now() - openedAt > 500; // arrived while watching, not the backlog
    calls.set(c.seq, c);
    queueRender();
  });
}

$('self-url').textContent = location.origin + '/';
for (const id of ['f-type', 'f-signature', 'f-problems', 'f-group']) $(id).addEventListener('change', queueRender);
$('f-recipient').addEventListener('input', queueRender);
$('filters').addEventListener('submit', (e) => e.preventDefault());
function fromHash() {
  const m = /^#call-(\d+)$/.exec(location.hash);
  if (m && Number(m[1]) !== selected) select(Number(m[1]));
}
window.addEventListener('hashchange', fromHash);
fromHash();
connect();
render();
`;
