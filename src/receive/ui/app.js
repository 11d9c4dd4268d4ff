// @ts-check
/**
 * The listen page's script (vanilla, no build step), served as /ui/app.js.
 * Received calls are untrusted: everything they carry is put in the page
 * with textContent / text nodes, never as markup.
 */

/** @typedef {import('./view.js').CallSummary & { live?: boolean }} Summary a row, as /api/events sends it */
/** @typedef {import('./view.js').CallDetail} Detail what /api/calls/N sends */
/** @typedef {import('./mime-tree.js').MimeNode} MimeNode */
/** @typedef {import('./mime-tree.js').HeaderPair} HeaderPair */
/** @typedef {string | number | boolean | null | undefined | ((e: Event) => void)} AttrValue */
/** @typedef {Node | string | number | null | undefined | false} Child */

/** The page's own element `id` (page.ts has every one). */
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** A form control of the page, by id. */
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id));
/** @type {Map<number, Summary>} */
const calls = new Map();
const MAX_ROWS = 2000;
/** @type {number | null} */
let selected = null;
let renderQueued = false;
let lastRendered = 0;
let openedAt = 0;

/**
 * An element with attributes and children (strings become text nodes).
 * @param {string} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = String(v);
    else if (k === 'text') node.textContent = String(v);
    else if (typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const time = (/** @type {string} */ iso) => {
  const d = new Date(iso);
  const p = (/** @type {number} */ n, w = 2) => String(n).padStart(w, '0');
  return (
    p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()) + '.' + p(d.getMilliseconds(), 3)
  );
};
const kindOf = (/** @type {Summary} */ c) => c.kind || 'unknown';
/** @type {Record<string, string>} */
const sigLabel = {
  verified: 'verified',
  failed: 'FAILED',
  unsigned: 'unsigned',
  'not-checked': 'not checked',
};
const answeredClass = (/** @type {number} */ n) => (n < 300 ? 'a-ok' : 'a-bad');
const stateText = (/** @type {Summary} */ c) => [c.state, c.code, c.extended].filter(Boolean).join(' ');

/** @typedef {ReturnType<typeof filters>} Filters */
function filters() {
  return {
    type: input('f-type').value,
    recipient: input('f-recipient').value.trim().toLowerCase(),
    signature: input('f-signature').value,
    problems: input('f-problems').checked,
    group: input('f-group').checked,
  };
}

/**
 * @param {Summary} c
 * @param {Filters} f
 */
function matches(c, f) {
  if (f.type && kindOf(c) !== f.type) return false;
  if (f.recipient && !(c.recipient || '').toLowerCase().includes(f.recipient)) return false;
  if (f.signature && c.signature !== f.signature) return false;
  if (f.problems && !c.problems.length) return false;
  return true;
}

/**
 * @param {Summary} c
 * @param {string} [extraClass]
 */
function row(c, extraClass) {
  const tr = el(
    'tr',
    {
      class: [
        'call',
        extraClass,
        c.seq === selected ? 'selected' : '',
        c.live && c.seq > lastRendered ? 'fresh' : '',
      ]
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
    el(
      'td',
      { class: 'about', title: c.hint },
      c.hint,
      c.defects.length ? el('span', { class: 'defects' }, ' ⚑ ' + c.defects.join(', ')) : null,
    ),
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

/**
 * A titled list of short texts (problems, defects).
 * @param {string} cls
 * @param {string} title
 * @param {string[]} items
 */
function listed(cls, title, items) {
  return [
    el('h4', { class: cls }, title),
    el(
      'ul',
      { class: cls },
      items.map((p) => el('li', {}, p)),
    ),
  ];
}

function render() {
  renderQueued = false;
  const f = filters();
  const all = [...calls.values()].sort((a, b) => b.seq - a.seq);
  const shown = all.filter((c) => matches(c, f));
  const body = $('rows');
  /** @type {HTMLElement[]} */
  const rows = [];
  if (f.group) {
    // One story per message id: its calls in arrival order, newest story first.
    /** @type {Map<string, Summary[]>} */
    const groups = new Map();
    for (const c of shown) {
      const key = c.id || '(no id) #' + c.seq;
      const list = groups.get(key) ?? [];
      if (!list.length) groups.set(key, list);
      list.push(c);
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
            'message ' + key + '  ·  ' + (list[0]?.recipient || '?'),
            el(
              'span',
              { class: 'story' },
              list.length + ' call' + (list.length === 1 ? '' : 's') + ': ' + story,
            ),
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
  lastRendered = all[0]?.seq ?? lastRendered;
  $('empty').hidden = calls.size > 0;
  const hidden = all.length - shown.length;
  $('count').textContent =
    all.length +
    ' call' +
    (all.length === 1 ? '' : 's') +
    (hidden ? ' (' + hidden + ' filtered out)' : '') +
    (shown.length > MAX_ROWS ? ', newest ' + MAX_ROWS + ' shown' : '');
}

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

/**
 * @param {Array<[string, string]>} pairs
 * @param {string} [cls]
 */
function kv(pairs, cls) {
  return el(
    'table',
    { class: 'kv' + (cls ? ' ' + cls : '') },
    el(
      'tbody',
      {},
      pairs.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))),
    ),
  );
}

/**
 * @param {HeaderPair[]} pairs
 * @param {string} name
 */
function header(pairs, name) {
  const hit = pairs.find(([n]) => n.toLowerCase() === name.toLowerCase());
  return hit ? hit[1] : undefined;
}

/**
 * @param {MimeNode} node
 * @returns {HTMLElement}
 */
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
      el(
        'span',
        { class: 'meta' },
        [params, node.encoding !== '7bit' ? node.encoding : '', node.size + ' chars']
          .filter(Boolean)
          .join(' · '),
      ),
    ),
  );
  if (node.notes) box.append(el('div', { class: 'notes' }, node.notes.join('; ')));
  /** @type {HeaderPair[]} */
  const pick = [];
  for (const n of ['From', 'To', 'Subject', 'Date']) {
    const v = header(node.headers, n);
    if (v !== undefined) pick.push([n, v]);
  }
  if (pick.length) box.append(kv(pick, 'envelope'));
  if (node.headers.length) {
    box.append(
      el(
        'details',
        {},
        el('summary', {}, 'all headers (' + node.headers.length + ')'),
        kv(node.headers, 'mono'),
      ),
    );
  }
  if (node.deliveryStatus) {
    const ds = node.deliveryStatus;
    box.append(el('h4', {}, 'Per-message fields'), kv(ds.message, 'mono delivery-status'));
    ds.recipients.forEach((r, i) => {
      box.append(el('h4', {}, 'Recipient ' + (i + 1)), kv(r, 'mono delivery-status'));
    });
  }
  if (node.returnedHeaders)
    box.append(el('h4', {}, 'Returned message headers'), kv(node.returnedHeaders, 'mono'));
  if (node.text !== undefined) {
    box.append(
      el('pre', { class: 'text' }, node.text + (node.truncated ? '\n… (cut; see the raw source)' : '')),
    );
  }
  for (const p of node.parts || []) box.append(mimeNode(p));
  return box;
}

