// Real-browser flows through the loader on the demo merchant page: what a payer does, what the merchant page
// hears (its event log), and what the merchant's server reads back from the API (the final word).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  api, baseUrl, eventually, fetchPayment, fetchSession, fireCron, useBrowser, loggedEvents, payWith,
  startEmbedded, verifiedStatus, waitForEvent, withPage, WAIT,
} from './helpers.mjs';

const browser = useBrowser();
const FLOW = { timeout: 150_000 };


test('embedded checkout succeeds and the server confirms the payment', FLOW, () =>
  withPage(browser(), 'embedded-success', async (page) => {
    const frame = await startEmbedded(page);
    await payWith(frame, '4242 4242 4242 4242');
    const done = await waitForEvent(page, 'completed');
    await frame.getByRole('heading', { name: 'Payment successful' }).waitFor();

    assert.equal(await verifiedStatus(page), 'SUCCEEDED');
    const payment = await fetchPayment(done.paymentId);
    assert.equal(payment.status, 'SUCCEEDED');
    assert.equal(payment.checkout_session_id, done.sessionId);
    assert.equal(payment.card?.last4, '4242');
    assert.deepEqual(await loggedEvents(page), ['ready', 'completed']);
  }));

test('a declined card shows the reason in Turkish, and another card then succeeds', FLOW, () =>
  withPage(browser(), 'decline-then-success', async (page) => {
    const frame = await startEmbedded(page, { locale: 'tr' });
    await payWith(frame, '4000 0000 0000 9995');
    const declined = await waitForEvent(page, 'declined');
    await frame.getByRole('heading', { name: 'Ödeme reddedildi' }).waitFor();
    assert.equal(await frame.locator('p.reason').textContent(), 'Kartta bu ödeme için yeterli bakiye yok.');
    assert.equal(declined.status, 'PENDING');

    await frame.getByRole('button', { name: 'Başka bir kart deneyin' }).click();
    assert.equal(await frame.locator('#f-card-number').inputValue(), '', 'the declined card is cleared');
    assert.equal(await frame.locator('#f-email').inputValue(), 'ayse@example.com', 'payer details are kept');
    await payWith(frame, '4242 4242 4242 4242');
    const done = await waitForEvent(page, 'completed');

    const payment = await fetchPayment(done.paymentId);
    assert.equal(payment.status, 'SUCCEEDED');
    assert.ok(payment.charges.some((c) => c.decline_code === 'insufficient_funds'), 'the declined attempt is on record');
    assert.deepEqual(await loggedEvents(page), ['ready', 'declined', 'completed']);
    assert.equal(await verifiedStatus(page), 'SUCCEEDED');
  }));

test('3DS challenge passed inside the checkout completes the payment', FLOW, () =>
  withPage(browser(), '3ds-pass', async (page) => {
    const frame = await startEmbedded(page);
    await payWith(frame, '4000 0000 0000 3220');
    await waitForEvent(page, 'requires_action');
    const challenge = frame.frameLocator('iframe.challenge-frame');
    await challenge.getByText('Sandbox', { exact: true }).waitFor();
    await challenge.getByText('•••• 3220').waitFor();
    await challenge.locator('button[data-result="pass"]').click();

    const done = await waitForEvent(page, 'completed');
    const payment = await fetchPayment(done.paymentId);
    assert.equal(payment.status, 'SUCCEEDED');
    assert.deepEqual(await loggedEvents(page), ['ready', 'requires_action', 'completed']);
  }));

test('3DS challenge failed returns to the checkout as a decline', FLOW, () =>
  withPage(browser(), '3ds-fail', async (page) => {
    const frame = await startEmbedded(page);
    await payWith(frame, '4000 0000 0000 3220');
    const action = await waitForEvent(page, 'requires_action');
    await frame.frameLocator('iframe.challenge-frame').locator('button[data-result="fail"]').click();

    await waitForEvent(page, 'declined');
    await frame.getByRole('button', { name: 'Try another card' }).waitFor();
    const payment = await fetchPayment(action.paymentId);
    assert.equal(payment.status, 'REQUIRES_PAYMENT_METHOD');
    const session = await fetchSession(action.sessionId);
    assert.equal(session.status, 'PENDING', 'attempts remain, so the session stays open');
    assert.deepEqual(await loggedEvents(page), ['ready', 'requires_action', 'declined']);
  }));

test('a provider timeout shows processing, then settles to success', FLOW, () =>
  withPage(browser(), 'timeout-then-success', async (page) => {
    const frame = await startEmbedded(page);
    await payWith(frame, '4000 0000 0000 0119');
    await frame.getByRole('heading', { name: 'Confirming your payment' }).waitFor();

    const completed = page.locator('#event-log li[data-event="completed"]');
    await eventually(async () => {
      await fireCron();
      return (await completed.count()) > 0;
    }, { timeout: WAIT.outcome, every: 2_000, what: 'the completed event' });
    const done = await waitForEvent(page, 'completed');
    const payment = await fetchPayment(done.paymentId);
    assert.equal(payment.status, 'SUCCEEDED');
    assert.deepEqual(await loggedEvents(page), ['ready', 'completed']);
  }));

