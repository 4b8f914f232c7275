// Installments (#16) in real Chromium on the hosted page: the plan radio group appears after the card's first
// digits, follows the card, is chosen with the keyboard only, keeps single payment first, and is clean under
// axe-core (pinned in package.json, evaluated in the page); then the payment and the receipt carry the plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { api, fetchPayment, useBrowser, withPage, WAIT } from './helpers.mjs';

let axeSource;
const FLOW = { timeout: 150_000 };

const browser = useBrowser({
  setup: async () => {
    axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    // The default settings: installments on, the payer pays the interest.
    const reset = await api('POST', '/v1/settings/installments', {});
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
  },
});

/** A hosted checkout of ₺125,00 in `locale`; returns its payment id after opening it. */
async function openHosted(page, locale) {
  const { status, body } = await api('POST', '/v1/checkout-sessions', { amount: 12500, currency: 'TRY', locale });
  assert.equal(status, 200, JSON.stringify(body));
  const s = body.checkout_session;
  await page.goto(`${s.url}?token=${encodeURIComponent(s.token)}`);
  await page.locator('#f-card-number').waitFor();
  return s.payment_id;
}

/** axe-core on the whole page (evaluated through DevTools, so the page's CSP stays as it is). */
async function axeViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return result;
}

async function fillPayer(page, card) {
  await page.locator('#f-name').fill('Ayşe Yılmaz');
  await page.locator('#f-email').fill('ayse@example.com');
  await page.locator('#f-card-number').fill(card);
}

async function radioNames(group) {
  return group.getByRole('radio').evaluateAll((inputs) => inputs.map((i) => i.labels[0].textContent));
}

test('Turkish: plans follow the card, 3 installments chosen by keyboard, receipt shows both amounts', FLOW, () =>
  withPage(browser(), 'installments-tr', async (page) => {
    const paymentId = await openHosted(page, 'tr');
    await fillPayer(page, '5549 6000');
    const group = page.getByRole('group', { name: 'Taksit seçenekleri' });
    await group.waitFor();
    assert.equal(await group.getByRole('radio').count(), 9, 'world: single payment + 2–9');
    // Another card: the plans are replaced.
    await page.locator('#f-card-number').fill('5400 6100 0000 0001');
    await page.waitForFunction(() => document.querySelectorAll('#installments input[type=radio]').length === 12,
      null, { timeout: WAIT.ui });
    const names = await radioNames(group);
    assert.equal(names[0], 'Tek çekim — ₺125,00');
    assert.equal(names[2], '3 × ₺43,54 — toplam ₺130,61');
    const single = group.getByRole('radio', { name: 'Tek çekim — ₺125,00' });
    assert.ok(await single.isChecked(), 'single payment is the default');

    // Keyboard only: Tab from the CVC field into the group (onto the checked radio), arrows to 3 installments.
    await page.locator('#f-card-cvc').focus();
    await page.keyboard.press('Tab');
    assert.ok(await single.evaluate((el) => el === document.activeElement), 'Tab reaches the plan group');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const three = group.getByRole('radio', { name: '3 × ₺43,54 — toplam ₺130,61' });
    assert.ok(await three.isChecked());
    assert.ok(await three.evaluate((el) => el === document.activeElement), 'focus stays on the chosen plan');
    await page.locator('button.pay', { hasText: '₺130,61 öde' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);

    await page.locator('#f-card-expiry').fill('12 / 34');
    await page.locator('#f-card-cvc').fill('123');
    await page.locator('#f-card-cvc').press('Enter');
    await page.getByRole('heading', { name: 'Ödeme başarılı' }).waitFor({ timeout: WAIT.outcome });
    await page.getByText('3 taksit × ₺43,54 — toplam ₺130,61 (sipariş tutarı ₺125,00)').waitFor();
    await page.getByText('₺130,61 ödediniz').waitFor();
    assert.deepEqual(await axeViolations(page), []);

    const payment = await fetchPayment(paymentId);
    assert.equal(payment.amount, 13061);
    assert.equal(payment.amount_captured, 13061);
    assert.equal(payment.installments.count, 3);
    assert.equal(payment.installments.base_amount, 12500);
  }));

test('English: a Troy card gets its own mark, 6 installments by keyboard; a debit card offers no plans', FLOW, () =>
  withPage(browser(), 'installments-en', async (page) => {
    const paymentId = await openHosted(page, 'en');
    await fillPayer(page, '4132 2600 0000 0003');
    // Debit: nothing to choose (and nothing blocks paying in one).
    await page.waitForTimeout(500);
    assert.equal(await page.locator('#installments').count(), 0);

    await page.locator('#f-card-number').fill('9792 0000 0000 0003');
    const brand = page.locator('.brand[data-brand="troy"]');
    await brand.waitFor();
    assert.equal(await brand.textContent(), 'Troy');
    const group = page.getByRole('group', { name: 'Installments' });
    await group.waitFor();
    const names = await radioNames(group);
    assert.deepEqual(names, [
      'Single payment — ₺125.00', '2 × ₺64.25 — total ₺128.50', '3 × ₺43.46 — total ₺130.38',
      '4 × ₺33.06 — total ₺132.25', '5 × ₺26.83 — total ₺134.13', '6 × ₺22.67 — total ₺136.00',
    ]);
    // ArrowUp from the first radio wraps to the last one.
    await group.getByRole('radio', { name: 'Single payment — ₺125.00' }).focus();
    await page.keyboard.press('ArrowUp');
    assert.ok(await group.getByRole('radio', { name: '6 × ₺22.67 — total ₺136.00' }).isChecked());
    await page.keyboard.press('Space');
    await page.locator('button.pay', { hasText: 'Pay ₺136.00' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);

    await page.locator('#f-card-expiry').fill('12 / 34');
    await page.locator('#f-card-cvc').fill('123');
    await page.locator('button.pay').click();
    await page.getByRole('heading', { name: 'Payment successful' }).waitFor({ timeout: WAIT.outcome });
    await page.getByText('6 installments of ₺22.67 — total ₺136.00 (order ₺125.00)').waitFor();
    const payment = await fetchPayment(paymentId);
    assert.equal(payment.amount, 13600);
    assert.equal(payment.installments.count, 6);
    assert.equal(payment.card.brand, 'troy');
  }));
