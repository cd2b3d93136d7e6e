// Shows why the last sign-in did not work (?signin=refused|failed|unavailable).
(function () {
  var messages = {
    refused: 'This Google account is not an operator (not in OPERATOR_EMAILS). Ask an administrator to add it.',
    failed: 'Google sign-in did not work. Please try again.',
    unavailable: 'Google sign-in is not configured on this server (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and OPERATOR_EMAILS).',
  };
  var why = new URLSearchParams(location.search).get('signin');
  if (why && messages[why]) {
    var el = document.getElementById('login-error');
    el.textContent = messages[why];
    el.hidden = false;
  }
})();
