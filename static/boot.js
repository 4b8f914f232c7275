// Starts the checkout: loads the wasm module; its start function mounts the app into #app.
import init from './pkg/hsrc_widget.js';

init().catch(function () {
  var app = document.getElementById('app');
  if (app) {
    app.textContent = document.documentElement.lang === 'en'
      ? 'The checkout could not start. Please reload the page.'
      : 'Ödeme sayfası başlatılamadı. Lütfen sayfayı yenileyin.';
    app.setAttribute('role', 'alert');
  }
});
