// HSRC Demo Store, own payment form (API-only payments): the store's "server" (/demo/api/payments…, run by the
// Worker with the sandbox merchant's secret key) creates and confirms the payment; this page holds only the
// publishable key and the payment's client secret. Card data stays inside HSRC's card element iframe.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var log = $('event-log'), verified = $('verified'), errorBox = $('pay-error'), pay = $('pay');
  var params = new URLSearchParams(location.search);
  var key = params.get('pk') || '';
  var payment = null; // {id, client_secret} of the order being paid; kept for a retry after a decline
  var card = null;

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: body ? { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error((json.error && json.error.message) || ('HTTP ' + res.status));
        return json;
      });
    });
  }

  function note(kind, text, attrs) {
    var li = document.createElement('li');
    li.setAttribute('data-event', kind);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k]) li.setAttribute('data-' + k, attrs[k]); });
    var name = document.createElement('strong');
    name.textContent = kind;
    li.appendChild(name);
    if (text) li.appendChild(document.createTextNode(' ' + text));
    log.appendChild(li);
  }

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function mountCard() {
    card = HSRCCheckout.cardElement($('card-element'), {
      publishableKey: key,
      locale: document.documentElement.lang === 'tr' ? 'tr' : 'en',
      onChange: function (e) { pay.disabled = false; if (e.error) note('change', e.error.code); }
    });
  }

  // The store's server is the only judge of the outcome.
  function verify(id) {
    return api('GET', '/demo/api/payments/' + encodeURIComponent(id)).then(function (json) {
      var status = json.payment.status;
      verified.hidden = false;
      verified.setAttribute('data-status', status);
      verified.textContent = 'Verified by the server: ' + status;
      note('verified', status, { status: status, 'payment-id': id });
      if (status === 'REQUIRES_PAYMENT_METHOD') {
        var e = json.payment.last_error;
        fail('Declined: ' + ((e && e.message) || 'try another card') + ' — enter another card and pay again.');
      } else {
        payment = null;
      }
    });
  }

  pay.addEventListener('click', function () {
    errorBox.hidden = true;
    verified.hidden = true;
    pay.disabled = true;
    var order = payment
      ? Promise.resolve(payment)
      : api('POST', '/demo/api/payments', { secure_mode: $('secure-mode').checked }).then(function (json) {
        payment = { id: json.payment.id, client_secret: json.client_secret };
        note('payment_created', json.payment.id, { 'payment-id': json.payment.id });
        return payment;
      });
    order.then(function (p) {
      return card.createPaymentMethod().then(function (pm) {
        if (pm.error) { note('field_error', pm.error.code, { code: pm.error.code }); throw new Error(pm.error.message); }
        note('payment_method', pm.brand + ' ' + pm.last4, { 'payment-method': pm.id });
        return api('POST', '/demo/api/payments/' + encodeURIComponent(p.id) + '/confirm', { payment_method: pm.id });
      }).then(function (result) {
        note('confirmed', result.payment.status, { status: result.payment.status });
        if (!result.paymentNextAction) return null;
        note('next_action', result.paymentNextAction.type);
        return HSRCCheckout.handleNextAction(result.paymentNextAction, { clientSecret: p.client_secret })
          .then(function (r) { note('next_action_done', r.status, { status: r.status }); });
      }).then(function () { return verify(p.id); });
    }).catch(function (err) { fail(err.message); }).then(function () { pay.disabled = false; });
  });

  if (!key) {
    $('key-row').hidden = false;
    pay.disabled = true;
    $('pk').addEventListener('change', function () {
      key = $('pk').value.trim();
      if (/^pk_(test|live)_/.test(key) && !card) { mountCard(); pay.disabled = false; }
    });
  } else {
    mountCard();
  }
})();
