// The operations console and API-only payments (#15) in a real browser (Debian Chromium via playwright-core) against
// the local Worker that scripts/test.sh starts. A payment made with `POST /v1/payments` has no checkout session: the
// console finds it by its order id and by the customer reference, lists it without a session, and opens its detail
// at #/payments/:id — the API card instead of the session card, both charges of a decline then a retry, its events,
// and the "Paid?" verdict. An unpaid one can be cancelled from the console (through the confirmation dialog).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, baseUrl, fetchPayment, useBrowser, searchOps as search, signInOps as signIn, withPage, WAIT } from './helpers.mjs';

const RUN = Date.now().toString(36);
const ENABLED = process.env.HSRC_BASE_URL && process.env.HSRC_SECRET_KEY;

async function apiPayment(orderId, extra = {}) {
  const created = await api('POST', '/v1/payments', {
    amount: 12500,
    currency: 'TRY',
    metadata: { order_id: orderId },
    description: 'İznik mug',
    customer: { name: 'Zeynep Kaya', email: `zeynep.${RUN}@example.com` },
    customer_reference: `user_${RUN}`,
    ...extra,
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.equal(created.body.payment.checkout_session_id, null);
  return created.body.payment.id;
}

// The merchant's server confirms with raw test-card data (the SAQ D path, test mode only): no card element needed.
async function confirmWith(id, number) {
  const r = await api('POST', `/v1/payments/${id}/confirm`, {
    payment_method: { type: 'card', card: { number, exp_month: 12, exp_year: 2034, cvc: '123' } },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.payment.status;
}

describe('operations console: API-only payments', { skip: ENABLED ? false : 'HSRC_BASE_URL and HSRC_SECRET_KEY are set by scripts/test.sh' }, () => {
  const browser = useBrowser();

  it('finds an API-only payment and opens its detail without a session', async () => {
    const id = await apiPayment(`ord_api_${RUN}`);
    assert.equal(await confirmWith(id, '4000000000009995'), 'REQUIRES_PAYMENT_METHOD');
    assert.equal(await confirmWith(id, '4242424242424242'), 'SUCCEEDED');

    await withPage(browser(), 'ops-api-payment', async (page) => {
      await signIn(page);
      // By order id and by the customer reference: one row, no session, marked API-only.
      assert.deepEqual(await search(page, `ord_api_${RUN}`), [{ session: '', payment: id, apiOnly: true }]);
      assert.deepEqual(await search(page, `customer_reference:user_${RUN}`), [{ session: '', payment: id, apiOnly: true }]);
      assert.equal(await page.$eval('#matched-by', (e) => e.dataset.matchedBy), 'CustomerReference');

      // The row opens the payment's own route.
      await page.click(`#results tbody tr[data-payment-id="${id}"]`);
      await page.waitForFunction((pid) => document.querySelector('#detail-title code')?.textContent === pid, id, { timeout: WAIT.ui });
      assert.equal(new URL(page.url()).hash, `#/payments/${id}`);
      assert.ok(await page.$('#api-only'), 'marked API-only in the title');
      assert.equal(await page.$('#session-card'), null, 'no session card');
      assert.ok(await page.$('#api-card'));
      assert.equal(await page.textContent('#api-customer-reference'), `user_${RUN}`);
      assert.equal(await page.textContent('#api-attempts'), '2 / 3');
      assert.equal(await page.textContent('#api-description'), 'İznik mug');
      assert.equal(await page.textContent('#payer-email'), 'z***@example.com', 'the customer is masked');
      assert.equal(await page.$eval('#verdict-paid', (e) => e.dataset.verdict), 'paid');

      // Both charges, in order, as the API has them; the payment's events; a timeline without a session.
      const p = await fetchPayment(id);
      const charges = await page.$$eval('#charges tbody tr', (rows) => rows.map((r) => r.dataset.chargeId));
      assert.deepEqual(charges, p.charges.map((c) => c.id));
      const events = await page.$$eval('#events article', (a) => a.map((e) => e.dataset.eventType));
      assert.ok(events.includes('charge.declined') && events.includes('payment.succeeded'), events.join(' '));
      const entities = await page.$$eval('#timeline tbody tr', (rows) => rows.map((r) => r.dataset.entity));
      assert.ok(entities.includes('payment') && !entities.includes('checkout_session'), entities.join(' '));

    });
  });

  it('cancels an unpaid API-only payment from the console', async () => {
    const id = await apiPayment(`ord_api_cancel_${RUN}`);
    await withPage(browser(), 'ops-api-cancel', async (page) => {
      await signIn(page);
      await page.goto(`${baseUrl()}/ops#/payments/${id}`);
      await page.waitForFunction((pid) => document.querySelector('#detail-title code')?.textContent === pid, id, { timeout: WAIT.ui });
      assert.equal(await page.$eval('#verdict-paid', (e) => e.dataset.verdict), 'awaiting_payer');
      assert.ok(await page.isEnabled('#action-cancel'));
      assert.equal((await page.textContent('#action-cancel')).trim(), 'Cancel payment');
      await page.click('#action-cancel');
      await page.waitForSelector('#confirm-dialog');
      await page.click('#confirm-yes');
      await page.waitForFunction(() => document.querySelector('#verdict-paid')?.dataset.verdict === 'not_paid', null, { timeout: WAIT.ui });
      assert.ok(await page.isDisabled('#action-cancel'));
      assert.equal((await fetchPayment(id)).status, 'CANCELLED');
    });
  });
});
