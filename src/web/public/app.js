// The web chat page. Plain browser JavaScript (no build step). Replies are Markdown rendered by
// marked and then sanitised by DOMPurify; the user's own text is only ever set as textContent.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { csrf: null, user: null, busy: false, whatsapp: null, poll: null };

  // Every text comes from the catalogue the server rendered into the page (window.I18N, i18n.js):
  // the page's language, which the visitor can switch and which is remembered in the lang cookie.
  const I = window.I18N;
  const T = (key, params) => I.t(key, params);
  const LANG = I.lang;

  const SIGNIN_MESSAGES = { failed: 'web.signinFailed', cancelled: 'web.signinCancelled', unavailable: 'web.signinUnavailable' };

  function showError(text) {
    const el = $('error');
    el.textContent = text || '';
    el.hidden = !text;
  }

  // Links from the model open in a new tab and cannot reach back into this page.
  if (window.DOMPurify) {
    window.DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') { node.setAttribute('target', '_blank'); node.setAttribute('rel', 'noopener noreferrer'); }
    });
  }

  // Replies are written for WhatsApp too (plain lines, "•" or "-" bullets, a label line right before
  // a list). Markdown would fold such a label into the list item above it, so lists get blank lines
  // around them and "•" becomes a Markdown bullet.
  const LIST_ITEM = /^\s*([-*•]|\d+[.)])\s/;
  function prepareMarkdown(text) {
    const out = [];
    for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
      const line = raw.replace(/^(\s*)•\s+/, '$1- ');
      const prev = out.length ? out[out.length - 1] : '';
      if (prev.trim() && line.trim() && LIST_ITEM.test(line) !== LIST_ITEM.test(prev)) out.push('');
      out.push(line);
    }
    return out.join('\n');
  }

  function renderMarkdown(el, text) {
    if (window.marked && window.DOMPurify) {
      const html = window.marked.parse(prepareMarkdown(text), { gfm: true, breaks: true });
      el.innerHTML = window.DOMPurify.sanitize(html, { FORBID_TAGS: ['style', 'form', 'input', 'button', 'img'], FORBID_ATTR: ['style'] });
    } else {
      el.textContent = text; // libraries missing: show the raw text rather than risk HTML
    }
  }

  function addMessage(role, text, opts) {
    const li = document.createElement('li');
    li.className = 'msg ' + role + (opts && opts.error ? ' msg-error' : '');
    if (opts && opts.channel === 'whatsapp') {
      const tag = document.createElement('span');
      tag.className = 'channel-tag';
      tag.textContent = T('link.channel');
      li.appendChild(tag);
    }
    const body = document.createElement('div');
    body.className = 'body';
    if ((role === 'assistant' || role === 'operator') && !(opts && opts.error)) renderMarkdown(body, text);
    else body.textContent = text;
    li.appendChild(body);
    $('messages').insertBefore(li, $('typing')); // the typing indicator stays last
    li.scrollIntoView({ block: 'end' });
    return li;
  }

  function clearMessages() {
    for (const li of Array.from($('messages').querySelectorAll('.msg'))) li.remove();
  }

  async function api(method, url, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (state.csrf && method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
    let res;
    try {
      res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      return { ok: false, status: 0, data: { error: { message: T('common.networkError') } } };
    }
    let data = null;
    try { data = await res.json(); } catch { data = null; }
    return { ok: res.ok, status: res.status, data: data || {} };
  }

  const errorText = (r, fallback) => (r.data && r.data.error && r.data.error.message) || fallback;

  function setSignedIn(user, csrf) {
    state.user = user; state.csrf = csrf;
    $('who-name').textContent = user.name || user.email || T('web.signedIn');
    $('who-demo').hidden = !user.demo;
    $('who').hidden = false;
    $('signin').hidden = true;
    $('chat').hidden = false;
  }

  async function showSignIn(message) {
    state.user = null; state.csrf = null;
    $('who').hidden = true;
    $('chat').hidden = true;
    $('link').hidden = true;
    stopPolling();
    clearMessages();
    $('signin').hidden = false;
    if (message) showError(message);
    const r = await api('GET', '/auth/providers');
    const p = r.ok ? r.data : { google: true, demo: false };
    $('google').hidden = !p.google;
    $('demo').hidden = !p.demo;
    $('no-signin').hidden = p.google || p.demo;
  }

  async function loadHistory() {
    const r = await api('GET', '/api/chat/history');
    clearMessages();
    if (!r.ok) { showError(errorText(r, T('web.historyFailed'))); return; }
    for (const m of r.data.messages) addMessage(m.role, m.text, { channel: m.channel });
    state.shown = r.data.messages.length;
    if (!r.data.messages.length) {
      addMessage('assistant', T('web.welcome'));
    }
  }

  async function start() {
    const params = new URLSearchParams(location.search);
    const signin = params.get('signin');
    if (signin) history.replaceState(null, '', '/');
    const me = await api('GET', '/api/me');
    if (me.ok) {
      setSignedIn(me.data.user, me.data.csrfToken);
      showWhatsApp(me.data.whatsapp);
      await loadHistory();
      $('question').focus();
    } else {
      await showSignIn(SIGNIN_MESSAGES[signin] ? T(SIGNIN_MESSAGES[signin]) : (me.status === 401 ? '' : errorText(me, T('web.somethingWrongReload'))));
    }
  }

  function setBusy(busy) {
    state.busy = busy;
    $('send').disabled = busy;
    $('typing').hidden = !busy;
    if (busy) $('typing').scrollIntoView({ block: 'end' });
  }

  async function send(text) {
    // The page's language: the fixed replies (busy, quota, welcome…) come back in it.
    let r = await api('POST', '/api/chat', { message: text, language: LANG });
    if (r.status === 403) {
      // Token out of date (e.g. signed in again in another tab): fetch a fresh one and retry once.
      const me = await api('GET', '/api/me');
      if (me.ok) { state.csrf = me.data.csrfToken; r = await api('POST', '/api/chat', { message: text, language: LANG }); }
    }
    return r;
  }

  $('ask').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = $('question');
    const text = input.value.trim();
    if (!text || state.busy) return;
    showError('');
    addMessage('user', text);
    input.value = '';
    autosize();
    setBusy(true);
    const r = await send(text);
    setBusy(false);
    // held: a person from the team has the conversation and answers later (polled below).
    if (r.ok) { if (!r.data.reply.held) addMessage('assistant', r.data.reply.text); state.shown = -1; input.focus(); return; }
    if (r.status === 401) { await showSignIn(T('web.sessionEnded')); return; }
    // Nothing was saved: put the text back so it can be sent again.
    input.value = text;
    autosize();
    addMessage('assistant', errorText(r, T('web.somethingWrong')), { error: true });
  });

  // An operator's reply arrives without a question: the history is read again every few seconds.
  setInterval(async () => {
    if (!state.csrf || state.busy || document.hidden) return;
    const r = await api('GET', '/api/chat/history');
    if (!r.ok || state.busy) return;
    if (state.shown === -1) { state.shown = r.data.messages.length; return; }
    if (r.data.messages.length === state.shown) return;
    clearMessages();
    for (const m of r.data.messages) addMessage(m.role, m.text, { channel: m.channel });
    state.shown = r.data.messages.length;
  }, 5000);

  const autosize = () => { const q = $('question'); q.style.height = 'auto'; q.style.height = Math.min(q.scrollHeight, 160) + 'px'; };
  $('question').addEventListener('input', autosize);
  $('question').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('ask').requestSubmit(); }
  });

  $('demo').addEventListener('submit', async (e) => {
    e.preventDefault();
    showError('');
    const r = await api('POST', '/auth/demo', { name: $('demo-name').value });
    if (!r.ok) { showError(errorText(r, T('web.demoFailed'))); return; }
    setSignedIn(r.data.user, r.data.csrfToken);
    const me = await api('GET', '/api/me');
    showWhatsApp(me.ok ? me.data.whatsapp : null);
    await loadHistory();
    $('question').focus();
  });

  // ---- Link WhatsApp: a code the person sends from WhatsApp; the page watches /api/me for the link.
  function showWhatsApp(whatsapp) {
    state.whatsapp = whatsapp || null;
    const linked = Boolean(whatsapp && whatsapp.linked);
    $('link-open').textContent = linked ? T('link.linkedButton', { phone: whatsapp.phone || '' }).trim() : T('link.open');
    $('link-linked').hidden = !linked;
    if (linked) {
      $('link-linked-text').textContent = T('link.linked', { phone: whatsapp.phone || '' }).replace(/\s+/g, ' ');
      $('link-new').hidden = true;
      stopPolling();
    }
  }

  function stopPolling() { if (state.poll) { clearInterval(state.poll); state.poll = null; } }

  async function newCode() {
    $('link-error').hidden = true;
    const r = await api('POST', '/api/link/whatsapp', { language: LANG });
    if (!r.ok) { $('link-error').textContent = errorText(r, T('link.failed')); $('link-error').hidden = false; return; }
    const c = r.data;
    $('link-code').textContent = c.code;
    $('link-text').textContent = c.text;
    $('link-wa').hidden = !c.url;
    if (c.url) $('link-wa').href = c.url;
    $('link-sandbox').hidden = !c.sandboxUrl;
    if (c.sandboxUrl) $('link-sandbox').href = c.sandboxUrl;
    $('link-qr').hidden = !c.qr;
    if (c.qr) { $('link-qr').src = c.qr; $('link-qr').alt = c.url; }
    $('link-copy').textContent = T('link.copy');
    $('link-expiry').textContent = T('link.expiry', { time: I.time(c.expiresAt) });
    $('link-new').hidden = false;
    stopPolling();
    const stopAt = Date.parse(c.expiresAt);
    state.poll = setInterval(() => {
      if (Date.now() > stopAt || $('link').hidden) { stopPolling(); return; }
      checkLinked();
    }, 3000);
  }

  async function checkLinked() {
    const me = await api('GET', '/api/me');
    if (me.ok && me.data.whatsapp && me.data.whatsapp.linked && !(state.whatsapp && state.whatsapp.linked)) {
      showWhatsApp(me.data.whatsapp);
      await loadHistory();
    }
  }
  // Back from WhatsApp (another tab or app): background timers are slowed, so look at once.
  document.addEventListener('visibilitychange', () => { if (!document.hidden && state.poll) checkLinked(); });

  $('link-open').addEventListener('click', async () => {
    const panel = $('link');
    panel.hidden = !panel.hidden;
    if (panel.hidden) { stopPolling(); return; }
    if (!(state.whatsapp && state.whatsapp.linked)) await newCode();
  });
  $('link-close').addEventListener('click', () => { $('link').hidden = true; stopPolling(); });
  $('link-renew').addEventListener('click', () => newCode());
  $('link-copy').addEventListener('click', async () => {
    try { await navigator.clipboard.writeText($('link-text').textContent); $('link-copy').textContent = T('link.copied'); } catch { /* the text stays visible to copy by hand */ }
  });
  $('link-unlink').addEventListener('click', async () => {
    if (!window.confirm(T('link.unlinkConfirm'))) return;
    const r = await api('DELETE', '/api/link/whatsapp');
    if (!r.ok) { $('link-error').textContent = errorText(r, T('link.failed')); $('link-error').hidden = false; return; }
    showWhatsApp(r.data.whatsapp);
    await newCode();
  });

  $('signout').addEventListener('click', async () => {
    const r = await api('POST', '/auth/logout');
    if (!r.ok) { showError(errorText(r, T('web.signOutFailed'))); return; }
    await showSignIn('');
  });

  start();
})();
