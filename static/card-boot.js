// Loads the card element's own wasm bundle (#15); its start function mounts the card fields into #app.
import('./pkg/hsrc_card.js').then(function (module) {
  return module.default();
}).catch(function () {
  var app = document.getElementById('app');
  if (app) {
    app.textContent = 'The card fields could not start. Please reload the page. / Kart alanları başlatılamadı.';
    app.setAttribute('role', 'alert');
  }
});
