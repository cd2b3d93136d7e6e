// Shows why the last sign-in did not work (?signin=refused|failed|unavailable), in the page's language.
(function () {
  var keys = { refused: 'console.loginRefused', failed: 'console.loginFailed', unavailable: 'console.loginUnavailable' };
  var why = new URLSearchParams(location.search).get('signin');
  if (why && keys[why]) {
    var el = document.getElementById('login-error');
    el.textContent = window.I18N.t(keys[why]);
    el.hidden = false;
  }
})();
