// Starts the operations console: loads its wasm module (a bundle separate from the payer's checkout); the module's
// start function mounts the app into #app.
import init from './pkg/hsrc_ops.js';

init().catch(function () {
  var app = document.getElementById('app');
  if (app) {
    app.textContent = 'The console could not start; reload the page. / Konsol başlatılamadı; sayfayı yenileyin.';
    app.setAttribute('role', 'alert');
  }
});
