// A private status link carries its token in the fragment (#token=...), which browsers never
// send to a server or in a Referer. Move it into the form that opens the page (a POST that
// sets this comment's cookie) and take it out of the address bar.
(function () {
  var match = /(?:^#|&)token=([0-9a-f]{64})(?:&|$)/.exec(window.location.hash);
  var form = document.getElementById("open-status");
  if (!match || !form) {
    return;
  }
  form.elements.token.value = match[1];
  window.history.replaceState(null, "", window.location.pathname);
  form.submit();
})();
