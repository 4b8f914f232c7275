/*! HSRC Pay Checkout loader: mounts our iframes from the edge that serves it and relays their events. It never sees
 * card data (card fields live only inside our iframes). No dependencies, no build. */
(function (w, d) {
  'use strict';
  if (w.HSRCCheckout) return;

  var script = d.currentScript;
  // Every iframe and message is bound to the origin this script came from.
  var EDGE = new URL(script ? script.src : '/', location.href).origin;
  var EVENTS = ['ready', 'requires_action', 'declined', 'completed', 'failed', 'cancelled', 'expired'];
  var auto = null;

  function pick(e) { return typeof e === 'string' ? d.querySelector(e) : e; }

  // An iframe of ours; on(message) hears only that frame's messages with our tag.
  function frame(el, path, params, tag, on) {
    var src = new URL(path, EDGE);
    params.origin = location.origin;
    for (var k in params) if (params[k]) src.searchParams.set(k, params[k]);
    var f = d.createElement('iframe'), s = f.style;
    f.src = src.href;
    f.setAttribute('allow', 'payment');
    s.display = 'block'; s.width = '100%'; s.border = '0'; s.overflow = 'hidden'; s.colorScheme = 'light';
    function listen(e) {
      var m = e.data;
      if (e.origin !== EDGE || e.source !== f.contentWindow || !m || m.source !== tag) return;
      if (m.type === 'resize') {
        var h = Number(m.height);
        if (h > 0 && h < 20000) s.height = Math.ceil(h) + 'px';
      } else on(m);
    }
    w.addEventListener('message', listen);
    el.appendChild(f);
    return { frame: f, unmount: function () { w.removeEventListener('message', listen); f.remove(); } };
  }

  function call(fn, arg) {
    if (typeof fn === 'function') try { fn(arg); } catch (err) { setTimeout(function () { throw err; }); }
  }

  // mount(element, {token, locale?, onEvent?({type, checkout_session_id, payment_id, status})}) → {frame, unmount};
  // events also bubble from `element` as CustomEvents `hsrc:<type>`.
  function mount(element, options) {
    var opts = options || {}, el = pick(element);
    if (!el || !opts.token) throw new Error('HSRCCheckout.mount(element, { token }) needs an element and a token');
    // A page that mounts itself never also gets the auto-mounted form.
    if (auto && !opts.auto) { auto.unmount(); auto = null; }
    var m = frame(el, '/checkout/embed', { token: opts.token, locale: opts.locale }, 'hsrc-checkout', function (m) {
      if (EVENTS.indexOf(m.type) < 0) return;
      var detail = { type: m.type, checkout_session_id: m.checkout_session_id || null,
        payment_id: m.payment_id || null, status: m.status || null };
      call(opts.onEvent, detail);
      el.dispatchEvent(new CustomEvent('hsrc:' + m.type, { detail: detail, bubbles: true }));
    });
    m.frame.title = opts.title || 'HSRC Pay secure checkout';
    m.frame.style.height = '420px';
    return m;
  }

  // API-only payments: /v1/elements.js, loaded on first use.
  var lib;
  function load() {
    return lib || (lib = new Promise(function (resolve, reject) {
      var s = d.createElement('script');
      s.src = EDGE + '/v1/elements.js';
      s.integrity = '__SRI_ELEMENTS_JS__';
      s.crossOrigin = 'anonymous';
      s.onload = function () { resolve(w.HSRCCheckout.elements); };
      s.onerror = reject;
      d.head.appendChild(s);
    }));
  }
  function cardElement(el, o) {
    var c = load().then(function (E) { return E.cardElement(pick(el), o, frame, call); });
    return {
      ready: c,
      createPaymentMethod: function () { return c.then(function (e) { return e.createPaymentMethod(); }); },
      unmount: function () { c.then(function (e) { e.unmount(); }); }
    };
  }
  w.HSRCCheckout = { mount: mount, cardElement: cardElement, origin: EDGE, handleNextAction: function (a, o) {
    return load().then(function (E) { return E.handleNextAction(a, o, frame); });
  } };

  // Opened as `url?token=…` (the guide's redirect): mount into [data-hsrc-checkout] unless the page mounts itself.
  var token = new URLSearchParams(location.search).get('token');
  if (!token) return;
  function start() {
    var target = d.querySelector('[data-hsrc-checkout]');
    if (!target || target.querySelector('iframe')) return;
    auto = w.HSRCCheckout.mounted = mount(target, { token: token, auto: 1, locale: target.getAttribute('data-locale') || undefined });
  }
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start);
  else start();
})(window, document);
