// /admin dashboard: fetches /api/analytics and draws it with Chart.js (served locally).
// User text (questions) is only ever set with textContent: it is untrusted input.
(function () {
  'use strict';
  var TOKEN_KEY = 'aicw-admin-token';
  var params = new URLSearchParams(location.search);
  // A ?token= from the address bar is kept for this tab only and removed from the URL, so it does
  // not stay in the history or get copied along with a link.
  if (params.get('token')) {
    sessionStorage.setItem(TOKEN_KEY, params.get('token'));
    params.delete('token');
    history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : '') + location.hash); // keeps #conversations
  }
  var token = sessionStorage.getItem(TOKEN_KEY);
  var tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  var COLORS = { whatsapp: '#25a244', web: '#2f6fde', sessions: '#e08a00' };
  var PALETTE = ['#2f6fde', '#25a244', '#e08a00', '#9b4dca', '#d94452', '#1a9aa0', '#6b7280'];
  // Labels are skipped rather than slanted when the chart is narrow (phones).
  var DAY_TICKS = { maxRotation: 0, autoSkip: true, autoSkipPadding: 8 };
  var charts = {};
  var $ = function (id) { return document.getElementById(id); };
  // Texts and number formats in the page's language (window.I18N, from /i18n/i18n.js).
  var I = window.I18N;
  var T = function (key, params) { return I.t(key, params); };
  var fmt = { format: function (n) { return I.number(n); } };
  var STORAGE = {
    postgres: 'dashboard.storagePostgres', pglite: 'dashboard.storageEmbedded', 'supabase-postgres': 'dashboard.storageSupabasePostgres',
    'supabase-js': 'dashboard.storageSupabaseJs',
  };

  function isoDay(d) {
    var p = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
    return p;
  }
  function setRange(days) {
    var now = new Date();
    $('to').value = isoDay(now);
    $('from').value = isoDay(new Date(now.getTime() - (days - 1) * 86400000));
  }

  // A chart with nothing to show says so in words instead of drawing empty axes.
  function draw(id, config, hasData) {
    if (charts[id]) { charts[id].destroy(); delete charts[id]; }
    var box = $(id).parentElement;
    var note = box.querySelector('.empty');
    if (!hasData) {
      $(id).hidden = true;
      if (!note) { note = document.createElement('p'); note.className = 'empty'; box.appendChild(note); }
      note.textContent = T('dashboard.noChartData');
      box.setAttribute('data-rendered', 'empty');
      return;
    }
    if (note) note.remove();
    $(id).hidden = false;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts[id] = new Chart($(id), config);
    box.setAttribute('data-rendered', 'true');
  }
  var sum = function (list) { return list.reduce(function (n, x) { return n + (Number(x) || 0); }, 0); };

  function status(text, isError) {
    var el = $('status');
    el.textContent = text;
    el.className = 'status' + (isError ? ' error' : '');
    el.hidden = !text;
  }

  function render(a) {
    var t = a.totals;
    $('k-sessions').textContent = fmt.format(t.sessions);
    $('k-messages').textContent = fmt.format(t.messages);
    $('k-users').textContent = fmt.format(t.uniqueUsers);
    $('k-users-sub').textContent = T('dashboard.usersByChannel', { whatsapp: fmt.format(t.uniqueUsersByChannel.whatsapp), web: fmt.format(t.uniqueUsersByChannel.web) });
    $('k-latency').textContent = a.latency.replies ? fmt.format(a.latency.avgMs) + ' / ' + fmt.format(a.latency.p95Ms) : '–';
    $('k-fallback').textContent = I.percent(a.replyKinds.fallbackRate, 1);
    $('k-fallback-sub').textContent = T('dashboard.fallbackOf', { fallback: fmt.format(a.replyKinds.fallback), replies: fmt.format(t.replies) });
    $('k-tokens').textContent = fmt.format(t.promptTokens + t.completionTokens);
    $('tz-label').textContent = '(' + a.range.tz + ')';

    var byDay = function (channel, field) {
      return a.days.map(function (d) {
        var row = a.perDay.find(function (r) { return r.day === d && r.channel === channel; });
        return row ? row[field] : 0;
      });
    };
    var sessionsPerDay = a.days.map(function (d, i) { return byDay('whatsapp', 'sessions')[i] + byDay('web', 'sessions')[i]; });
    draw('c-daily', {
      type: 'bar',
      data: {
        labels: a.days.map(I.day),
        datasets: [
          { label: T('dashboard.whatsappMessages'), data: byDay('whatsapp', 'messages'), backgroundColor: COLORS.whatsapp, stack: 'm', order: 1 },
          { label: T('dashboard.webMessages'), data: byDay('web', 'messages'), backgroundColor: COLORS.web, stack: 'm', order: 1 },
          { label: T('dashboard.sessions'), data: sessionsPerDay, type: 'line', borderColor: COLORS.sessions, backgroundColor: COLORS.sessions, tension: 0.25, pointRadius: 2, borderWidth: 3, order: 0 },
        ],
      },
      options: { scales: { x: { stacked: true, ticks: DAY_TICKS }, y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } },
    }, sum(a.perDay.map(function (r) { return r.messages + r.sessions; })) > 0);

    var models = Array.from(new Set(a.tokensPerDay.map(function (r) { return r.model; })));
    draw('c-tokens', {
      type: 'bar',
      data: {
        labels: a.days.map(I.day),
        datasets: models.map(function (m, i) {
          return {
            label: m, backgroundColor: PALETTE[i % PALETTE.length], stack: 't',
            data: a.days.map(function (d) {
              var r = a.tokensPerDay.find(function (x) { return x.day === d && x.model === m; });
              return r ? r.promptTokens + r.completionTokens : 0;
            }),
          };
        }),
      },
      options: { scales: { x: { stacked: true, ticks: DAY_TICKS }, y: { stacked: true, beginAtZero: true } }, plugins: { legend: { position: 'bottom' } } },
    }, sum(a.tokensPerDay.map(function (r) { return r.promptTokens + r.completionTokens; })) > 0);

    draw('c-hours', {
      type: 'bar',
      data: {
        labels: a.busiestHours.map(function (h) { return String(h.hour).padStart(2, '0'); }),
        datasets: [{ label: T('dashboard.userMessages'), data: a.busiestHours.map(function (h) { return h.messages; }), backgroundColor: COLORS.web }],
      },
      options: { scales: { x: { ticks: DAY_TICKS }, y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
    }, sum(a.busiestHours.map(function (h) { return h.messages; })) > 0);

    var k = a.replyKinds;
    draw('c-kinds', {
      type: 'doughnut',
      data: {
        labels: [T('dashboard.kindAi'), T('dashboard.kindFallback'), T('dashboard.kindOffline'), T('dashboard.kindPlaceholder')],
        datasets: [{ data: [k.ai, k.fallback, k.offline, k.placeholder], backgroundColor: ['#25a244', '#d94452', '#e08a00', '#9ca3af'] }],
      },
      options: { plugins: { legend: { position: 'bottom' } } },
    }, k.ai + k.fallback + k.offline + k.placeholder > 0);

    var list = $('sources');
    list.replaceChildren();
    if (!a.topSources.length) {
      var empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = T('dashboard.noSources');
      list.appendChild(empty);
    }
    a.topSources.forEach(function (s) {
      var li = document.createElement('li');
      var head = document.createElement('div');
      head.className = 'source';
      var name = document.createElement('strong');
      name.textContent = T('dashboard.sourcePage', { file: s.file, page: s.page });
      var count = document.createElement('span');
      count.className = 'count';
      count.textContent = s.turns === 1 ? T('dashboard.answersOne') : T('dashboard.answersMany', { count: fmt.format(s.turns) });
      head.append(name, count);
      var qs = document.createElement('ul');
      s.questions.forEach(function (q) {
        var qi = document.createElement('li');
        qi.textContent = '“' + q.text + '”' + (q.count > 1 ? ' ×' + fmt.format(q.count) : '');
        qs.appendChild(qi);
      });
      li.append(head, qs);
      list.appendChild(li);
    });

    var tbody = $('models').querySelector('tbody');
    tbody.replaceChildren();
    a.perModel.forEach(function (m) {
      var tr = document.createElement('tr');
      [m.model, fmt.format(m.replies), fmt.format(m.promptTokens + m.completionTokens), m.avgLatencyMs == null ? '–' : fmt.format(m.avgLatencyMs)]
        .forEach(function (v) { var td = document.createElement('td'); td.textContent = v; tr.appendChild(td); });
      tbody.appendChild(tr);
    });
    $('models').hidden = !a.perModel.length;
    $('models-empty').hidden = a.perModel.length > 0;

    var h = a.chatLog || {};
    var dl = $('health');
    dl.replaceChildren();
    var storage = h.enabled === false ? T('dashboard.storageOff') : STORAGE[h.transport] ? T(STORAGE[h.transport]) : h.transport;
    var num = function (v) { return typeof v === 'number' ? fmt.format(v) : v; };
    [['storage', storage], ['written', num(h.written)], ['queued', num(h.queued)], ['failedWrites', h.failedWrites], ['droppedWrites', h.droppedWrites],
      ['lastError', h.lastError || T('dashboard.none')]]
      .forEach(function (pair) {
        var dt = document.createElement('dt'); dt.textContent = T('dashboard.' + pair[0]);
        var dd = document.createElement('dd'); dd.textContent = pair[1] == null ? '–' : String(num(pair[1]));
        if ((pair[0] === 'failedWrites' || pair[0] === 'droppedWrites') && pair[1] > 0) dd.className = 'bad';
        dl.append(dt, dd);
      });
    document.body.setAttribute('data-loaded', 'true');
  }

  function load() {
    status(T('common.loading'));
    var q = new URLSearchParams({ from: $('from').value, to: $('to').value, tz: tz });
    fetch('/api/analytics?' + q, { headers: token ? { Authorization: 'Bearer ' + token } : {} })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error((body.error && body.error.message) || T('common.requestFailed', { status: res.status }));
          return body;
        });
      })
      .then(function (a) { render(a); status(''); })
      .catch(function (err) { status(T('dashboard.loadFailed', { reason: err.message }), true); });
  }

  $('range').addEventListener('submit', function (e) { e.preventDefault(); load(); });
  document.querySelectorAll('[data-days]').forEach(function (b) {
    b.addEventListener('click', function () { setRange(Number(b.getAttribute('data-days'))); load(); });
  });
  if (params.get('from')) $('from').value = params.get('from');
  if (params.get('to')) $('to').value = params.get('to');
  if (!$('from').value || !$('to').value) setRange(30);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  load();
})();
