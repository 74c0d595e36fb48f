// The playground page: one channel per server, messages pushed by the server over a WebSocket,
// commands and button clicks posted as JSON. Text from the server is a markup tree (text, bold,
// italic, code, mentions) and is only ever set as text nodes.

const $ = (id) => document.getElementById(id);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

const store = {
  get(key) {
    try { return sessionStorage.getItem(key) ?? localStorage.getItem(key); } catch { return null; }
  },
  set(key, value) {
    // sessionStorage keeps this tab's choice; localStorage seeds the next tab.
    try { sessionStorage.setItem(key, value); localStorage.setItem(key, value); } catch { /* private mode */ }
  },
};

// randomUUID exists only on https and localhost; an exposed playground over plain http has getRandomValues.
const randomId = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The page's words in the browser's language (src/adapters/web/ui-text.ts): `{0}`… take `values`. */
const t = (text, ...values) => ((app.ui && app.ui[text]) || text).replace(/\{(\d+)\}/g, (_, i) => String(values[Number(i)] ?? ''));

/** index.html's words: `data-i18n` is an element's text, `data-i18n-<attribute>` an attribute's. */
function translatePage() {
  for (const node of document.querySelectorAll('*')) {
    for (const { name, value } of [...node.attributes]) {
      if (name === 'data-i18n') node.textContent = t(value);
      else if (name.startsWith('data-i18n-')) node.setAttribute(name.slice('data-i18n-'.length), t(value));
    }
  }
}

const app = {
  // A new id per page load: ephemeral answers belong to this tab only.
  clientId: randomId(),
  state: null,
  server: null,
  socket: null,
  retryTimer: 0,
  messages: new Map(),
  history: [],
  historyAt: -1,
  admin: false,
  // The picture the next /imagine starts from (a File), if any.
  attached: null,
};

const ui = {
  servers: $('servers'),
  user: $('user-name'),
  passwordRow: $('password-row'),
  password: $('password'),
  role: $('role'),
  model: $('model'),
  serverLabel: $('server-label'),
  connection: $('connection'),
  list: $('messages'),
  form: $('composer'),
  input: $('input'),
  attach: $('attach'),
  attachFile: $('attach-file'),
  attached: $('attached'),
  attachedThumb: $('attached-thumb'),
  attachedName: $('attached-name'),
  attachedRemove: $('attached-remove'),
  hints: $('hints'),
  suggestions: $('suggestions'),
};

// ---------- Identity ----------

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.'-]{0,31}$/u;
const guestName = () => `guest-${Math.floor(1000 + Math.random() * 9000)}`;

function userName() {
  return ui.user.value.trim().replace(/\s+/g, ' ');
}

function setupUser() {
  $('identity').addEventListener('submit', (e) => {
    e.preventDefault();
    ui.input.focus();
  });
  ui.user.value = store.get('imagine.user') || guestName();
  store.set('imagine.user', ui.user.value);
  ui.user.addEventListener('input', () => {
    const ok = NAME.test(userName());
    ui.user.setAttribute('aria-invalid', String(!ok));
    if (ok) store.set('imagine.user', userName());
  });
}

function headers() {
  const h = { 'Content-Type': 'application/json' };
  if (ui.password.value) h['X-Playground-Password'] = ui.password.value;
  return h;
}

function showRole() {
  const needsPassword = app.state && app.state.passwordNeeded;
  ui.role.className = 'role' + (app.admin ? ' admin' : '');
  ui.role.textContent = app.admin
    ? needsPassword ? t('✔ Admin (password accepted)') : t('✔ Admin (local)')
    : needsPassword ? t('Admin actions need the password.') : '';
}

// ---------- Markup ----------

