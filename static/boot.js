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

(challenge
  ? preload('/assets/pkg/hsrc_challenge.js', '__SRI_CHALLENGE_JS__').then(function () {
      return import('./pkg/hsrc_challenge.js');
    })
  : import('./pkg/hsrc_widget.js')
).then(function (module) {
  return module.default();
}).catch(function () {
  var app = document.getElementById('app');
  if (app) {
    app.textContent = document.documentElement.lang === 'en'
      ? 'The checkout could not start. Please reload the page.'
      : 'Ödeme sayfası başlatılamadı. Lütfen sayfayı yenileyin.';
    app.setAttribute('role', 'alert');
  }
});
