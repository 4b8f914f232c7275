/*! HSRC Pay Checkout loader. Mounts the payment form in an iframe from the edge that serves this script and relays
 * its events. It never sees card data: the card fields live only inside the iframe. No dependencies, no build. */
(function (w, d) {
  'use strict';
  if (w.HSRCCheckout) return;

  var script = d.currentScript;
  // The edge origin is where this script came from; the iframe and every message are bound to it.
  var EDGE = new URL(script ? script.src : '/', location.href).origin;
  var EVENTS = ['ready', 'requires_action', 'declined', 'completed', 'failed', 'cancelled', 'expired'];

  /**
   * Mounts the checkout for a session token into `element`.
   * options: { token, locale?: 'tr' | 'en', onEvent?: function ({type, checkout_session_id, payment_id, status}) }
   * Events are also dispatched on `element` as bubbling CustomEvents named `hsrc:<type>`.
   * Returns { frame, unmount() }.
   */
  function mount(element, options) {
    var opts = options || {};
    var el = typeof element === 'string' ? d.querySelector(element) : element;
    if (!el || !opts.token) throw new Error('HSRCCheckout.mount(element, { token }) needs an element and a token');

    var src = new URL('/checkout/embed', EDGE);
    src.searchParams.set('token', opts.token);
    src.searchParams.set('origin', location.origin);
    if (opts.locale) src.searchParams.set('locale', opts.locale);

    var frame = d.createElement('iframe');
    frame.src = src.href;
    frame.title = opts.title || 'HSRC Pay secure checkout';
    frame.setAttribute('allow', 'payment');
    var s = frame.style;
    s.display = 'block';
    s.width = '100%';
    s.height = '420px';
    s.border = '0';
    s.overflow = 'hidden';
    s.colorScheme = 'light';

    function onMessage(e) {
      if (e.origin !== EDGE || e.source !== frame.contentWindow) return;
      var m = e.data;
      if (!m || m.source !== 'hsrc-checkout' || typeof m.type !== 'string') return;
      if (m.type === 'resize') {
        var h = Number(m.height);
        if (h > 0 && h < 20000) s.height = Math.ceil(h) + 'px';
        return;
      }
      if (EVENTS.indexOf(m.type) < 0) return;
      var detail = {
        type: m.type,
        checkout_session_id: m.checkout_session_id || null,
        payment_id: m.payment_id || null,
        status: m.status || null
      };
      if (typeof opts.onEvent === 'function') {
        try { opts.onEvent(detail); } catch (err) { setTimeout(function () { throw err; }); }
      }
      el.dispatchEvent(new CustomEvent('hsrc:' + m.type, { detail: detail, bubbles: true }));
    }

    w.addEventListener('message', onMessage);
    el.appendChild(frame);
    return {
      frame: frame,
      unmount: function () {
        w.removeEventListener('message', onMessage);
        if (frame.parentNode) frame.parentNode.removeChild(frame);
      }
    };
  }

  w.HSRCCheckout = { mount: mount, origin: EDGE };

  // Auto-mount when the page was opened as `url?token=…` (the guide's redirect), into [data-hsrc-checkout] or
  // right after this script tag.
  var token = new URLSearchParams(location.search).get('token');
  if (!token) return;
  function auto() {
    var target = d.querySelector('[data-hsrc-checkout]');
    if (!target) {
      target = d.createElement('div');
      target.setAttribute('data-hsrc-checkout', '');
      var parent = script && script.parentNode;
      if (parent && parent !== d.head) parent.insertBefore(target, script.nextSibling);
      else d.body.appendChild(target);
    }
    w.HSRCCheckout.mounted = mount(target, { token: token, locale: target.getAttribute('data-locale') || undefined });
  }
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', auto);
  else auto();
})(window, document);