function appendMarkup(parent, nodes, mentions) {
  for (const node of nodes) {
    switch (node.type) {
      case 'text': parent.append(node.text); break;
      case 'code': parent.append(el('code', '', node.text)); break;
      case 'mention': parent.append(el('span', 'mention', '@' + ((mentions && mentions[node.userId]) || node.userId))); break;
      case 'link': {
        // Only links to messages of this page: the server makes nothing else.
        if (!/^#m-[\w-]+$/.test(node.url)) { parent.append(node.text); break; }
        const a = el('a', 'msg-link', node.text);
        a.href = node.url;
        a.addEventListener('click', (e) => {
          e.preventDefault();
          const target = document.getElementById(node.url.slice(1));
          if (target) { target.scrollIntoView({ block: 'center', behavior: 'smooth' }); target.classList.add('flash'); setTimeout(() => target.classList.remove('flash'), 1200); }
        });
        parent.append(a);
        break;
      }
      case 'bold':
      case 'italic': {
        const wrap = el(node.type === 'bold' ? 'strong' : 'em');
        appendMarkup(wrap, node.children, mentions);
        parent.append(wrap);
        break;
      }
    }
  }
}

// ---------- Rendering ----------

const hue = (s) => [...s].reduce((h, c) => (h * 31 + c.codePointAt(0)) % 360, 7);

function avatarFor(name, mini) {
  const a = el('span', 'avatar' + (mini ? ' mini' : ''), (name || '?').slice(0, 1).toUpperCase());
  a.style.background = `hsl(${hue(name || '?')} 45% 45%)`;
  return a;
}

function timeOf(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function renderProgress(job) {
  if (!job || (job.status !== 'queued' && job.status !== 'running')) return null;
  const bar = el('div', 'progress');
  const fill = el('div');
  bar.append(fill);
  if (job.status === 'queued' || !job.total) {
    bar.classList.add('queued');
  } else {
    const pct = Math.max(2, Math.min(100, Math.round((job.step / job.total) * 100)));
    fill.style.width = pct + '%';
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuenow', String(pct));
  }
  return bar;
}

function renderImages(message) {
  if (!message.images.length) return null;
  const box = el('div', 'images');
  for (const image of message.images) {
    const link = el('a');
    link.href = image.url;
    link.target = '_blank';
    link.rel = 'noopener';
    const img = el('img');
    img.src = image.url;
    img.alt = image.alt || image.filename;
    img.title = image.filename;
    img.width = image.width;
    img.height = image.height;
    img.decoding = 'async';
    img.addEventListener('error', () => {
      link.replaceWith(el('div', 'image-gone', t('This image is no longer kept by the server.')));
    }, { once: true });
    if (image.spoiler) {
      // Marked sensitive: blurred until the first click, which only reveals it.
      link.classList.add('spoiler');
      link.title = t('Marked sensitive: click to show');
      link.addEventListener('click', (event) => {
        if (!link.classList.contains('spoiler')) return;
        event.preventDefault();
        link.classList.remove('spoiler');
        link.removeAttribute('title');
      });
    }
    link.append(img);
    box.append(link);
  }
  return box;
}

/** A dialog with a title, Cancel and a submit button; the caller fills `body` and then calls show(). */
function dialogShell(className, title, submitLabel) {
  const dialog = el('dialog', className);
  const body = el('form', 'form-body');
  body.append(el('h2', 'form-title', title));
  const actions = el('div', 'form-actions');
  const cancel = el('button', 'btn', t('Cancel'));
  cancel.type = 'button';
  const submit = el('button', 'btn primary', submitLabel);
  submit.type = 'submit';
  actions.append(cancel, submit);
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  cancel.addEventListener('click', close);
  dialog.addEventListener('cancel', () => dialog.remove());
  const show = () => {
    body.append(actions);
    dialog.append(body);
    document.body.append(dialog);
    dialog.showModal();
  };
  return { body, submit, close, show };
}

/** A form's questions in a dialog; answers the server refuses show under their box and the dialog stays. */
function openForm(form) {
  const { body, submit, close, show } = dialogShell('form-dialog', form.title, form.submitLabel);
  const inputs = {};
  const errors = {};
  for (const field of form.fields) {
    const label = el('label', 'form-field');
    label.append(el('span', 'form-label', field.label + (field.required ? '' : ' (optional)')));
    const input = el(field.style === 'paragraph' ? 'textarea' : 'input', 'form-input');
    input.name = field.name;
    if (field.value) input.value = field.value;
    if (field.placeholder) input.placeholder = field.placeholder;
    if (field.maxLength) input.maxLength = field.maxLength;
    input.required = Boolean(field.required);
    const error = el('span', 'form-error');
    label.append(input, error);
    inputs[field.name] = input;
    errors[field.name] = error;
    body.append(label);
  }
  body.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    for (const error of Object.values(errors)) error.textContent = '';
    try {
      const answers = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value]));
      const answer = await post('/api/form', { formId: form.id, answers });
      if (answer && answer.fieldError && errors[answer.fieldError.field]) {
        errors[answer.fieldError.field].textContent = answer.fieldError.message;
        inputs[answer.fieldError.field].focus();
        return;
      }
      if (answer) close();
    } finally {
      submit.disabled = false;
    }
  });
  show();
  const first = Object.values(inputs)[0];
  if (first) first.focus();
}

