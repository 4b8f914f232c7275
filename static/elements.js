/*! HSRC Pay elements: the card element and next-action handling for API-only payments. Loaded by checkout.js on
 * first use (never by checkout pages); it reuses the loader's exact-origin iframe helper. It never sees card data:
 * the card fields and the payment-method call live inside our iframe. */
(function (w, d) {
  'use strict';
  var H = w.HSRCCheckout;
  if (!H || H.elements) return;
  var EDGE = H.origin, lastKey = null;

  /** cardElement(el, {publishableKey, locale?, onChange?}) → {frame, createPaymentMethod(), unmount()}. */
  function cardElement(el, opts, frame, call) {
    opts = opts || {};
    if (!el || !/^pk_(test|live)_[A-Za-z0-9_]+$/.test(opts.publishableKey || '')) {
      throw new Error('HSRCCheckout.cardElement(element, { publishableKey }) needs an element and a publishable key');
    }
    lastKey = opts.publishableKey;
    var seq = 0, waiting = {}, ready;
    var isReady = new Promise(function (r) { ready = r; });
    var m = frame(el, '/elements/card', { key: opts.publishableKey, locale: opts.locale }, 'hsrc-checkout', function (msg) {
      if (msg.type === 'ready') ready();
      else if (msg.type === 'change') {
        call(opts.onChange, { complete: !!msg.complete, brand: msg.brand || null, error: msg.error || null });
      } else if (msg.type === 'result' && waiting[msg.id]) {
        var done = waiting[msg.id];
        delete waiting[msg.id];
        done(msg.error ? { error: msg.error } : msg.payment_method);
      }
    });
    m.frame.title = 'HSRC Pay secure card fields';
    m.frame.style.height = '150px';
    // Resolves with {id, brand, last4}, or {error: {code, message, param}} when a field is wrong or the call failed.
    m.createPaymentMethod = function () {
      return isReady.then(function () {
        return new Promise(function (resolve) {
          waiting[++seq] = resolve;
          m.frame.contentWindow.postMessage({ source: 'hsrc-merchant', type: 'create_payment_method', id: seq }, EDGE);
        });
      });
    };
    return m;
  }

  /**
   * Opens the payment's 3DS challenge (`paymentNextAction`) in a modal iframe on this page and resolves with
   * {status, payment} once the payment leaves REQUIRES_ACTION. options: {clientSecret, publishableKey?, locale?}.
   * The status comes from the API (publishable key + client secret), never from a message.
   */
  function handleNextAction(action, opts, frame) {
    opts = opts || {};
    var secret = String(opts.clientSecret || ''), pk = opts.publishableKey || lastKey;
    var id = secret.split('_secret_')[0];
    var url = action && action.type === 'redirect_user_to_url' && action.redirect_user_to_url &&
      action.redirect_user_to_url.url;
    var target = url && new URL(url, EDGE);
    if (!target || target.origin !== EDGE || !pk || !/^pay_[a-f0-9]+$/.test(id)) {
      return Promise.reject(new Error('handleNextAction(paymentNextAction, { clientSecret, publishableKey }) needs ' +
        'a redirect_user_to_url action of ours, the payment\'s client secret and a publishable key'));
    }
    var shade = d.createElement('div'), box = d.createElement('div');
    shade.setAttribute('data-hsrc-next-action', '');
    shade.setAttribute('role', 'dialog');
    shade.setAttribute('aria-modal', 'true');
    shade.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.5);' +
      'display:flex;align-items:center;justify-content:center';
    box.style.cssText = 'width:min(440px,100vw);height:min(620px,100vh);background:#fff;border-radius:8px;overflow:hidden';
    shade.appendChild(box);
    d.body.appendChild(shade);
    var m = frame(box, target.pathname, { locale: opts.locale }, 'hsrc-none', function () {});
    m.frame.title = '3-D Secure';
    m.frame.style.height = '100%';
    function close() { m.unmount(); shade.remove(); }
    var path = EDGE + '/v1/payments/' + encodeURIComponent(id) + '/client?client_secret=' + encodeURIComponent(secret);
    return new Promise(function (resolve, reject) {
      var tries = 0;
      // Bounded: one read a second for at most 15 minutes (the challenge expires well before).
      (function poll() {
        fetch(path, { headers: { Authorization: 'Bearer ' + pk } })
          .then(function (r) { return r.json(); })
          .then(function (j) {
            var p = j && j.payment;
            if (!p) throw new Error((j && j.error && j.error.message) || 'The payment could not be read.');
            if (p.status === 'REQUIRES_ACTION' && ++tries < 900) return setTimeout(poll, 1000);
            close();
            resolve({ status: p.status, payment: p });
          })
          .catch(function (err) { close(); reject(err); });
      })();
    });
  }

  H.elements = { cardElement: cardElement, handleNextAction: handleNextAction };
})(window, document);
