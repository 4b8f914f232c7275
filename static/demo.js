// HSRC Demo Store: a merchant page in a few lines. Its "server" (/demo/api/…, run by the Worker with the sandbox
// merchant's secret key) creates the checkout session; this page only mounts the checkout and, after `completed`,
// asks its server for the payment, because a browser event or redirect is never proof of payment.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var slot = $('checkout');
  var log = $('event-log');
  var verified = $('verified');
  var errorBox = $('demo-error');
  var buttons = [$('pay-embedded'), $('pay-hosted')];
  var EVENTS = ['ready', 'requires_action', 'declined', 'completed', 'failed', 'cancelled', 'expired'];
  var FINAL = ['SUCCEEDED', 'AUTHORIZED', 'FAILED', 'CANCELLED', 'REQUIRES_PAYMENT_METHOD'];
  var mounted = null;

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error((json.error && json.error.message) || ('HTTP ' + res.status));
        return json;
      });
    });
  }

  function logEvent(ev) {
    var li = document.createElement('li');
    li.setAttribute('data-event', ev.type);
    if (ev.payment_id) li.setAttribute('data-payment-id', ev.payment_id);
    if (ev.checkout_session_id) li.setAttribute('data-session-id', ev.checkout_session_id);
    if (ev.status) li.setAttribute('data-status', ev.status);
    var name = document.createElement('strong');
    name.textContent = ev.type;
    li.appendChild(name);
    var extra = [ev.status, ev.payment_id].filter(Boolean).join(' · ');
    if (extra) li.appendChild(document.createTextNode(' ' + extra));
    log.appendChild(li);
    if (ev.type === 'completed' || ev.type === 'failed') verify(ev.payment_id);
  }

  function showError(err) {
    errorBox.textContent = 'Could not start the payment: ' + err.message;
    errorBox.hidden = false;
  }

  function busy(on) {
    buttons.forEach(function (b) { b.disabled = on; });
    if (on) errorBox.hidden = true;
  }

  function reset() {
    if (mounted) mounted.unmount();
    mounted = null;
    log.textContent = '';
    verified.hidden = true;
    verified.removeAttribute('data-status');
  }

  function createSession(flow) {
    return api('POST', '/demo/api/sessions', {
      amount: 12500, currency: 'TRY', flow: flow, secure_mode: false, capture_method: 'automatic'
    }).then(function (json) { return json.checkout_session; });
  }

  // The store's own server says what happened; that is what would ship the order.
  function verify(paymentId, tries) {
    if (!paymentId) return;
    tries = tries || 0;
    verified.hidden = false;
    if (!tries) verified.textContent = 'Checking the payment with the store server…';
    api('GET', '/demo/api/payments/' + encodeURIComponent(paymentId)).then(function (json) {
      var status = json.payment && json.payment.status;
      if (FINAL.indexOf(status) < 0 && tries < 15) {
        setTimeout(function () { verify(paymentId, tries + 1); }, 1000);
        return;
      }
      verified.setAttribute('data-status', status);
      verified.textContent = 'Verified by the server: ' + status;
    }).catch(function (err) {
      verified.textContent = 'Could not verify the payment: ' + err.message;
    });
  }

  $('pay-embedded').addEventListener('click', function () {
    reset();
    busy(true);
    createSession('embedded').then(function (cs) {
      mounted = HSRCCheckout.mount(slot, { token: cs.token, locale: $('locale').value, onEvent: logEvent });
      slot.scrollIntoView({ block: 'nearest' });
    }).catch(showError).then(function () { busy(false); });
  });

  $('pay-hosted').addEventListener('click', function () {
    reset();
    busy(true);
    createSession('hosted').then(function (cs) {
      try { sessionStorage.setItem('hsrc-demo:' + cs.id, cs.payment_id); } catch (e) { /* private mode */ }
      var url = new URL(cs.url, location.href);
      url.searchParams.set('token', cs.token);
      url.searchParams.set('locale', $('locale').value);
      location.assign(url.href);
    }).catch(function (err) { showError(err); busy(false); });
  });

  var params = new URLSearchParams(location.search);

  // Opened as `url?token=…` (the guide's redirect): the loader mounted itself; log its DOM events.
  if (params.get('token')) {
    EVENTS.forEach(function (type) {
      slot.addEventListener('hsrc:' + type, function (e) { logEvent(e.detail); });
    });
  }

  // Back from the hosted page (return_url gets ?checkout_session_id=…; cancel_url is ?cancelled=1). The redirect
  // is only a hint: the store asks its server.
  if (params.get('cancelled')) {
    var cancelled = document.createElement('li');
    cancelled.setAttribute('data-event', 'returned_cancelled');
    cancelled.textContent = 'came back from the hosted page: payment cancelled';
    log.appendChild(cancelled);
  }
  var returned = params.get('checkout_session_id');
  if (returned) {
    var li = document.createElement('li');
    li.setAttribute('data-event', 'returned');
    li.setAttribute('data-session-id', returned);
    li.textContent = 'came back from the hosted page · ' + returned;
    log.appendChild(li);
    var paymentId = null;
    try { paymentId = sessionStorage.getItem('hsrc-demo:' + returned); } catch (e) { /* private mode */ }
    if (paymentId) verify(paymentId);
  }
})();