/**
 * Vary (Region) by drawing: the picture under a canvas where a rectangle is dragged or a brush
 * painted; the drawing is sent as a grid of cells (4 to a hex digit, row by row), which the server
 * checks and stores with the job.
 */
function openDrawing(message) {
  const drawing = message.drawing;
  const { body, submit, close, show } = dialogShell('form-dialog draw-dialog', drawing.label, t('Use this region'));
  body.append(el('p', 'draw-hint', t('Drag a rectangle, or paint with the brush, over the part to change. The rest stays as it is.')));
  const tools = el('div', 'draw-tools');
  const toolButtons = {};
  let tool = 'rect';
  for (const [name, label] of [['rect', t('▭ Rectangle')], ['brush', t('🖌️ Brush')]]) {
    const b = el('button', 'btn', label);
    b.type = 'button';
    b.dataset.tool = name;
    b.addEventListener('click', () => {
      tool = name;
      for (const [n, other] of Object.entries(toolButtons)) other.classList.toggle('primary', n === tool);
    });
    toolButtons[name] = b;
    tools.append(b);
  }
  toolButtons.rect.classList.add('primary');
  const size = el('input', 'draw-size');
  size.type = 'range';
  size.min = '2';
  size.max = '20';
  size.value = '8';
  size.setAttribute('aria-label', t('Brush size'));
  const clear = el('button', 'btn', t('Clear'));
  clear.type = 'button';
  tools.append(size, clear);
  body.append(tools);

  const stage = el('div', 'draw-stage');
  const img = el('img');
  img.src = drawing.image.url;
  img.alt = drawing.image.alt || drawing.image.filename;
  const canvas = el('canvas', 'draw-canvas');
  canvas.width = drawing.image.width;
  canvas.height = drawing.image.height;
  stage.style.aspectRatio = `${drawing.image.width} / ${drawing.image.height}`;
  stage.append(img, canvas);
  body.append(stage);
  const error = el('span', 'form-error');
  body.append(error);

  const ctx = canvas.getContext('2d');
  ctx.fillStyle = ctx.strokeStyle = '#5865f2';
  ctx.lineCap = ctx.lineJoin = 'round';
  let committed = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let from = null;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * canvas.width, y: ((e.clientY - r.top) / r.height) * canvas.height };
  };
  const brushWidth = () => (Number(size.value) / 100) * Math.max(canvas.width, canvas.height);
  const dab = (p, q) => {
    ctx.lineWidth = brushWidth();
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(q.x, q.y);
    ctx.stroke();
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    error.textContent = '';
    from = at(e);
    if (tool === 'brush') dab(from, from);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!from) return;
    const p = at(e);
    if (tool === 'brush') {
      dab(from, p);
      from = p;
    } else {
      ctx.putImageData(committed, 0, 0);
      ctx.fillRect(Math.min(from.x, p.x), Math.min(from.y, p.y), Math.abs(p.x - from.x), Math.abs(p.y - from.y));
    }
  });
  const finish = () => {
    if (!from) return;
    from = null;
    committed = ctx.getImageData(0, 0, canvas.width, canvas.height);
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);
  clear.addEventListener('click', () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    committed = ctx.getImageData(0, 0, canvas.width, canvas.height);
  });

  /** The drawing as cells: a cell counts when at least half of it is painted. */
  const cells = () => {
    const n = drawing.grid;
    const small = el('canvas');
    small.width = small.height = n;
    const sctx = small.getContext('2d');
    sctx.imageSmoothingQuality = 'high';
    sctx.drawImage(canvas, 0, 0, n, n);
    const alpha = sctx.getImageData(0, 0, n, n).data;
    let hex = '';
    for (let i = 0; i < n * n; i += 4) {
      let digit = 0;
      for (let k = 0; k < 4; k++) digit = (digit << 1) | (alpha[(i + k) * 4 + 3] >= 128 ? 1 : 0);
      hex += digit.toString(16);
    }
    return hex;
  };

  body.addEventListener('submit', async (e) => {
    e.preventDefault();
    const drawn = cells();
    if (/^0+$/.test(drawn)) {
      error.textContent = t('Draw over the part of the picture to change first.');
      return;
    }
    submit.disabled = true;
    try {
      if (await post('/api/button', { messageId: message.id, id: drawing.id, value: drawing.value, cells: drawn })) close();
    } finally {
      submit.disabled = false;
    }
  });
  show();
}

