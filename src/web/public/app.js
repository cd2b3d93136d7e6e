// The web chat page. Plain browser JavaScript (no build step). Replies are Markdown rendered by
// marked and then sanitised by DOMPurify; the user's own text is only ever set as textContent.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { csrf: null, user: null, busy: false, whatsapp: null, poll: null };

  // The link panel's texts. Bahasa Indonesia unless the browser prefers English.
  const LANG = /^en\b/i.test(navigator.language || '') && !/^(id|in)\b/i.test(navigator.language || '') ? 'en' : 'id';
  const LINK_TEXT = {
    id: {
      open: 'Hubungkan WhatsApp', linkedButton: (p) => `WhatsApp ✓ ${p || ''}`.trim(), title: 'Hubungkan WhatsApp',
      intro: 'Dengan menghubungkan WhatsApp, pertanyaan Anda di WhatsApp dijawab dengan data kredit akun ini, dan percakapan di web dan WhatsApp menjadi satu.',
      codeLabel: 'Kode Anda:', sendLabel: 'Kirim pesan ini dari WhatsApp Anda ke nomor kami:', openWa: 'Buka WhatsApp', sandbox: 'Coba di sandbox WhatsApp',
      copy: 'Salin pesan', copied: 'Tersalin ✓', renew: 'Buat kode baru', close: 'Tutup',
      expiry: (t) => `Kode berlaku sampai ${t} dan hanya bisa dipakai sekali.`, waiting: 'Menunggu pesan Anda di WhatsApp…',
      linked: (p) => `WhatsApp ${p || ''} terhubung dengan akun ini.`, unlink: 'Putuskan WhatsApp', unlinkConfirm: 'Putuskan WhatsApp dari akun ini?',
      failed: 'Kode belum bisa dibuat. Silakan coba lagi.', channel: 'via WhatsApp',
    },
    en: {
      open: 'Link WhatsApp', linkedButton: (p) => `WhatsApp ✓ ${p || ''}`.trim(), title: 'Link WhatsApp',
      intro: 'Once WhatsApp is linked, your questions on WhatsApp are answered with this account\'s credit data, and the web and WhatsApp conversations become one.',
      codeLabel: 'Your code:', sendLabel: 'Send this message from your WhatsApp to our number:', openWa: 'Open WhatsApp', sandbox: 'Try it in the WhatsApp sandbox',
      copy: 'Copy message', copied: 'Copied ✓', renew: 'New code', close: 'Close',
      expiry: (t) => `The code is valid until ${t} and works once.`, waiting: 'Waiting for your WhatsApp message…',
      linked: (p) => `WhatsApp ${p || ''} is linked to this account.`, unlink: 'Unlink WhatsApp', unlinkConfirm: 'Unlink WhatsApp from this account?',
      failed: 'The code could not be created. Please try again.', channel: 'via WhatsApp',
    },
  };
  const LT = LINK_TEXT[LANG];

  const SIGNIN_MESSAGES = {
    failed: 'Google sign-in did not work. Please try again.',
    cancelled: 'Google sign-in was cancelled.',
    unavailable: 'Google sign-in is not set up on this server.',
  };

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
      tag.textContent = LT.channel;
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
      return { ok: false, status: 0, data: { error: { message: 'Cannot reach the server. Check your connection and try again.' } } };
    }
    let data = null;
    try { data = await res.json(); } catch { data = null; }
    return { ok: res.ok, status: res.status, data: data || {} };
  }

  const errorText = (r, fallback) => (r.data && r.data.error && r.data.error.message) || fallback;

  function setSignedIn(user, csrf) {
    state.user = user; state.csrf = csrf;
    $('who-name').textContent = user.name || user.email || 'Signed in';
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
    if (!r.ok) { showError(errorText(r, 'Your earlier messages could not be loaded.')); return; }
    for (const m of r.data.messages) addMessage(m.role, m.text, { channel: m.channel });
    state.shown = r.data.messages.length;
    if (!r.data.messages.length) {
      addMessage('assistant', 'Hello! I can explain your credit report: your score, your loans and cards, late payments, and how to improve. What would you like to know?');
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
      await showSignIn(SIGNIN_MESSAGES[signin] || (me.status === 401 ? '' : errorText(me, 'Something went wrong. Please reload the page.')));
    }
  }

  function setBusy(busy) {
    state.busy = busy;
    $('send').disabled = busy;
    $('typing').hidden = !busy;
    if (busy) $('typing').scrollIntoView({ block: 'end' });
  }

  async function send(text) {
    let r = await api('POST', '/api/chat', { message: text });
    if (r.status === 403) {
      // Token out of date (e.g. signed in again in another tab): fetch a fresh one and retry once.
      const me = await api('GET', '/api/me');
      if (me.ok) { state.csrf = me.data.csrfToken; r = await api('POST', '/api/chat', { message: text }); }
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
    if (r.status === 401) { await showSignIn('Your session has ended. Please sign in again.'); return; }
    // Nothing was saved: put the text back so it can be sent again.
    input.value = text;
    autosize();
    addMessage('assistant', errorText(r, 'Something went wrong. Please try again.'), { error: true });
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
    if (!r.ok) { showError(errorText(r, 'Demo sign-in did not work. Please try again.')); return; }
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
    $('link-open').textContent = linked ? LT.linkedButton(whatsapp.phone) : LT.open;
    $('link-linked').hidden = !linked;
    if (linked) {
      $('link-linked-text').textContent = LT.linked(whatsapp.phone);
      $('link-new').hidden = true;
      stopPolling();
    }
  }

  function stopPolling() { if (state.poll) { clearInterval(state.poll); state.poll = null; } }

  async function newCode() {
    $('link-error').hidden = true;
    const r = await api('POST', '/api/link/whatsapp', { language: LANG });
    if (!r.ok) { $('link-error').textContent = errorText(r, LT.failed); $('link-error').hidden = false; return; }
    const c = r.data;
    $('link-intro').textContent = LT.intro;
    $('link-code-label').textContent = LT.codeLabel;
    $('link-code').textContent = c.code;
    $('link-send-label').textContent = LT.sendLabel;
    $('link-text').textContent = c.text;
    $('link-wa').hidden = !c.url;
    if (c.url) { $('link-wa').href = c.url; $('link-wa').textContent = LT.openWa; }
    $('link-sandbox').hidden = !c.sandboxUrl;
    if (c.sandboxUrl) { $('link-sandbox').href = c.sandboxUrl; $('link-sandbox').textContent = LT.sandbox; }
    $('link-qr').hidden = !c.qr;
    if (c.qr) { $('link-qr').src = c.qr; $('link-qr').alt = c.url; }
    $('link-copy').textContent = LT.copy;
    const until = new Date(c.expiresAt).toLocaleTimeString(LANG === 'id' ? 'id-ID' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
    $('link-expiry').textContent = `${LT.expiry(until)} ${LT.waiting}`;
    $('link-renew').textContent = LT.renew;
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

  $('link-title').textContent = LT.title;
  $('link-close').textContent = LT.close;
  $('link-unlink').textContent = LT.unlink;
  $('link-open').textContent = LT.open;
  $('link-open').addEventListener('click', async () => {
    const panel = $('link');
    panel.hidden = !panel.hidden;
    if (panel.hidden) { stopPolling(); return; }
    if (!(state.whatsapp && state.whatsapp.linked)) await newCode();
  });
  $('link-close').addEventListener('click', () => { $('link').hidden = true; stopPolling(); });
  $('link-renew').addEventListener('click', () => newCode());
  $('link-copy').addEventListener('click', async () => {
    try { await navigator.clipboard.writeText($('link-text').textContent); $('link-copy').textContent = LT.copied; } catch { /* the text stays visible to copy by hand */ }
  });
  $('link-unlink').addEventListener('click', async () => {
    if (!window.confirm(LT.unlinkConfirm)) return;
    const r = await api('DELETE', '/api/link/whatsapp');
    if (!r.ok) { $('link-error').textContent = errorText(r, LT.failed); $('link-error').hidden = false; return; }
    showWhatsApp(r.data.whatsapp);
    await newCode();
  });

  $('signout').addEventListener('click', async () => {
    const r = await api('POST', '/auth/logout');
    if (!r.ok) { showError(errorText(r, 'Sign-out did not work. Please reload the page and try again.')); return; }
    await showSignIn('');
  });

  start();
})();
