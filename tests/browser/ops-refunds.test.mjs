// The operations console's refund action in a real browser (Debian Chromium via playwright-core) against the local
// Worker that scripts/test.sh starts (issue #13). A paid session is opened; the amount field is prefilled with what is
// left; going back refunds nothing; a partial refund goes through the confirmation dialog with an Idempotency-Key;
// the refunds table, the timeline and the "Paid?" verdict then show it, the field offers the rest, and a search by the
// refund id finds the session. An amount over what is left is refused on the page without calling the API.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, baseUrl, eventually, fetchPayment, useBrowser, signInOps as signIn, withPage, WAIT } from './helpers.mjs';

const RUN = Date.now().toString(36);
const ENABLED = process.env.HSRC_BASE_URL && process.env.HSRC_SECRET_KEY;

async function paidSession(orderId) {
  const created = await api('POST', '/v1/checkout-sessions', { amount: 12500, currency: 'TRY', metadata: { order_id: orderId } });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const s = created.body.checkout_session;
  const res = await fetch(`${baseUrl()}/v1/checkout-sessions/token/${s.token}/confirm`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' } },
      payer: { name: 'Ayşe Yılmaz', email: `ayse.${RUN}@example.com` },
    }),
    signal: AbortSignal.timeout(15_000),
  });
  assert.equal(res.status, 200, await res.text());
  return s;
}

async function openDetail(page, sessionId) {
  await page.goto(`${baseUrl()}/ops#/sessions/${sessionId}`);
  await page.waitForFunction((id) => document.querySelector('#detail-title code')?.textContent === id, sessionId, { timeout: WAIT.ui });
}

describe('operations console: refunds', { skip: ENABLED ? false : 'HSRC_BASE_URL and HSRC_SECRET_KEY are set by scripts/test.sh' }, () => {
  const browser = useBrowser();

  it('refunds part of a paid session after confirmation and shows it everywhere', async () => {
    const s = await paidSession(`ord_refund_${RUN}`);
    // Watch the console's own API calls: the refund must carry an Idempotency-Key.
    await withPage(browser(), 'ops-refund', async (page) => {
      const refundCalls = [];
      page.on('request', (r) => {
        if (r.url().endsWith('/v1/refunds') && r.method() === 'POST') refundCalls.push({ key: r.headers()['idempotency-key'], body: r.postDataJSON() });
      });
      await signIn(page);
      await openDetail(page, s.id);
      assert.equal(await page.inputValue('#refund-amount'), '125.00', 'prefilled with everything left');
      assert.ok(await page.isEnabled('#action-refund'));
      assert.equal(await page.$('#verdict-refunded'), null, 'nothing refunded yet');

      // Over what is left: refused on the page, no API call.
      await page.fill('#refund-amount', '125.01');
      await page.click('#action-refund');
      await page.waitForSelector('#notice.tone-bad');
      assert.equal(await page.$('#confirm-dialog'), null);

      // Going back does nothing.
      await page.fill('#refund-amount', '40,00');
      await page.click('#action-refund');
      await page.waitForSelector('#confirm-dialog');
      assert.match(await page.textContent('#confirm-question'), /40[.,]00/);
      await page.click('#confirm-no');
      assert.equal((await fetchPayment(s.payment_id)).amount_refunded, 0);
      assert.equal(refundCalls.length, 0);

      await page.click('#action-refund');
      await page.click('#confirm-yes');
      await page.waitForSelector('#refunds tbody tr[data-status="SUCCEEDED"]', { timeout: WAIT.ui });
      assert.equal(refundCalls.length, 1);
      assert.match(refundCalls[0].key || '', /^[0-9a-f-]{36}$/, 'sent with an Idempotency-Key');
      assert.deepEqual(refundCalls[0].body, { payment_id: s.payment_id, amount: 4000 });

      const p = await fetchPayment(s.payment_id);
      assert.equal(p.amount_refunded, 4000);
      assert.equal(p.refund_status, 'partial');
      const refundId = p.refunds[0].id;
      const row = await page.$eval('#refunds tbody tr', (r) => ({
        id: r.dataset.refundId, amount: Number(r.dataset.amount), status: r.dataset.status,
        attempts: [...r.querySelectorAll('li[data-attempt-id]')].map((a) => a.dataset.status),
      }));
      assert.deepEqual(row, { id: refundId, amount: 4000, status: 'SUCCEEDED', attempts: ['succeeded'] });
      const timeline = await page.$$eval('#timeline tbody tr', (rows) => rows.map((r) => `${r.dataset.entity}:${r.dataset.to}`));
      assert.ok(timeline.includes('refund:PENDING') && timeline.includes('refund:SUCCEEDED'), timeline.join(' '));
      assert.ok(timeline.includes('refund_attempt:succeeded'), timeline.join(' '));
      assert.match(await page.textContent('#verdict-refunded'), /40[.,]00/);
      assert.equal(await page.$eval('#verdict-paid', (e) => e.dataset.verdict), 'paid');
      assert.equal(await page.inputValue('#refund-amount'), '85.00', 'the field now offers the rest');

      // A refund id in the search box finds its session.
      await page.click('#back');
      await page.waitForSelector('#q');
      await page.fill('#q', refundId);
      await page.click('#search-submit');
      await page.waitForFunction((term) => document.querySelector('.results-head')?.dataset.q === term, refundId, { timeout: WAIT.ui });
      const found = await page.$$eval('#results tbody tr', (rows) => rows.map((r) => r.dataset.sessionId));
      assert.deepEqual(found, [s.id]);
    });
  });

  it('offers no refund for an authorization (it is voided instead)', async () => {
    const created = await api('POST', '/v1/checkout-sessions', { amount: 5000, currency: 'TRY', capture_method: 'manual' });
    const s = created.body.checkout_session;
    await fetch(`${baseUrl()}/v1/checkout-sessions/token/${s.token}/confirm`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' } }, payer: { name: 'Ada L', email: 'ada@example.com' } }),
    });
    await eventually(async () => (await fetchPayment(s.payment_id)).status === 'AUTHORIZED', { what: 'authorized' });
    await withPage(browser(), 'ops-refund-authorized', async (page) => {
      await signIn(page);
      await openDetail(page, s.id);
      assert.ok(await page.isDisabled('#action-refund'));
      assert.ok(await page.isEnabled('#action-void'));
    });
  });
});
