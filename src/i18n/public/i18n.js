// window.I18N for the pages' scripts: the texts the server rendered into #i18n-data (the page's
// language and namespaces), and numbers, Rupiah and dates written the way that language writes
// them (the same rules as src/i18n/format.ts: "Rp" + the grouped number, 30 Nov 2026).
(function () {
  'use strict';
  var el = document.getElementById('i18n-data');
  var data = { lang: document.documentElement.lang === 'en' ? 'en' : 'id', messages: {} };
  try { if (el) data = JSON.parse(el.textContent); } catch (e) { /* keys are shown instead of texts */ }
  var locale = data.lang === 'en' ? 'en-GB' : 'id-ID';
  var TZ = 'Asia/Jakarta';
  function fill(template, params) {
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return params[name] === undefined || params[name] === null ? whole : String(params[name]);
    });
  }
  function number(n, digits) { return new Intl.NumberFormat(locale, { maximumFractionDigits: digits || 0 }).format(n); }
  window.I18N = {
    lang: data.lang,
    locale: locale,
    /** t('web.send') or t('link.expiry', { time: '14:05' }); a missing key shows the key, never a crash. */
    t: function (key, params) { var s = data.messages[key]; return fill(s === undefined ? key : s, params); },
    has: function (key) { return data.messages[key] !== undefined; },
    number: number,
    percent: function (fraction, digits) { return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits === undefined ? 1 : digits }).format(fraction); },
    rupiah: function (amount) { return (amount < 0 ? '-' : '') + 'Rp' + number(Math.abs(Math.round(amount))); },
    date: function (d, timeZone) { return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: timeZone || TZ }).format(new Date(d)); },
    dateTime: function (d, timeZone) {
      return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: timeZone || undefined }).format(new Date(d));
    },
    time: function (d) { return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(new Date(d)); },
    /** A short day label for chart axes ("30 Nov"), from a YYYY-MM-DD day. */
    day: function (isoDay) { return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(isoDay + 'T00:00:00Z')); },
  };
})();
