// /sandbox: a WhatsApp-like chat against this server's real webhook. Messages are sent through the
// sandbox API (which signs a genuine Meta payload and POSTs it to /webhook/whatsapp); the view is
// polled from what the server stored and what its Graph client sent. Text is only ever set with
// textContent: replies and payloads are untrusted.
(function () {
  'use strict';
  var TOKEN_KEY = 'aicw-admin-token';
  var params = new URLSearchParams(location.search);
  if (params.get('token')) {
    sessionStorage.setItem(TOKEN_KEY, params.get('token'));
    params.delete('token');
    history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : ''));
  }
  var token = sessionStorage.getItem(TOKEN_KEY);
  // Texts and formats in the page's language (window.I18N, from /i18n/i18n.js).
  var I = window.I18N;
  var T = function (key, params) { return I.t(key, params); };
  var $ = function (id) { return document.getElementById(id); };
  var state = { phone: '', afterId: 0, events: [], local: [], info: null, lastView: '', dueAt: null, pending: false, timer: null };

  function api(path, options) {
    options = options || {};
    options.headers = Object.assign({ accept: 'application/json' }, options.headers || {}, token ? { authorization: 'Bearer ' + token } : {});
    return fetch('/sandbox/api' + path, options).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (!res.ok) {
          var msg = (body.error && body.error.message) || T('common.requestFailed', { status: res.status });
          if (res.status === 401 || res.status === 403) msg = T('sandbox.localOnly', { reason: msg });
          var err = new Error(msg); err.status = res.status; throw err;
        }
        return body;
      });
    });
  }
  function showError(text) { $('error').textContent = text || ''; $('error').hidden = !text; }
  function digits(v) { return String(v || '').replace(/\D/g, ''); }
  function time(iso) { return I.time(iso); }

  // WhatsApp's own markup: *bold*, _italic_, ~strike~, ```mono```; everything else is plain text.
  function formatted(text) {
    var frag = document.createDocumentFragment();
    var re = /(```[\s\S]+?```|\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~)/g;
    var last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var tok = m[0], el;
      if (tok.indexOf('```') === 0) { el = document.createElement('code'); el.textContent = tok.slice(3, -3); }
      else { el = document.createElement(tok[0] === '*' ? 'strong' : tok[0] === '_' ? 'em' : 's'); el.textContent = tok.slice(1, -1); }
      frag.appendChild(el);
      last = m.index + tok.length;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function bubble(m) {
    var li = document.createElement('li');
    li.className = 'msg ' + m.from + (m.local ? ' local' : '');
    li.appendChild(m.from === 'bot' ? formatted(m.text) : document.createTextNode(m.text));
    var meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = m.at ? time(m.at) : '';
    if (m.from === 'user') {
      var tick = document.createElement('span');
      tick.className = 'tick' + (m.read ? ' read' : '');
      tick.textContent = m.local ? '…' : '✓✓';
      tick.title = T(m.local ? 'sandbox.tickSending' : m.read ? 'sandbox.tickRead' : 'sandbox.tickDelivered');
      meta.appendChild(tick);
    }
    li.appendChild(meta);
    return li;
  }

  function renderMessages(view) {
    var known = {};
    view.messages.forEach(function (m) { known[m.id] = true; });
    state.local = state.local.filter(function (l) { return !known[l.id]; });
    var all = view.messages.concat(state.local);
    var key = JSON.stringify([all.map(function (m) { return [m.id, m.read]; }), view.typing]);
    if (key === state.lastView) return;
    state.lastView = key;
    var list = $('messages');
    var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.textContent = '';
    if (!all.length) {
      var empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = T('sandbox.empty');
      list.appendChild(empty);
    }
    all.forEach(function (m) { list.appendChild(bubble(m)); });
    if (view.typing) {
      var t = document.createElement('li');
      t.className = 'typing';
      t.setAttribute('aria-label', T('sandbox.typingLabel'));
      for (var i = 0; i < 3; i++) t.appendChild(document.createElement('span'));
      list.appendChild(t);
    }
    if (nearBottom || state.local.length) list.scrollTop = list.scrollHeight;
  }

  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text || ''; }
  }
  function section(parent, title, text) {
    var h = document.createElement('h3'); h.textContent = title; parent.appendChild(h);
    var pre = document.createElement('pre'); pre.textContent = text; parent.appendChild(pre);
  }
  function renderEvents(list) {
    var ol = $('events');
    list.forEach(function (e) {
      var li = document.createElement('li');
      var d = document.createElement('details');
      var ok = e.responseStatus && e.responseStatus < 300;
      d.className = (e.direction === 'webhook' ? 'out' : 'in') + (ok ? '' : ' bad');
      var s = document.createElement('summary');
      s.textContent = (e.direction === 'webhook' ? '→ webhook ' : '← Graph ' + e.kind + ' ') + e.method + ' ' + e.path + ' · ' + (e.responseStatus || T('sandbox.noAnswer')) + ' · ' + time(e.at);
      d.appendChild(s);
      var headers = Object.keys(e.headers || {}).map(function (k) { return k + ': ' + e.headers[k]; }).join('\n');
      section(d, T('sandbox.headers'), headers);
      section(d, T('sandbox.body'), pretty(e.body));
      section(d, T('sandbox.response', { status: e.responseStatus || '' }).trim(), pretty(e.responseBody));
      li.appendChild(d);
      ol.insertBefore(li, ol.firstChild);
    });
    while (ol.children.length > 60) ol.removeChild(ol.lastChild);
  }

  function renderBuffer() {
    var el = $('buffer');
    if (!state.pending) { el.hidden = true; return; }
    var left = state.dueAt ? Math.ceil((new Date(state.dueAt).getTime() - Date.now()) / 1000) : 0;
    el.textContent = left > 0
      ? T('sandbox.bufferWaiting', { seconds: left })
      : T('sandbox.bufferAnswering');
    el.hidden = false;
  }

  // One request at a time: a poll asked for while one is in flight runs right after it, so two
  // answers for the same cursor never both land in the panel.
  function poll() {
    clearTimeout(state.timer);
    if (state.inflight) { state.again = true; return; }
    var phone = state.phone;
    if (!phone) { state.timer = setTimeout(poll, 700); return; }
    state.inflight = true;
    api('/conversation?phone=' + phone + '&after=' + state.afterId).then(function (view) {
      if (phone !== state.phone) return;
      showError('');
      var fresh = view.events.filter(function (e) { return e.id > state.afterId; });
      fresh.forEach(function (e) { state.afterId = Math.max(state.afterId, e.id); });
      renderEvents(fresh);
      state.view = view;
      renderMessages(view);
      state.pending = view.pending; state.dueAt = view.dueAt;
      renderBuffer();
      $('presence').textContent = T(view.typing ? 'sandbox.presenceTyping' : 'sandbox.presenceOnline');
    }).catch(function (err) { showError(err.message); }).then(function () {
      state.inflight = false;
      if (state.again) { state.again = false; poll(); } else state.timer = setTimeout(poll, 700);
    });
  }

  function switchPhone() {
    var p = digits($('phone').value);
    if (p === state.phone) return;
    state.phone = p.length >= 6 ? p : '';
    state.afterId = 0; state.local = []; state.lastView = ''; state.view = null;
    $('events').textContent = '';
    $('messages').textContent = '';
    localStorage.setItem('sandbox-phone', $('phone').value);
    poll();
  }

  // Shows the message at once, posts it, and takes it back (text restored) if it could not be sent.
  function deliver(text, restore, path, init) {
    var local = { id: 'local-' + Date.now() + Math.random(), from: 'user', text: text, local: true, at: new Date().toISOString() };
    state.local.push(local);
    $('text').value = '';
    renderMessages(state.view || { messages: [], typing: false });
    api(path, init)
      .then(function (r) {
        local.id = r.wamid;
        if (r.status !== 200) showError(T('sandbox.webhookAnswered', { status: r.status || T('sandbox.noAnswer'), response: r.response }));
        poll();
      })
      .catch(function (err) {
        state.local = state.local.filter(function (l) { return l !== local; });
        state.lastView = '';
        $('text').value = restore;
        showError(err.message);
      });
  }

  function send(e) {
    e.preventDefault();
    var text = $('text').value.trim();
    if (!text) return;
    if (!state.phone) { showError(T('sandbox.phoneFirst')); $('phone').focus(); return; }
    deliver(text, text, '/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: state.phone, name: $('name').value, text: text }) });
    $('text').focus();
  }

  // Attachments: the file goes as the request body (its own Content-Type); the server stores it,
  // announces it in a signed media webhook and serves it to the bot through its Graph stand-in.
  function upload(blob, filename) {
    if (!state.phone) { showError(T('sandbox.phoneFirst')); $('phone').focus(); return; }
    var caption = $('text').value.trim();
    var type = (blob.type || 'application/octet-stream').split(';')[0];
    var label = /^audio\//.test(type) ? '🎤 ' + (filename || T('sandbox.voiceNote')) : (/^image\//.test(type) ? '🖼️ ' : '📎 ') + (filename || type);
    var q = 'phone=' + encodeURIComponent(state.phone) + '&name=' + encodeURIComponent($('name').value) +
      '&caption=' + encodeURIComponent(caption) + '&filename=' + encodeURIComponent(filename || '');
    deliver(label + (caption ? ' · ' + caption : ''), caption, '/media?' + q, { method: 'POST', headers: { 'content-type': type, 'x-sandbox-upload': '1' }, body: blob });
  }

  // A voice note from the microphone where the browser allows it. Recorded as 16 kHz mono WAV with
  // the Web Audio API rather than MediaRecorder: Chromium's MediaRecorder only makes WebM, which is
  // not among the audio formats OpenRouter accepts, while WAV is (real WhatsApp notes are Ogg/Opus).
  function encodeWav(chunks, inRate) {
    var total = chunks.reduce(function (n, c) { return n + c.length; }, 0);
    var rate = 16000, ratio = inRate / rate, length = Math.floor(total / ratio);
    var samples = new Float32Array(total), offset = 0;
    chunks.forEach(function (c) { samples.set(c, offset); offset += c.length; });
    var view = new DataView(new ArrayBuffer(44 + length * 2));
    var str = function (o, t) { for (var i = 0; i < t.length; i++) view.setUint8(o + i, t.charCodeAt(i)); };
    str(0, 'RIFF'); view.setUint32(4, 36 + length * 2, true); str(8, 'WAVE'); str(12, 'fmt ');
    view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
    view.setUint32(24, rate, true); view.setUint32(28, rate * 2, true); view.setUint16(32, 2, true); view.setUint16(34, 16, true);
    str(36, 'data'); view.setUint32(40, length * 2, true);
    for (var i = 0; i < length; i++) {
      var v = Math.max(-1, Math.min(1, samples[Math.floor(i * ratio)]));
      view.setInt16(44 + i * 2, v < 0 ? v * 0x8000 : v * 0x7fff, true);
    }
    return new Blob([view], { type: 'audio/wav' });
  }

  function setupRecorder() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !Ctx) return;
    var button = $('record');
    button.hidden = false;
    var rec = null;
    button.addEventListener('click', function () {
      if (rec) {
        var r = rec; rec = null;
        r.node.disconnect(); r.source.disconnect();
        r.stream.getTracks().forEach(function (t) { t.stop(); });
        r.ctx.close();
        button.classList.remove('recording'); button.setAttribute('aria-label', T('sandbox.record'));
        if (r.chunks.length) upload(encodeWav(r.chunks, r.ctx.sampleRate), '');
        return;
      }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var ctx = new Ctx();
        var source = ctx.createMediaStreamSource(stream);
        var node = ctx.createScriptProcessor(4096, 1, 1);
        var chunks = [];
        node.onaudioprocess = function (e) { chunks.push(new Float32Array(e.inputBuffer.getChannelData(0))); };
        source.connect(node); node.connect(ctx.destination);
        rec = { stream: stream, ctx: ctx, source: source, node: node, chunks: chunks };
        button.classList.add('recording'); button.setAttribute('aria-label', T('sandbox.stopRecording'));
      }).catch(function (err) { showError(T('sandbox.micUnavailable', { reason: err.message })); });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('phone').value = localStorage.getItem('sandbox-phone') || '+6281234567890';
    $('name').value = localStorage.getItem('sandbox-name') || 'Budi Santoso';
    api('/info').then(function (info) {
      state.info = info;
      info.presets.forEach(function (p) {
        var o = document.createElement('option'); o.value = p.phone; o.textContent = p.name; $('presets').appendChild(o);
      });
      $('buffer-note').textContent = T('sandbox.bufferNote', { seconds: I.number(info.bufferMs / 1000, 1) }) + ' ' +
        T(info.aiOnline ? 'sandbox.aiOnline' : 'sandbox.aiOffline');
    }).catch(function (err) { showError(err.message); });
    $('phone').addEventListener('change', function () {
      var preset = (state.info && state.info.presets || []).filter(function (p) { return digits(p.phone) === digits($('phone').value); })[0];
      if (preset) { $('name').value = preset.name; localStorage.setItem('sandbox-name', preset.name); }
      switchPhone();
    });
    $('phone').addEventListener('input', function () { if (digits($('phone').value).length >= 10) switchPhone(); });
    $('name').addEventListener('change', function () { localStorage.setItem('sandbox-name', $('name').value); });
    $('who').addEventListener('submit', function (e) { e.preventDefault(); switchPhone(); });
    $('compose').addEventListener('submit', send);
    $('text').addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('compose').requestSubmit(); }
    });
    var app = document.querySelector('.app');
    var toggle = function (show) { app.classList.toggle('show-panel', show); $('toggle-panel').setAttribute('aria-expanded', String(show)); };
    $('toggle-panel').addEventListener('click', function () { toggle(!app.classList.contains('show-panel')); });
    $('close-panel').addEventListener('click', function () { toggle(false); });
    $('attach').addEventListener('click', function () { $('file').click(); });
    $('file').addEventListener('change', function () {
      var f = $('file').files[0];
      $('file').value = '';
      if (f) upload(f, f.name);
    });
    setupRecorder();
    setInterval(renderBuffer, 1000);
    switchPhone();
    // Opened from the web chat's "Link WhatsApp" panel: the message with the code is ready to send.
    if (params.get('text')) { $('text').value = params.get('text').slice(0, 4096); $('text').focus(); }
  });
})();
