// Injected by `golive serve` into every page it serves (never into built files).
// Polls the server; reloads when a rebuild finished; shows build errors on top.
(function () {
  var seen = null;
  function overlay(text) {
    var box = document.getElementById('golive-error');
    if (!text) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement('pre');
      box.id = 'golive-error';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;' +
        'background:#2b0b0b;color:#ffe3e3;font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap;z-index:99999';
      document.body.appendChild(box);
    }
    box.textContent = 'golive: the content has problems; showing the last good build.\n\n' + text;
  }
  function poll() {
    fetch('/__golive/state', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen && !s.error) { location.reload(); return; }
      seen = s.version;
      overlay(s.error);
    }).catch(function () {}).finally(function () { setTimeout(poll, 400); });
  }
  poll();
})();
