// /admin#conversations: the operator console (inbox, thread, takeover, replies, release). Polls
// every few seconds, so new messages appear without reloading. Customer and AI text is untrusted:
// it is only ever set with textContent.
(function () {
  'use strict';
  var TOKEN_KEY = 'aicw-admin-token';
  var POLL_MS = 3000;
  var $ = function (id) { return document.getElementById(id); };
  var st = { selected: null, timer: null, key: null, keyText: null, me: null, sig: '', busy: false };
  // Texts and dates in the page's language (window.I18N, from /i18n/i18n.js).
  var I = window.I18N;
  var T = function (key, params) { return I.t(key, params); };
  var STATE_LABEL = { ai: T('console.stateAi'), human: T('console.stateHuman'), needs_human: T('console.stateNeedsHuman'), opted_out: T('console.stateOptedOut') };
  var ACTION_LABEL = {
    escalate: T('console.actionEscalate'), takeover: T('console.actionTakeover'), release: T('console.actionRelease'), 'auto-release': T('console.actionAutoRelease'),
    message: T('console.actionMessage'), 'opt-in': T('console.actionOptIn'), 'opt-out': T('console.actionOptOut'),
  };
  var ACTOR_LABEL = { customer: T('console.customer'), system: T('console.system') };
  var TICKS = { sent: T('console.tickSent'), delivered: T('console.tickDelivered'), read: T('console.tickRead'), failed: T('console.tickFailed'), sending: T('console.tickSending') };

  function headers(json) {
    var h = {};
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) h.Authorization = 'Bearer ' + token;
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }
  async function api(method, url, body, extra) {
    try {
      var res = await fetch(url, { method: method, credentials: 'same-origin', headers: Object.assign(headers(body !== undefined), extra || {}),
        body: body === undefined ? undefined : JSON.stringify(body) });
      var data = await res.json().catch(function () { return null; });
      return { ok: res.ok, status: res.status, data: data };
    } catch (e) {
      return { ok: false, status: 0, data: { error: { message: T('common.networkError') } } };
    }
  }
  function errorText(r) { return (r.data && r.data.error && r.data.error.message) || T('common.requestFailed', { status: r.status }); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function when(at) { return I.dateTime(at); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.from(a, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  function route() {
    var h = location.hash;
    var onConsole = h === '#conversations' || h.indexOf('#conversations/') === 0;
    $('view-dashboard').hidden = onConsole;
    $('view-conversations').hidden = !onConsole;
    $('range').hidden = onConsole;
    document.querySelector('.top h1').textContent = T(onConsole ? 'console.title' : 'dashboard.title');
    $('tab-dashboard').classList.toggle('active', !onConsole);
    $('tab-conversations').classList.toggle('active', onConsole);
    var sel = h.indexOf('#conversations/') === 0 ? decodeURIComponent(h.slice('#conversations/'.length)) : null;
    if (sel !== st.selected) { st.selected = sel; st.sig = ''; st.key = null; clearThread(); }
    if (onConsole) { refresh(); if (!st.timer) st.timer = setInterval(refresh, POLL_MS); }
    else if (st.timer) { clearInterval(st.timer); st.timer = null; }
  }

  async function refresh() {
    if (document.hidden) return;
    await Promise.all([loadInbox(), st.selected ? loadThread() : null]);
  }

  async function loadInbox() {
    var q = new URLSearchParams();
    if ($('inbox-q').value.trim()) q.set('q', $('inbox-q').value.trim());
    if ($('inbox-state').value) q.set('state', $('inbox-state').value);
    var r = await api('GET', '/api/operator/conversations?' + q);
    var list = $('inbox-list');
    if (!r.ok) { list.replaceChildren(el('li', 'status error', errorText(r))); return; }
    list.replaceChildren.apply(list, r.data.conversations.map(function (c) {
      var li = el('li', 'inbox-item' + (c.userId === st.selected ? ' selected' : ''));
      li.dataset.userId = c.userId;
      var a = el('a'); a.href = '#conversations/' + encodeURIComponent(c.userId);
      var top = el('div', 'row');
      top.append(el('strong', 'name', c.name || c.phone || c.userId), el('span', 'badge state-' + c.state, STATE_LABEL[c.state] || c.state));
      var mid = el('div', 'row muted');
      mid.append(el('span', 'channel channel-' + c.channel, c.channel === 'whatsapp' ? 'WhatsApp' : T('console.web')), el('span', '', (c.phone ? c.phone + ' · ' : '') + when(c.lastMessageAt)));
      var last = el('div', 'last', c.lastMessage);
      a.append(top, mid, last);
      if (c.unread > 0 && c.userId !== st.selected) a.append(el('span', 'unread', String(c.unread)));
      li.append(a);
      return li;
    }));
    if (!r.data.conversations.length) list.replaceChildren(el('li', 'muted empty', T('console.noMatch')));
  }

  function clearThread() {
    $('thread-title').textContent = T(st.selected ? 'common.loading' : 'console.choose');
    $('thread-sub').textContent = '';
    $('thread-messages').replaceChildren();
    $('side-actions').replaceChildren();
    $('side-credit').textContent = '';
    ['takeover', 'release', 'composer', 'thread-state', 'thread-error'].forEach(function (id) { $(id).hidden = true; });
  }

  function senderOf(m) {
    if (m.role === 'user') return T('console.customer');
    if (m.role === 'operator') return m.operator || T('console.operator');
    return T('console.ai');
  }

  async function loadThread() {
    var userId = st.selected;
    var r = await api('GET', '/api/operator/conversations/' + encodeURIComponent(userId));
    if (userId !== st.selected) return;
    if (!r.ok) { showError(errorText(r)); return; }
    var c = r.data.conversation;
    $('thread-title').textContent = c.name || c.phone || c.userId;
    $('thread-sub').textContent = [c.userId, c.phone, c.channel === 'whatsapp' ? 'WhatsApp' : T('console.webChat')].filter(Boolean).join(' · ');
    var badge = $('thread-state');
    badge.hidden = false;
    badge.className = 'badge state-' + c.state;
    badge.textContent = (STATE_LABEL[c.state] || c.state) + (c.state === 'human' && c.operator ? ': ' + c.operator : '');
    var mine = st.me && c.operator === st.me;
    $('takeover').hidden = c.state === 'opted_out' || (c.state === 'human' && mine);
    $('release').hidden = !(c.state === 'human' || c.state === 'needs_human');
    $('composer').hidden = c.state === 'opted_out';
    $('side-credit').textContent = c.credit || '';
    var sig = JSON.stringify([r.data.messages.length, r.data.messages.map(function (m) { return m.status || ''; }), r.data.actions.length]);
    if (sig === st.sig) return;
    st.sig = sig;
    var list = $('thread-messages');
    list.replaceChildren.apply(list, r.data.messages.map(function (m) {
      var li = el('li', 'tm tm-' + m.role);
      li.append(el('div', 'tm-text', m.text));
      var meta = el('div', 'tm-meta');
      meta.append(el('span', 'channel channel-' + m.channel, m.channel === 'whatsapp' ? 'WhatsApp' : T('console.web')), el('span', 'who', senderOf(m)), el('time', '', when(m.at)));
      if (m.status) meta.append(el('span', 'tick tick-' + m.status, (TICKS[m.status] || m.status) + (m.error ? ': ' + m.error : '')));
      li.append(meta);
      if (m.sources && m.sources.length) {
        li.append(el('div', 'tm-sources', T('console.knowledge', { sources: m.sources.map(function (s) { return T('console.sourcePage', { file: s.file, page: s.page }); }).join(', ') })));
      }
      return li;
    }));
    list.scrollTop = list.scrollHeight;
    var actions = $('side-actions');
    actions.replaceChildren.apply(actions, r.data.actions.slice().reverse().map(function (a) {
      return el('li', '', when(a.at) + ' · ' + (ACTOR_LABEL[a.actor] || a.actor) + ' · ' + (ACTION_LABEL[a.action] || a.action) + (a.detail && a.detail.forcedFrom ? ' ' + T('console.forcedFrom', { operator: a.detail.forcedFrom }) : ''));
    }));
  }

  function showError(text) { var e = $('thread-error'); e.textContent = text || ''; e.hidden = !text; }

  async function post(path, body, extra) {
    return api('POST', '/api/operator/conversations/' + encodeURIComponent(st.selected) + path, body || {}, extra);
  }

  $('takeover').addEventListener('click', async function () {
    showError('');
    var r = await post('/takeover');
    if (r.status === 409 && r.data && r.data.error.code === 'held-by-other' && confirm(errorText(r) + '\n\n' + T('console.takeOverAnyway'))) r = await post('/takeover', { force: true });
    if (!r.ok) showError(errorText(r));
    st.sig = ''; refresh();
  });
  $('release').addEventListener('click', async function () {
    showError('');
    var r = await post('/release');
    if (!r.ok) showError(errorText(r));
    st.sig = ''; refresh();
  });
  $('composer').addEventListener('submit', async function (e) {
    e.preventDefault();
    var text = $('composer-text').value.trim();
    if (!text || st.busy) return;
    // One key per message: a double click or a retry after a lost answer is sent once.
    if (st.keyText !== text || !st.key) { st.key = newKey(); st.keyText = text; }
    st.busy = true; $('composer-send').disabled = true; showError('');
    var r = await post('/messages', { text: text }, { 'Idempotency-Key': st.key });
    st.busy = false; $('composer-send').disabled = false;
    if (r.ok) { $('composer-text').value = ''; st.key = null; st.sig = ''; refresh(); return; }
    if (r.status && r.status < 500) st.key = null; // refused: a corrected message is a new one
    showError(errorText(r));
  });
  $('composer-text').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('composer').requestSubmit(); }
  });
  var searchTimer = null;
  $('inbox-q').addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(loadInbox, 250); });
  $('inbox-state').addEventListener('change', loadInbox);

  (async function whoAmI() {
    var r = await api('GET', '/api/operator/me');
    if (!r.ok) return;
    st.me = r.data.operator.email;
    var box = $('operator');
    box.replaceChildren(el('span', 'muted', r.data.operator.via === 'google' ? T('console.signedInAs', { email: st.me }) : T('console.adminToken')));
    if (r.data.operator.via === 'google') {
      var out = el('button', 'secondary', T('common.signOut'));
      out.type = 'button';
      out.addEventListener('click', async function () { await api('POST', '/admin/auth/logout', {}); location.href = '/admin/login'; });
      box.append(out);
    }
  })();

  window.addEventListener('hashchange', route);
  route();
})();