function renderButtons(message) {
  // A form this tab asked for can be opened again from its message.
  if (message.form && message.visibleTo === app.clientId) {
    const box = el('div', 'buttons');
    const row = el('div', 'button-row');
    const btn = el('button', 'btn primary', t('📝 Open the form'));
    btn.type = 'button';
    btn.addEventListener('click', () => openForm(message.form));
    row.append(btn);
    box.append(row);
    return box;
  }
  if (!message.buttons.length && !(message.selects && message.selects.length) && !message.drawing) return null;
  const box = el('div', 'buttons');
  if (message.drawing) {
    const r = el('div', 'button-row');
    const btn = el('button', 'btn primary', '✏️ ' + message.drawing.label);
    btn.type = 'button';
    btn.addEventListener('click', () => openDrawing(message));
    r.append(btn);
    box.append(r);
  }
  for (const s of message.selects || []) {
    const select = el('select', 'menu');
    select.setAttribute('aria-label', s.placeholder);
    for (const o of s.options) {
      const option = el('option', '', o.label);
      option.value = o.value;
      option.selected = Boolean(o.default);
      select.append(option);
    }
    select.addEventListener('change', async () => {
      select.disabled = true;
      try {
        await post('/api/button', { messageId: message.id, id: s.id, value: select.value });
      } finally {
        select.disabled = false;
      }
    });
    const r = el('div', 'button-row');
    r.append(select);
    box.append(r);
  }
  for (const row of message.buttons) {
    const r = el('div', 'button-row');
    for (const b of row) {
      const btn = el('button', 'btn' + (b.style && b.style !== 'secondary' ? ' ' + b.style : ''));
      btn.type = 'button';
      btn.dataset.buttonId = b.id;
      btn.textContent = [b.emoji, b.label].filter(Boolean).join(' ');
      btn.disabled = Boolean(b.disabled);
      btn.addEventListener('click', () => clickButton(message, b, btn));
      r.append(btn);
    }
    box.append(r);
  }
  return box;
}

function renderMessage(message) {
  const li = el('li', 'msg');
  li.dataset.id = message.id;
  // Where links from results made of this one point (the server's ids are UUIDs or job-<id>).
  li.id = 'm-' + message.id;
  if (message.jobId) li.dataset.jobId = message.jobId;
  if (message.job) li.dataset.status = message.job.status;
  if (message.visibleTo) li.classList.add('ephemeral');
  if (message.notice) li.classList.add('notice');

  if (message.invokedBy) {
    const inv = el('div', 'invoked');
    const action = el('span', 'action');
    const m = /^used (\/.*)$/s.exec(message.invokedBy.action);
    if (m) action.append('used ', el('span', 'command', m[1]));
    else action.textContent = message.invokedBy.action;
    inv.append(avatarFor(message.invokedBy.userName, true), el('span', 'who', message.invokedBy.userName), action);
    li.append(inv);
  }
  const avatar = el('span', 'avatar bot');
  const logo = el('img');
  logo.src = '/favicon.svg';
  logo.alt = '';
  avatar.append(logo);
  li.append(avatar);

  const body = el('div', 'msg-body');
  const head = el('div', 'msg-head');
  head.append(el('span', 'author', message.notice ? 'Playground' : 'Imagine'), el('span', 'bot-tag', message.notice ? 'PAGE' : 'BOT'), el('span', 'time', timeOf(message.updatedAt)));
  body.append(head);
  const text = el('div', 'msg-text');
  appendMarkup(text, message.text, message.mentions);
  body.append(text);
  const parts = [renderProgress(message.job), renderImages(message), renderButtons(message)];
  for (const p of parts) if (p) body.append(p);
  if (message.visibleTo) {
    const note = el('div', 'ephemeral-note');
    const dismiss = el('button', '', t('Dismiss message'));
    dismiss.type = 'button';
    dismiss.addEventListener('click', () => {
      app.messages.delete(message.id);
      li.remove();
    });
    note.append(t('👁 Only you can see this ·'), dismiss);
    body.append(note);
  }
  li.append(body);
  return li;
}