test('an unpaid session expires in front of the payer', FLOW, () =>
  withPage(browser(), 'expiry', async (page) => {
    const { status, body } = await api('POST', '/v1/checkout-sessions', {
      amount: 4990, currency: 'TRY', expires_in: 6, url: `${baseUrl()}/demo`, locale: 'en',
    });
    assert.equal(status, 200, JSON.stringify(body));
    const session = body.checkout_session;
    // The guide's flow: the payer lands on the merchant page `url?token=…` and the loader mounts itself.
    await page.goto(`${session.url}?token=${encodeURIComponent(session.token)}`);
    await waitForEvent(page, 'ready');
    const frame = page.frameLocator('#checkout iframe');
    await frame.locator('#f-card-number').waitFor();

    const expired = await waitForEvent(page, 'expired', WAIT.outcome);
    assert.equal(expired.status, 'EXPIRED');
    await frame.getByRole('heading', { name: 'This checkout has expired' }).waitFor();
    assert.equal((await fetchSession(session.id)).status, 'EXPIRED');
  }));

test('the payer cancels the checkout', FLOW, () =>
  withPage(browser(), 'payer-cancel', async (page) => {
    const frame = await startEmbedded(page);
    const ready = await waitForEvent(page, 'ready');
    await frame.getByRole('button', { name: 'Cancel payment' }).click();

    const cancelled = await waitForEvent(page, 'cancelled');
    assert.equal(cancelled.status, 'CANCELLED');
    await frame.getByRole('heading', { name: 'Payment cancelled' }).waitFor();
    assert.equal((await fetchSession(ready.sessionId)).status, 'CANCELLED');
    assert.deepEqual(await loggedEvents(page), ['ready', 'cancelled']);
  }));

test('hosted page pays and returns to return_url, where the server verifies', FLOW, () =>
  withPage(browser(), 'hosted-success', async (page) => {
    await page.goto(`${baseUrl()}/demo`);
    await page.selectOption('#locale', 'en');
    await page.click('#pay-hosted');
    await page.waitForURL(/\/checkout\/hosted\?token=/);
    await page.locator('#f-card-number').waitFor();
    await payWith(page, '5555 5555 5555 4444');
    await page.getByRole('heading', { name: 'Payment successful' }).waitFor();

    await page.waitForURL(/\/demo\?.*checkout_session_id=/, { timeout: WAIT.ui });
    const sessionId = new URL(page.url()).searchParams.get('checkout_session_id');
    assert.match(sessionId, /^cs_/);
    assert.equal(await verifiedStatus(page), 'SUCCEEDED');
    const session = await fetchSession(sessionId);
    assert.equal(session.status, 'COMPLETED');
    assert.equal((await fetchPayment(session.payment_id)).status, 'SUCCEEDED');
  }));

test('a keyboard-only payer gets errors tied to their fields, then pays', FLOW, () =>
  withPage(browser(), 'keyboard-only', async (page) => {
    const frame = await startEmbedded(page);
    const focused = (sel) => frame.locator(sel).evaluate((el) => el === document.activeElement);
    await frame.locator('#f-name').focus();
    await page.keyboard.press('Enter');

    // The empty form is refused: the first invalid field gets focus and says why, through aria-describedby.
    assert.ok(await focused('#f-name'), 'focus moves to the first invalid field');
    const name = frame.locator('#f-name');
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.equal(await name.getAttribute('aria-describedby'), 'f-name-error');
    assert.equal(await frame.locator('#f-name-error').textContent(), 'This field is required.');
    assert.equal(await frame.locator('label[for="f-card-number"]').textContent(), 'Card number');

    await page.keyboard.type('Ayşe Yılmaz');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ayse@example.com');
    await page.keyboard.press('Tab');
    assert.ok(await focused('#f-card-number'), 'Tab goes from email to the card number');
    await page.keyboard.type('4242424242424242');
    assert.equal(await frame.locator('#f-card-number').inputValue(), '4242 4242 4242 4242', 'grouped as typed');
    await frame.locator('.brand[data-brand="visa"]').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type('1234');
    assert.equal(await frame.locator('#f-card-expiry').inputValue(), '12 / 34');
    await page.keyboard.press('Tab');
    await page.keyboard.type('123');
    await page.keyboard.press('Enter');

    const done = await waitForEvent(page, 'completed');
    assert.equal((await fetchPayment(done.paymentId)).status, 'SUCCEEDED');
  }));

test('the loader ignores messages that do not come from its iframe', FLOW, () =>
  withPage(browser(), 'loader-spoof', async (page) => {
    await startEmbedded(page);
    // Same origin as the edge here (the demo is served by it), so only the event.source check can stop this.
    await page.evaluate(() => {
      window.postMessage({ source: 'hsrc-checkout', type: 'completed', payment_id: 'pay_forged' }, '*');
    });
    await page.waitForTimeout(500);
    assert.deepEqual(await loggedEvents(page), ['ready']);
  }));

test('the loader stays within its 2 KB gzip budget', async () => {
  const { readFile } = await import('node:fs/promises');
  const { gzipSync } = await import('node:zlib');
  const source = await readFile(new URL('../../static/checkout.js', import.meta.url));
  const size = gzipSync(source, { level: 9 }).length;
  assert.ok(size <= 2048, `checkout.js is ${size} bytes gzipped`);
});
