// Loads the page's wasm bundle (the 3DS challenge page has its own); its start function mounts the app into #app.
// The form's module is preloaded with its hash by the shell, the challenge's here (hash filled in by the build).
var challenge = location.pathname.indexOf('/checkout/3ds/') === 0;

function preload(href, integrity) {
  return new Promise(function (resolve, reject) {
    var link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    link.integrity = integrity;
    link.onload = resolve;
    link.onerror = reject;
    document.head.appendChild(link);
  });
}

// The embed page may come with the form already rendered by the edge, and the payer typing into it. The wasm then
// mounts into a second, hidden #app and reads what was typed from the served one (widget/src/app/takeover.rs);
// once it has started, takeOver swaps the two in the same task and puts focus and caret back.
var served = document.querySelector('#checkout[data-prerendered]');
var fresh = null;
if (served) {
  var root = served.parentNode;
  fresh = root.cloneNode(false);
  fresh.style.display = 'none';
  root.id = 'app-served';
  root.after(fresh);
}

function takeOver() {
  var old = document.getElementById('app-served');
  if (!fresh || !old) return;
  var a = document.activeElement, id = a && old.contains(a) ? a.id : '';
  var typed = id ? a.value : '', at = id ? a.selectionStart : null;
  old.remove();
  fresh.style.display = '';
  var el = id && document.getElementById(id);
  if (!el) return;
  el.focus();
  if (at == null) return;
  // The wasm formats some fields (card number groups): the caret goes after as many non-space characters as before.
  var n = typed.slice(0, at).replace(/\s/g, '').length, i = 0;
  for (; i < el.value.length && n > 0; i++) if (!/\s/.test(el.value[i])) n--;
  try { el.setSelectionRange(i, i); } catch (e) { /* no selection on this input type */ }
}

(challenge
  ? preload('/assets/pkg/hsrc_challenge.js', '__SRI_CHALLENGE_JS__').then(function () {
      return import('./pkg/hsrc_challenge.js');
    })
  : import('./pkg/hsrc_widget.js')
).then(function (module) {
  return module.default();
}).then(takeOver).catch(function () {
  // The served form cannot pay without the wasm: the message replaces it.
  var old = document.getElementById('app-served');
  if (old) {
    if (fresh) fresh.remove();
    old.id = 'app';
  }
  var app = document.getElementById('app');
  if (app) {
    app.textContent = document.documentElement.lang === 'en'
      ? 'The checkout could not start. Please reload the page.'
      : 'Ödeme sayfası başlatılamadı. Lütfen sayfayı yenileyin.';
    app.setAttribute('role', 'alert');
  }
});
