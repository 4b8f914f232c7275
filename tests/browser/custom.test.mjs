// API-only payments (#15) in a real browser: the custom demo page (/demo/custom) pays with HSRC's card element, its
// server confirms the pm_, 3DS runs through HSRCCheckout.handleNextAction, and the final status comes from the API.
// Also the loader's auto-mount rule: only into an existing [data-hsrc-checkout], never next to an explicit mount.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, baseUrl, fetchPayment, useBrowser, withPage, WAIT } from './helpers.mjs';

const browser = useBrowser();
const FLOW = { timeout: 150_000 };
const publishableKey = () => {
  const key = process.env.HSRC_PUBLISHABLE_KEY;
  if (!key) throw new Error('HSRC_PUBLISHABLE_KEY is not set: run through scripts/test.sh');
  return key;
};


async function openCustom(page, { secure = false } = {}) {
  await page.goto(`${baseUrl()}/demo/custom?pk=${encodeURIComponent(publishableKey())}`);
  if (secure) await page.check('#secure-mode');
  const card = page.frameLocator('#card-element iframe');
  await card.locator('#f-card-number').waitFor();
  return card;
}

async function typeCard(card, number, { expiry = '12 / 34', cvc = '123' } = {}) {
  await card.locator('#f-card-number').fill(number);
  await card.locator('#f-card-expiry').fill(expiry);
  await card.locator('#f-card-cvc').fill(cvc);
}

async function verified(page) {
  const box = page.locator('#verified[data-status]');
  await box.waitFor({ timeout: WAIT.outcome });
  return box.getAttribute('data-status');
}

async function logged(page, kind) {
  const item = page.locator(`#event-log li[data-event="${kind}"]`).last();
  await item.waitFor({ timeout: WAIT.outcome });
  return item;
}

test('the card element creates a payment method, the server confirms it, the API says SUCCEEDED', FLOW, () =>
  withPage(browser(), 'custom-success', async (page) => {
    const card = await openCustom(page);
    // The merchant page never holds a card field of its own.
    assert.equal(await page.locator('input[autocomplete="cc-number"]').count(), 0);
    await typeCard(card, '4242 4242 4242 4242');
    await page.click('#pay');
    const pm = await (await logged(page, 'payment_method')).getAttribute('data-payment-method');
    assert.match(pm, /^pm_/);
    assert.equal(await verified(page), 'SUCCEEDED');
    const paymentId = await (await logged(page, 'payment_created')).getAttribute('data-payment-id');
    const payment = await fetchPayment(paymentId);
    assert.equal(payment.status, 'SUCCEEDED');
    assert.equal(payment.checkout_session_id, null);
    assert.equal(payment.card.last4, '4242');
    assert.equal(payment.charges.length, 1);
  }));

test('a wrong card number is a field error inside the element, and nothing is created', FLOW, () =>
  withPage(browser(), 'custom-field-error', async (page) => {
    const card = await openCustom(page);
    await typeCard(card, '4242 4242 4242 4241');
    await page.click('#pay');
    const item = await logged(page, 'field_error');
    assert.equal(await item.getAttribute('data-code'), 'invalid_number');
    await card.locator('#f-card-number[aria-invalid="true"]').waitFor();
    assert.equal(await page.locator('#event-log li[data-event="payment_method"]').count(), 0);
  }));

test('3DS through handleNextAction: the challenge opens in a modal and the payment succeeds', FLOW, () =>
  withPage(browser(), 'custom-3ds-pass', async (page) => {
    const card = await openCustom(page);
    await typeCard(card, '4000 0000 0000 3220');
    await page.click('#pay');
    await logged(page, 'next_action');
    const modal = page.frameLocator('[data-hsrc-next-action] iframe');
    await modal.locator('button[data-result="pass"]').click();
    assert.equal(await verified(page), 'SUCCEEDED');
    assert.equal(await page.locator('[data-hsrc-next-action]').count(), 0, 'the modal closed');
    const done = await logged(page, 'next_action_done');
    assert.equal(await done.getAttribute('data-status'), 'SUCCEEDED');
  }));

test('3DS failed through handleNextAction, then another card on the same payment', FLOW, () =>
  withPage(browser(), 'custom-3ds-fail-retry', async (page) => {
    const card = await openCustom(page, { secure: true });
    await typeCard(card, '4242 4242 4242 4242');
    await page.click('#pay');
    await logged(page, 'next_action');
    await page.frameLocator('[data-hsrc-next-action] iframe').locator('button[data-result="fail"]').click();
    assert.equal(await verified(page), 'REQUIRES_PAYMENT_METHOD');
    const paymentId = await (await logged(page, 'payment_created')).getAttribute('data-payment-id');
    // Retry: same payment, a new payment method (secure mode asks for 3DS again).
    await typeCard(card, '5555 5555 5555 4444');
    await page.click('#pay');
    await page.locator('[data-hsrc-next-action] iframe').waitFor();
    await page.frameLocator('[data-hsrc-next-action] iframe').locator('button[data-result="pass"]').click();
    await page.locator('#verified[data-status="SUCCEEDED"]').waitFor({ timeout: WAIT.outcome });
    const payment = await fetchPayment(paymentId);
    assert.equal(payment.status, 'SUCCEEDED');
    assert.deepEqual(payment.charges.map((c) => c.status), ['declined', 'succeeded']);
  }));

// ---- The loader's auto-mount rule --------------------------------------------------------------------------------

async function newSessionToken() {
  const { status, body } = await api('POST', '/v1/checkout-sessions', { amount: 12500, currency: 'TRY' });
  assert.equal(status, 200, JSON.stringify(body));
  return body.checkout_session.token;
}

const checkoutFrames = (page) => page.locator('iframe[src*="/checkout/embed"]').count();

test('opened as url?token=…, the loader mounts once into [data-hsrc-checkout]', FLOW, () =>
  withPage(browser(), 'loader-auto-mount', async (page) => {
    const token = await newSessionToken();
    await page.goto(`${baseUrl()}/demo?token=${encodeURIComponent(token)}`);
    await page.locator('#checkout iframe').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await checkoutFrames(page), 1);
  }));

test('a page that mounts the checkout itself gets exactly one form, not a second auto-mounted one', FLOW, () =>
  withPage(browser(), 'loader-explicit-mount', async (page) => {
    const token = await newSessionToken();
    await page.goto(`${baseUrl()}/demo?token=${encodeURIComponent(token)}`);
    await page.locator('#checkout iframe').waitFor();
    // The page now mounts explicitly (the guide's HSRCCheckout.mount) into its own element.
    await page.evaluate((t) => {
      const own = document.createElement('div');
      own.id = 'own-slot';
      document.body.appendChild(own);
      window.HSRCCheckout.mount(own, { token: t });
    }, token);
    await page.locator('#own-slot iframe').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await checkoutFrames(page), 1, 'the auto-mounted form was removed');
  }));

test('a page without [data-hsrc-checkout] is never auto-mounted into', FLOW, () =>
  withPage(browser(), 'loader-no-slot', async (page) => {
    const token = await newSessionToken();
    await page.goto(`${baseUrl()}/demo/custom?pk=${encodeURIComponent(publishableKey())}&token=${encodeURIComponent(token)}`);
    await page.frameLocator('#card-element iframe').locator('#f-card-number').waitFor();
    await page.waitForTimeout(500);
    assert.equal(await checkoutFrames(page), 0);
  }));
