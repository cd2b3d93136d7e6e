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
    history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : ''));
  }
  var token = sessionStorage.getItem(TOKEN_KEY);
  var tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  var COLORS = { whatsapp: '#25a244', web: '#2f6fde', sessions: '#e08a00' };
  var PALETTE = ['#2f6fde', '#25a244', '#e08a00', '#9b4dca', '#d94452', '#1a9aa0', '#6b7280'];
  // Labels are skipped rather than slanted when the chart is narrow (phones).
  var DAY_TICKS = { maxRotation: 0, autoSkip: true, autoSkipPadding: 8 };
  var charts = {};
  var $ = function (id) { return document.getElementById(id); };
  var fmt = new Intl.NumberFormat();

  function isoDay(d) {
    var p = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
    return p;
  }
  function setRange(days) {
    var now = new Date();
    $('to').value = isoDay(now);
    $('from').value = isoDay(new Date(now.getTime() - (days - 1) * 86400000));
  }

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts[id] = new Chart($(id), config);
    $(id).parentElement.setAttribute('data-rendered', 'true');
  }

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
    $('k-users-sub').textContent = 'WhatsApp ' + fmt.format(t.uniqueUsersByChannel.whatsapp) + ' · web ' + fmt.format(t.uniqueUsersByChannel.web);
    $('k-latency').textContent = a.latency.replies ? fmt.format(a.latency.avgMs) + ' / ' + fmt.format(a.latency.p95Ms) : '–';
    $('k-fallback').textContent = (a.replyKinds.fallbackRate * 100).toFixed(1) + '%';
    $('k-fallback-sub').textContent = fmt.format(a.replyKinds.fallback) + ' of ' + fmt.format(t.replies) + ' replies';
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
        labels: a.days.map(function (d) { return d.slice(5); }),
        datasets: [
          { label: 'WhatsApp messages', data: byDay('whatsapp', 'messages'), backgroundColor: COLORS.whatsapp, stack: 'm', order: 1 },
          { label: 'Web messages', data: byDay('web', 'messages'), backgroundColor: COLORS.web, stack: 'm', order: 1 },
          { label: 'Sessions', data: sessionsPerDay, type: 'line', borderColor: COLORS.sessions, backgroundColor: COLORS.sessions, tension: 0.25, pointRadius: 2, borderWidth: 3, order: 0 },
        ],
      },
      options: { scales: { x: { stacked: true, ticks: DAY_TICKS }, y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } },
    });

    var models = Array.from(new Set(a.tokensPerDay.map(function (r) { return r.model; })));
    draw('c-tokens', {
      type: 'bar',
      data: {
        labels: a.days.map(function (d) { return d.slice(5); }),
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
    });

    draw('c-hours', {
      type: 'bar',
      data: {
        labels: a.busiestHours.map(function (h) { return String(h.hour).padStart(2, '0'); }),
        datasets: [{ label: 'User messages', data: a.busiestHours.map(function (h) { return h.messages; }), backgroundColor: COLORS.web }],
      },
      options: { scales: { x: { ticks: DAY_TICKS }, y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
    });

    var k = a.replyKinds;
    draw('c-kinds', {
      type: 'doughnut',
      data: {
        labels: ['AI', 'Fallback', 'Offline', 'Placeholder'],
        datasets: [{ data: [k.ai, k.fallback, k.offline, k.placeholder], backgroundColor: ['#25a244', '#d94452', '#e08a00', '#9ca3af'] }],
      },
      options: { plugins: { legend: { position: 'bottom' } } },
    });

    var list = $('sources');
    list.replaceChildren();
    if (!a.topSources.length) {
      var empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = 'No replies cited the knowledge base in this period.';
      list.appendChild(empty);
    }
    a.topSources.forEach(function (s) {
      var li = document.createElement('li');
      var head = document.createElement('div');
      head.className = 'source';
      var name = document.createElement('strong');
      name.textContent = s.file + ' · page ' + s.page;
      var count = document.createElement('span');
      count.className = 'count';
      count.textContent = s.turns + (s.turns === 1 ? ' answer' : ' answers');
      head.append(name, count);
      var qs = document.createElement('ul');
      s.questions.forEach(function (q) {
        var qi = document.createElement('li');
        qi.textContent = '“' + q.text + '”' + (q.count > 1 ? ' ×' + q.count : '');
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

    var h = a.chatLog || {};
    var dl = $('health');
    dl.replaceChildren();
    [['Storage', h.transport], ['Written', h.written], ['Queued', h.queued], ['Failed writes', h.failedWrites], ['Dropped writes', h.droppedWrites], ['Last error', h.lastError || 'none']]
      .forEach(function (pair) {
        var dt = document.createElement('dt'); dt.textContent = pair[0];
        var dd = document.createElement('dd'); dd.textContent = pair[1] == null ? '–' : String(pair[1]);
        if ((pair[0] === 'Failed writes' || pair[0] === 'Dropped writes') && pair[1] > 0) dd.className = 'bad';
        dl.append(dt, dd);
      });
    document.body.setAttribute('data-loaded', 'true');
  }

  function load() {
    status('Loading…');
    var q = new URLSearchParams({ from: $('from').value, to: $('to').value, tz: tz });
    fetch('/api/analytics?' + q, { headers: token ? { Authorization: 'Bearer ' + token } : {} })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error((body.error && body.error.message) || ('HTTP ' + res.status));
          return body;
        });
      })
      .then(function (a) { render(a); status(''); })
      .catch(function (err) { status('Could not load the figures: ' + err.message, true); });
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