function nearBottom() {
  const l = ui.list;
  return l.scrollHeight - l.scrollTop - l.clientHeight < 120;
}

function scrollToBottom() {
  ui.list.scrollTop = ui.list.scrollHeight;
}

function showEmpty() {
  if (app.messages.size > 0) return;
  const li = el('li', 'empty');
  li.id = 'empty';
  li.append(el('h3', '', t('Welcome to #general on {0}', app.server)));
  const p = el('p');
  // The example stays a code element wherever the language puts it.
  const [before, after] = t('Type {0} and press Enter. Everyone in this server sees the result.').split('{0}');
  p.append(before ?? '', el('code', '', '/imagine red heart --seed 7'), after ?? '');
  li.append(p);
  ui.list.append(li);
}

function upsert(message) {
  const old = app.messages.get(message.id);
  // Updates can cross: the POST answer and the event stream may bring the same message twice.
  if (old && old.updatedAt > message.updatedAt) return;
  if (message.deleted) {
    app.messages.delete(message.id);
    ui.list.querySelector(`li[data-id="${CSS.escape(message.id)}"]`)?.remove();
    return;
  }
  app.messages.set(message.id, message);
  const stick = nearBottom();
  const node = renderMessage(message);
  const existing = ui.list.querySelector(`li[data-id="${CSS.escape(message.id)}"]`);
  $('empty')?.remove();
  if (existing) existing.replaceWith(node);
  else ui.list.append(node);
  if (stick || !existing) {
    scrollToBottom();
    // Images change the height once they load.
    node.querySelectorAll('img').forEach((img) => img.addEventListener('load', () => { if (stick || !existing) scrollToBottom(); }, { once: true }));
  }
}

/** A message from the page itself (e.g. a rejected name), shown to this tab only. */
function notice(text) {
  const now = Date.now();
  upsert({ id: 'notice-' + randomId(), serverId: app.server, visibleTo: app.clientId, createdAt: now, updatedAt: now, text: [{ type: 'text', text }], mentions: {}, images: [], buttons: [], notice: true });
}

// ---------- Server connection ----------

let retryMs = 500;

