// The web chat page. Plain browser JavaScript (no build step). Replies are Markdown rendered by
// marked and then sanitised by DOMPurify; the user's own text is only ever set as textContent.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { csrf: null, user: null, busy: false };

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
    const body = document.createElement('div');
    body.className = 'body';
    if (role === 'assistant' && !(opts && opts.error)) renderMarkdown(body, text);
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
    for (const m of r.data.messages) addMessage(m.role, m.text);
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
    if (r.ok) { addMessage('assistant', r.data.reply.text); input.focus(); return; }
    if (r.status === 401) { await showSignIn('Your session has ended. Please sign in again.'); return; }
    // Nothing was saved: put the text back so it can be sent again.
    input.value = text;
    autosize();
    addMessage('assistant', errorText(r, 'Something went wrong. Please try again.'), { error: true });
  });

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
    await loadHistory();
    $('question').focus();
  });

  $('signout').addEventListener('click', async () => {
    const r = await api('POST', '/auth/logout');
    if (!r.ok) { showError(errorText(r, 'Sign-out did not work. Please reload the page and try again.')); return; }
    await showSignIn('');
  });

  start();
})();