/** @param {unknown} v */
function fieldValue(v) {
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'string' && v.length > 300)
    return v.slice(0, 300) + '… (' + v.length + ' chars; see the Message tab)';
  return String(v);
}

/** @param {Detail} d */
function renderDetail(d) {
  const pane = $('detail');
  pane.hidden = false;
  const tab = pane.dataset['tab'] || (d.mime ? 'message' : 'fields');
  /** @type {Array<[string, string]>} */
  const tabs = [
    ['fields', 'Fields'],
    ['request', 'HTTP request'],
  ];
  if (d.mime) tabs.splice(1, 0, ['message', 'Message']);
  const chosen = tabs.some(([k]) => k === tab) ? tab : 'fields';
  const content = el('div', { class: 'tab-content', 'data-tab': chosen });
  if (chosen === 'fields') {
    if (d.problems.length) content.append(...listed('problems', 'Problems', d.problems));
    if (d.defects.length) content.append(...listed('defects', 'Defects in the message', d.defects));
    content.append(
      kv([
        ['type', d.kind || 'not recognised'],
        ['dialect', d.dialect || '?'],
        ['format', d.format || '?'],
        ['signature', d.signatureText],
        ['answered', String(d.answered)],
        ['received', d.receivedAt],
        // open and click calls: the mail client or scanner that fetched.
        ...(d.client ? [/** @type {[string, string]} */ (['client', d.client])] : []),
      ]),
    );
    if (d.report)
      content.append(
        el('h4', {}, 'Abuse report (ARF feedback-report)'),
        d.report.length
          ? kv(d.report, 'mono report')
          : el('p', {}, 'No message/feedback-report part: not an ARF report.'),
      );
    content.append(
      el('h4', {}, 'Fields as received'),
      d.fields
        ? kv(
            Object.entries(d.fields).map(([k, v]) => [k, fieldValue(v)]),
            'mono fields',
          )
        : el('p', {}, 'The body did not parse.'),
    );
  } else if (chosen === 'message' && d.mime) {
    const raw = el(
      'pre',
      { class: 'raw-mime', hidden: true },
      d.fields && typeof d.fields.mime === 'string' ? d.fields.mime : '',
    );
    const tree = el('div', { class: 'mime-tree' }, mimeNode(d.mime));
    content.append(
      el(
        'div',
        { class: 'actions' },
        el('button', {
          type: 'button',
          id: 'toggle-raw',
          text: 'Raw source',
          onclick: (/** @type {Event} */ e) => {
            raw.hidden = !raw.hidden;
            tree.hidden = !raw.hidden;
            /** @type {HTMLElement} */ (e.target).textContent = raw.hidden ? 'Raw source' : 'Structure';
          },
        }),
        el(
          'a',
          { class: 'button', href: '/api/calls/' + d.seq + '/mime', target: '_blank', rel: 'noopener' },
          'Open source as text',
        ),
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
        el(
          'a',
          { class: 'button', href: '/api/calls/' + d.seq + '/raw', target: '_blank', rel: 'noopener' },
          'Open raw request',
        ),
      ),
      el(
        'pre',
        { class: 'raw-request' },
        r.line +
          '\n' +
          r.headers.map(([n, v]) => n + ': ' + v).join('\n') +
          '\n\n' +
          r.body +
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
            pane.dataset['tab'] = k;
            renderDetail(d);
          },
        }),
      ),
    ),
    content,
  );
}

/** @param {number} seq */
async function select(seq) {
  selected = seq;
  history.replaceState(null, '', '#call-' + seq);
  for (const tr of document.querySelectorAll('#rows tr.call'))
    tr.classList.toggle('selected', Number(/** @type {HTMLElement} */ (tr).dataset['seq']) === seq);
  const res = await fetch('/api/calls/' + seq);
  if (!res.ok) return;
  const d = /** @type {Detail} */ (await res.json());
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
    const c = /** @type {Summary} */ (JSON.parse(e.data));
    c.live = performance.now() - openedAt > 500; // arrived while watching, not the backlog
    calls.set(c.seq, c);
    queueRender();
  });
}

$('self-url').textContent = location.origin + '/';
for (const id of ['f-type', 'f-signature', 'f-problems', 'f-group'])
  $(id).addEventListener('change', queueRender);
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