/** Opens this tab's live feed of the current server; reconnects with back-off when it drops. */
function connect(switching) {
  if (app.socket) {
    app.socket.onclose = null;
    app.socket.close();
  }
  clearTimeout(app.retryTimer);
  if (switching) {
    app.messages.clear();
    ui.list.replaceChildren();
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/api/events?server=${encodeURIComponent(app.server)}&client=${encodeURIComponent(app.clientId)}`);
  app.socket = socket;
  setConnection('connecting', switching ? t('connecting…') : t('reconnecting…'));
  socket.onopen = () => {
    retryMs = 500;
    setConnection('live', t('live'));
  };
  socket.onmessage = (e) => {
    const data = JSON.parse(e.data);
    if (data.type === 'message') upsert(data.message);
    else if (data.type === 'snapshot') {
      // Keep this tab's page notices across a reconnect; the server's messages are authoritative.
      const notices = [...app.messages.values()].filter((m) => m.notice);
      app.messages.clear();
      ui.list.replaceChildren();
      for (const m of [...data.messages, ...notices].sort((a, b) => a.createdAt - b.createdAt)) upsert(m);
      showEmpty();
      scrollToBottom();
    }
  };
  socket.onclose = () => {
    if (app.socket !== socket) return;
    setConnection('down', t('disconnected, retrying…'));
    app.retryTimer = setTimeout(() => connect(false), retryMs);
    retryMs = Math.min(retryMs * 2, 8000);
  };
}

function setConnection(state, label) {
  ui.connection.dataset.state = state;
  ui.connection.textContent = label;
}

/** Shows (or clears) the picture the next /imagine starts from. */
function attach(file) {
  app.attached = file || null;
  ui.attachFile.value = '';
  ui.attached.hidden = !file;
  if (ui.attachedThumb.src) URL.revokeObjectURL(ui.attachedThumb.src);
  ui.attachedThumb.src = file ? URL.createObjectURL(file) : '';
  ui.attachedName.textContent = file ? t('{0} — the next /imagine starts from it', file.name || t('pasted picture')) : '';
}

/** A POST to the playground server: its JSON answer, or null after telling the user what went wrong. */
async function request(path, init) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', ...init });
  } catch {
    notice(t('The playground server cannot be reached. Is it still running?'));
    return null;
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    notice(body.error || t('The server answered {0}.', res.status));
    return null;
  }
  return body;
}

/** Sends a picture to the server; its upload id, or null after telling why not. */
async function upload(file) {
  const body = await request('/api/upload', { headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file });
  return body && body.id;
}

async function post(path, payload) {
  const server = app.server;
  if (!NAME.test(userName())) {
    notice(t("Pick a user name first: 1–32 letters, digits, spaces or _ . ' - (in the side bar)."));
    ui.user.focus();
    return null;
  }
  const body = await request(path, { headers: headers(), body: JSON.stringify({ server, clientId: app.clientId, user: userName(), ...payload }) });
  if (!body) return null;
  app.admin = Boolean(body.admin);
  if (body.passwordRejected === 'wrong') notice(t('That admin password is wrong; the command ran without admin rights.'));
  if (body.passwordRejected === 'locked') notice(t('Too many wrong admin passwords from this address; wait a minute.'));
  showRole();
  // The tab may have switched server while waiting; the answer belongs to the old one.
  if (body.message && body.message.serverId === app.server) {
    upsert(body.message);
    if (body.message.form && body.message.visibleTo === app.clientId) openForm(body.message.form);
  }
  return body;
}

async function clickButton(message, button, node) {
  node.disabled = true;
  try {
    await post('/api/button', { messageId: message.id, id: button.id });
  } finally {
    node.disabled = Boolean(button.disabled);
  }
}

// ---------- Composer ----------

function commandsMatching(text) {
  if (!app.state || !text.startsWith('/') || /\s/.test(text)) return [];
  const prefix = text.slice(1).toLowerCase();
  return app.state.commands.filter((c) => c.name.startsWith(prefix));
}

let selected = 0;

function showSuggestions() {
  const found = commandsMatching(ui.input.value);
  ui.suggestions.replaceChildren();
  ui.suggestions.hidden = found.length === 0;
  selected = Math.min(selected, Math.max(0, found.length - 1));
  found.forEach((c, i) => {
    const li = el('li');
    li.setAttribute('aria-selected', String(i === selected));
    li.append(el('span', 'cmd', '/' + c.name), el('span', 'desc', c.description));
    li.addEventListener('mousedown', (e) => {
      e.preventDefault();
      complete(c);
    });
    ui.suggestions.append(li);
  });
}

function complete(command) {
  ui.input.value = `/${command.name} `;
  ui.suggestions.hidden = true;
  ui.input.focus();
}

function setupComposer() {
  ui.input.addEventListener('input', () => {
    selected = 0;
    showSuggestions();
  });
  ui.input.addEventListener('keydown', (e) => {
    const found = ui.suggestions.hidden ? [] : commandsMatching(ui.input.value);
    if (found.length && (e.key === 'Tab' || (e.key === 'Enter' && ui.input.value.length < found[selected].name.length + 1))) {
      e.preventDefault();
      complete(found[selected]);
      return;
    }
    if (found.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      selected = (selected + (e.key === 'ArrowDown' ? 1 : found.length - 1)) % found.length;
      showSuggestions();
      return;
    }
    if (e.key === 'Escape') ui.suggestions.hidden = true;
    if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && app.history.length) {
      e.preventDefault();
      app.historyAt = e.key === 'ArrowUp' ? Math.max(0, (app.historyAt < 0 ? app.history.length : app.historyAt) - 1) : Math.min(app.history.length, app.historyAt + 1);
      ui.input.value = app.history[app.historyAt] ?? '';
    }
  });
  ui.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = ui.input.value.trim();
    if (!text) return;
    ui.suggestions.hidden = true;
    app.history.push(text);
    app.historyAt = -1;
    ui.input.value = '';
    // A picture attached to /imagine goes up first; the command then names it.
    let image;
    if (app.attached && /^\/imagine\b/i.test(text)) {
      image = await upload(app.attached);
      if (!image) {
        ui.input.value = text;
        return;
      }
      attach(null);
    }
    const answer = await post('/api/command', image ? { text, image } : { text });
    // Keep what was typed when the server did not take it at all (network, bad name).
    if (!answer && !ui.input.value) ui.input.value = text;
  });

  // A picture to start from: the 🖼 button, a paste, or a drop on the composer.
  ui.attach.addEventListener('click', () => ui.attachFile.click());
  ui.attachFile.addEventListener('change', () => attach(ui.attachFile.files && ui.attachFile.files[0]));
  ui.attachedRemove.addEventListener('click', () => attach(null));
  ui.input.addEventListener('paste', (e) => {
    const file = [...(e.clipboardData ? e.clipboardData.files : [])].find((f) => f.type.startsWith('image/'));
    if (file) {
      e.preventDefault();
      attach(file);
    }
  });
  ui.form.addEventListener('dragover', (e) => {
    e.preventDefault();
    ui.form.classList.add('dragging');
  });
  ui.form.addEventListener('dragleave', () => ui.form.classList.remove('dragging'));
  ui.form.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.form.classList.remove('dragging');
    const file = [...(e.dataTransfer ? e.dataTransfer.files : [])].find((f) => f.type.startsWith('image/'));
    if (file) attach(file);
  });
}

function renderHints() {
  ui.hints.replaceChildren(t('Try:'));
  const examples = ['/imagine red heart --seed 7', '/info', '/limits', '/cancel'];
  for (const text of examples) {
    const name = text.slice(1).split(' ')[0];
    if (!app.state.commands.some((c) => c.name === name)) continue;
    const chip = el('button', 'hint', text);
    chip.type = 'button';
    chip.addEventListener('click', () => {
      ui.input.value = text;
      ui.input.focus();
    });
    ui.hints.append(chip);
  }
}

// ---------- Servers ----------

function selectServer(name) {
  app.server = name;
  store.set('imagine.server', name);
  for (const b of ui.servers.children) b.setAttribute('aria-current', String(b.dataset.server === name));
  ui.serverLabel.textContent = name;
  document.title = `#general · ${name} · imagine`;
  connect(true);
}

function renderServers() {
  ui.servers.replaceChildren();
  for (const name of app.state.servers) {
    const b = el('button', 'server-button');
    b.type = 'button';
    b.dataset.server = name;
    b.append(el('span', 'server-icon', name.slice(0, 2).toUpperCase()), el('span', '', name));
    b.addEventListener('click', () => { if (app.server !== name) selectServer(name); });
    ui.servers.append(b);
  }
}

// ---------- Start ----------

async function start() {
  setupUser();
  setupComposer();
  let state;
  for (;;) {
    try {
      const res = await fetch('/api/state', { headers: headers() });
      if (res.ok) { state = await res.json(); break; }
    } catch { /* server starting */ }
    setConnection('down', t('server unreachable, retrying…'));
    await new Promise((r) => setTimeout(r, 2000));
  }
  app.state = state;
  app.ui = state.ui || {};
  translatePage();
  app.admin = Boolean(state.admin);
  ui.passwordRow.hidden = !state.passwordNeeded;
  ui.model.replaceChildren(state.model.name, el('small', '', t('{0}×{1}, {2} steps by default', state.model.width, state.model.height, state.model.steps)));
  showRole();
  renderServers();
  renderHints();
  const saved = store.get('imagine.server');
  selectServer(state.servers.includes(saved) ? saved : state.servers[0]);
  ui.input.focus();
}

start();
