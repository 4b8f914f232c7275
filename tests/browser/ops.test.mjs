// The operations console in a real browser (Debian Chromium via playwright-core) against the local Worker that
// scripts/test.sh starts. Sessions in several states are made through the API (success, decline then success,
// fallback card, 3DS, provider timeout), each is found by payment id and by order id, and the timeline, charges and
// webhook deliveries the console shows are checked against the API. A receiver on loopback fails each webhook's
// first attempt, so the retried deliveries show up too. Actions go through the confirmation dialog.
//
// HSRC_OPS_SCREENSHOT=docs/ops-session-detail.png also writes the README screenshot (a fallback payment with a
// retried webhook); by default it goes to tests/artifacts/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { launchBrowser } from './helpers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
const BASE = (process.env.HSRC_BASE_URL || '').replace(/\/+$/, '');
const KEY = process.env.HSRC_SECRET_KEY || '';
const UI_WAIT = 15_000;
const RUN = Date.now().toString(36);

const CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  threeDs: '4000000000003220',
  timeout: '4000000000000119',
  fallback: '4000000000008013',
};

// ---- API, as the merchant's server calls it ------------------------------------------------------------------

async function call(method, urlPath, { body, key = KEY, idempotent = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    if (idempotent) headers['Idempotency-Key'] = crypto.randomUUID();
  }
  const res = await fetch(BASE + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

async function ok(method, urlPath, opts) {
  const r = await call(method, urlPath, opts);
  assert.equal(r.status, 200, `${method} ${urlPath} → ${r.status} ${r.text}`);
  return r.json;
}

const createSession = (orderId, extra = {}) =>
  ok('POST', '/v1/checkout-sessions', {
    body: {
      amount: 12500, currency: 'TRY',
      return_url: `${BASE}/demo?returned=1`, cancel_url: `${BASE}/demo?cancelled=1`,
      metadata: { order_id: orderId }, ...extra,
    },
  }).then((b) => b.checkout_session);

const confirm = (token, number) =>
  ok('POST', `/v1/checkout-sessions/token/${token}/confirm`, {
    key: null,
    body: {
      payment_method: { type: 'card', card: { number, exp_month: 12, exp_year: 2034, cvc: '123' } },
      payer: { name: 'Ayşe Yılmaz', email: `ayse.${RUN}@example.com` },
    },
  });

const payment = (id) => ok('GET', `/v1/payments/${id}`).then((b) => b.payment);
const opsDetail = (id) => ok('GET', `/v1/ops/sessions/${id}`).then((b) => b.ops_session);
const eventDeliveries = (id) => ok('GET', `/v1/events/${id}/deliveries`).then((b) => b.data);

async function fireCron() {
  try { await fetch(`${BASE}/__scheduled?cron=*+*+*+*+*`, { signal: AbortSignal.timeout(10_000) }); } catch { /* best effort */ }
}

async function eventually(what, check, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

// ---- a webhook receiver that fails every webhook's first attempt ----------------------------------------------

function startReceiver() {
  const seen = new Map();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['webhook-id'] || '';
      const n = (seen.get(id) || 0) + 1;
      seen.set(id, n);
      res.writeHead(n === 1 ? 500 : 200, { 'Content-Type': 'text/plain' });
      res.end(n === 1 ? 'try again' : 'ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, seen })));
}

// ---- the browser ------------------------------------------------------------------------------------------------

async function signIn(page, { lang = 'en' } = {}) {
  await page.goto(`${BASE}/ops`);
  await page.evaluate((l) => localStorage.setItem('hsrc_ops_lang', l), lang);
  await page.reload();
  await page.waitForSelector('#secret-key', { timeout: UI_WAIT });
  await page.fill('#secret-key', KEY);
  await page.click('#key-submit');
  await page.waitForSelector('#results, #no-results', { timeout: UI_WAIT });
}

async function search(page, q) {
  await page.fill('#q', q);
  await page.click('#search-submit');
  // The results carry the term they answer, so an earlier answer is never mistaken for this one.
  await page.waitForFunction((term) => document.querySelector('.results-head')?.dataset.q === term, q, { timeout: UI_WAIT });
  return page.$$eval('#results tbody tr', (rows) => rows.map((r) => ({
    session: r.dataset.sessionId,
    payment: r.dataset.paymentId,
    statuses: [...r.querySelectorAll('.badge')].map((b) => b.dataset.status),
  })));
}

async function openDetail(page, sessionId) {
  await page.goto(`${BASE}/ops#/sessions/${sessionId}`);
  await page.waitForSelector(`#detail-title code`, { timeout: UI_WAIT });
  await page.waitForFunction((id) => document.querySelector('#detail-title code')?.textContent === id, sessionId, { timeout: UI_WAIT });
}

/** What the detail page shows, read from its data attributes. */
const shown = (page) => page.evaluate(() => ({
  paid: document.querySelector('#verdict-paid')?.dataset.verdict,
  notified: document.querySelector('#verdict-notified')?.dataset.verdict,
  charges: [...document.querySelectorAll('#charges tbody tr')].map((r) => ({
    id: r.dataset.chargeId, provider: r.dataset.provider, route: Number(r.dataset.route), status: r.querySelector('.badge')?.dataset.status,
  })),
  timeline: [...document.querySelectorAll('#timeline tbody tr')].map((r) => ({
    entity: r.dataset.entity, entityId: r.dataset.entityId, from: r.dataset.from, to: r.dataset.to,
    request: r.querySelector('td:last-child .id')?.textContent,
  })),
  challenges: [...document.querySelectorAll('#challenges tbody tr')].map((r) => ({ id: r.dataset.challengeId, status: r.querySelector('.badge')?.dataset.status })),
  events: [...document.querySelectorAll('#events .event')].map((e) => ({
    id: e.dataset.eventId,
    type: e.dataset.eventType,
    deliveries: [...e.querySelectorAll('tr[data-delivery-id]')].map((d) => ({
      id: d.dataset.deliveryId,
      status: d.dataset.deliveryStatus,
      attempts: [...d.querySelectorAll('li[data-attempt]')].map((a) => ({ attempt: Number(a.dataset.attempt), outcome: a.dataset.outcome, code: a.dataset.statusCode })),
    })),
  })),
  scrollWidth: document.documentElement.scrollWidth,
}));

/** What the API says of the session's webhooks: each event's deliveries as the console shows them, and the verdict. */
async function apiDeliveries(session) {
  const detail = await opsDetail(session.id);
  const deliveries = {};
  for (const event of detail.events) {
    deliveries[event.id] = (await eventDeliveries(event.id)).map((dl) => ({
      id: dl.id, status: dl.status,
      attempts: dl.attempts.map((a) => ({ attempt: a.attempt, outcome: a.outcome, code: a.status_code == null ? '' : String(a.status_code) })),
    }));
  }
  return { detail, hooks: { deliveries, notified: detail.verdict.notified } };
}

/** The page's webhooks in the shape apiDeliveries gives them. */
const hooksShown = (ui) => ({
  deliveries: Object.fromEntries(ui.events.map((e) => [e.id, e.deliveries])),
  notified: ui.notified,
});

/**
 * Asserts that the detail page (reloaded) shows exactly what the API says about this session. Webhooks to other
 * suites' endpoints of this merchant may still be retrying while we look (one can gain an attempt between any two
 * reads), so the API is read before and after the page loads and the page's webhooks must equal one of the two.
 * Bounded: six loads, then the page is compared against the last API read, which prints the difference.
 */
async function assertMatchesApi(page, session) {
  let d;
  let hooks;
  let ui;
  for (let tries = 1; ; tries++) {
    const before = (await apiDeliveries(session)).hooks;
    await openDetail(page, session.id);
    ui = await shown(page);
    ({ detail: d, hooks } = await apiDeliveries(session));
    const seen = hooksShown(ui);
    if (isDeepStrictEqual(seen, hooks)) break;
    if (isDeepStrictEqual(seen, before)) { hooks = before; break; }
    if (tries === 6) break;
  }
  const p = await payment(session.payment_id);
  assert.deepEqual(ui.charges, p.charges.map((c, i) => ({ id: c.id, provider: c.provider, route: d.payment.charges[i].route_position, status: c.status })), 'charges');
  assert.deepEqual(ui.timeline, d.timeline.map((t) => ({ entity: t.entity, entityId: t.entity_id, from: t.from_status || '', to: t.to_status, request: t.request_id || '' })), 'timeline');
  for (const request of p.request_ids) {
    assert.ok(ui.timeline.some((t) => t.request === request), `request ${request} of the payment is on the timeline`);
  }
  assert.deepEqual(ui.events.map((e) => e.id), d.events.map((e) => e.id), 'events');
  for (const event of ui.events) {
    assert.deepEqual(event.deliveries, hooks.deliveries[event.id], `deliveries of ${event.type}`);
  }
  assert.equal(ui.paid, d.verdict.paid);
  assert.equal(ui.notified, hooks.notified);
  assert.ok(ui.scrollWidth <= 1280, `no horizontal scroll at 1280 px (scrollWidth ${ui.scrollWidth})`);
  return { ui, payment: p, detail: d };
}

// ---- the suite --------------------------------------------------------------------------------------------------

describe('operations console', { skip: !BASE || !KEY ? 'HSRC_BASE_URL and HSRC_SECRET_KEY are set by scripts/test.sh' : false }, () => {
  let browser;
  let receiver;
  let endpointId;
  const made = {};

  before(async () => {
    receiver = await startReceiver();
    const endpoint = await ok('POST', '/v1/webhook-endpoints', { body: { url: `http://127.0.0.1:${receiver.port}/hooks?token=ops-test`, description: 'ops console test' } });
    endpointId = endpoint.webhook_endpoint.id;

    const order = (name) => `ord_ops_${RUN}_${name}`;
    made.success = await createSession(order('success'));
    await confirm(made.success.token, CARDS.success);

    made.retry = await createSession(order('retry'));
    await confirm(made.retry.token, CARDS.declined);
    await confirm(made.retry.token, CARDS.success);

    made.fallback = await createSession(order('fallback'));
    await confirm(made.fallback.token, CARDS.fallback);

    made.threeDs = await createSession(order('3ds'));
    const action = await confirm(made.threeDs.token, CARDS.threeDs);
    const challengeId = action.confirmResult.paymentNextAction.redirect_user_to_url.url.split('/').pop();
    await ok('POST', `/v1/3ds/${challengeId}/complete`, { key: null, body: { result: 'pass' } });

    made.timeout = await createSession(order('timeout'));
    await confirm(made.timeout.token, CARDS.timeout);

    for (const s of Object.values(made)) s.order = s.metadata.order_id;

    // Every webhook of these sessions to our receiver: first attempt 500, the retry 200.
    await eventually('retried webhooks delivered', async () => {
      await fireCron();
      for (const s of Object.values(made)) {
        const d = await opsDetail(s.id);
        const mine = d.events.flatMap((e) => e.deliveries).filter((dl) => dl.endpoint_id === endpointId);
        if (d.session.status !== 'COMPLETED' || mine.length === 0 || mine.some((dl) => dl.status !== 'succeeded')) return false;
      }
      return true;
    }, 90_000);

    browser = await launchBrowser();
  });

  after(async () => {
    if (endpointId) await call('DELETE', `/v1/webhook-endpoints/${endpointId}`);
    await browser?.close();
    await new Promise((r) => (receiver ? receiver.server.close(r) : r()));
  });

  it('asks for the secret key, refuses others, and keeps it out of the URL', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${BASE}/ops`);
      await page.waitForSelector('#secret-key', { timeout: UI_WAIT });
      const csp = (await page.request.get(`${BASE}/ops`)).headers()['content-security-policy'];
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);

      await page.fill('#secret-key', 'pk_test_not_secret');
      await page.click('#key-submit');
      await page.waitForSelector('#key-error', { timeout: UI_WAIT });
      await page.fill('#secret-key', 'sk_test_wrong_key_000000');
      await page.click('#key-submit');
      await page.waitForFunction(() => /refused|reddedildi/i.test(document.querySelector('#key-error')?.textContent || ''), null, { timeout: UI_WAIT });

      await page.uncheck('#remember-key');
      await page.fill('#secret-key', KEY);
      await page.click('#key-submit');
      await page.waitForSelector('#results, #no-results', { timeout: UI_WAIT });
      assert.ok(!page.url().includes(KEY), 'the key is not in the URL');
      assert.equal(await page.evaluate(() => sessionStorage.getItem('hsrc_ops_key')), null, 'not stored unless asked');
      await page.click('#sign-out');
      await page.waitForSelector('#secret-key', { timeout: UI_WAIT });
    } finally {
      await page.close();
    }
  });

  it('finds every session by payment id and by order id, with the statuses the API has', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await signIn(page);
      for (const [name, s] of Object.entries(made)) {
        const p = await payment(s.payment_id);
        const session = (await ok('GET', `/v1/checkout-sessions/${s.id}`)).checkout_session;
        for (const q of [s.payment_id, s.order]) {
          const rows = await search(page, q);
          assert.deepEqual(rows, [{ session: s.id, payment: s.payment_id, statuses: [session.status, p.status] }], `${name} by ${q}`);
        }
      }
      // Searching by token is refused, and says so.
      await page.fill('#q', made.success.token);
      await page.click('#search-submit');
      await page.waitForSelector('[role="alert"]', { timeout: UI_WAIT });
      assert.ok(!(await page.textContent('[role="alert"]')).includes(made.success.token));
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 1280));
    } finally {
      await page.close();
    }
  });

  for (const [name, check] of [
    ['success', (r) => {
      assert.equal(r.ui.charges.length, 1);
      assert.equal(r.ui.paid, 'paid');
    }],
    ['retry', (r) => {
      assert.deepEqual(r.ui.charges.map((c) => [c.status, c.route]), [['declined', 1], ['succeeded', 1]]);
    }],
    ['fallback', (r) => {
      assert.deepEqual(r.ui.charges.map((c) => [c.provider, c.status, c.route]), [['sandbox_primary', 'failed', 1], ['sandbox_fallback', 'succeeded', 2]]);
    }],
    ['threeDs', (r) => {
      assert.deepEqual(r.ui.challenges.map((c) => c.status), ['passed']);
      assert.ok(r.ui.timeline.some((t) => t.entity === 'payment' && t.to === 'REQUIRES_ACTION'));
    }],
    ['timeout', (r) => {
      assert.equal(r.ui.charges[0].status, 'succeeded');
      assert.ok(r.ui.timeline.some((t) => t.entity === 'charge' && t.from === 'pending' && t.to === 'succeeded'));
    }],
  ]) {
    it(`shows the ${name} session as the API does, with its retried webhooks`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        await signIn(page);
        await openDetail(page, made[name].id);
        const r = await assertMatchesApi(page, made[name]);
        check(r);
        // Other suites' endpoints may share this merchant; with only ours, the merchant has heard.
        if (r.detail.endpoints.length === 1) assert.equal(r.ui.notified, 'delivered');
        const mine = r.detail.events.flatMap((e) => e.deliveries).filter((d) => d.endpoint_id === endpointId);
        assert.ok(mine.length > 0 && mine.every((d) => d.attempts.length >= 2 && d.attempts[0].status_code === 500 && d.attempts.at(-1).status_code === 200), 'each delivery failed once, then arrived');
        if (name === 'fallback') {
          const file = process.env.HSRC_OPS_SCREENSHOT ? path.resolve(ROOT, process.env.HSRC_OPS_SCREENSHOT) : path.join(ARTIFACTS, 'ops-session-detail.png');
          await mkdir(path.dirname(file), { recursive: true });
          await page.screenshot({ path: file, fullPage: true });
        }
      } finally {
        await page.close();
      }
    });
  }

  it('captures an authorized payment and cancels an open session after confirmation', async () => {
    const manual = await createSession(`ord_ops_${RUN}_manual`, { capture_method: 'manual' });
    await confirm(manual.token, CARDS.success);
    const open = await createSession(`ord_ops_${RUN}_open`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await signIn(page);
      await openDetail(page, manual.id);
      assert.equal((await shown(page)).paid, 'authorized');
      assert.ok(await page.isDisabled('#action-cancel'));
      await page.click('#action-capture');
      await page.waitForSelector('#confirm-dialog', { timeout: UI_WAIT });
      // Going back does nothing.
      await page.click('#confirm-no');
      assert.equal((await payment(manual.payment_id)).status, 'AUTHORIZED');
      await page.click('#action-capture');
      await page.click('#confirm-yes');
      await page.waitForFunction(() => document.querySelector('#verdict-paid')?.dataset.verdict === 'paid', null, { timeout: UI_WAIT });
      const captured = await payment(manual.payment_id);
      assert.equal(captured.status, 'SUCCEEDED');
      assert.equal(captured.amount_captured, 12500);

      await openDetail(page, open.id);
      await page.click('#action-cancel');
      await page.click('#confirm-yes');
      await page.waitForFunction(() => document.querySelector('#verdict-paid')?.dataset.verdict === 'not_paid', null, { timeout: UI_WAIT });
      assert.equal((await ok('GET', `/v1/checkout-sessions/${open.id}`)).checkout_session.status, 'CANCELLED');
    } finally {
      await page.close();
    }
  });

  it('resends a webhook to one endpoint and shows the new attempt', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await signIn(page);
      await openDetail(page, made.success.id);
      const before = (await opsDetail(made.success.id)).events.flatMap((e) => e.deliveries).find((d) => d.endpoint_id === endpointId);
      const row = page.locator(`tr[data-delivery-id="${before.id}"]`);
      await row.locator('button.resend').click();
      await page.waitForSelector('#confirm-dialog', { timeout: UI_WAIT });
      await page.click('#confirm-yes');
      await page.waitForSelector('#notice', { timeout: UI_WAIT });
      await eventually('the resent delivery', async () => {
        await fireCron();
        const d = (await opsDetail(made.success.id)).events.flatMap((e) => e.deliveries).find((x) => x.id === before.id);
        return d.attempts.length > before.attempts.length && d.status === 'succeeded';
      });
      await page.click('#refresh');
      await page.waitForFunction(
        ([id, n]) => document.querySelectorAll(`tr[data-delivery-id="${id}"] li[data-attempt]`).length > n, [before.id, before.attempts.length], { timeout: UI_WAIT },
      );
    } finally {
      await page.close();
    }
  });

  it('speaks Turkish and English, with a word beside every colour', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await signIn(page, { lang: 'tr' });
      await openDetail(page, made.fallback.id);
      assert.equal(await page.getAttribute('html', 'lang'), 'tr');
      assert.match(await page.textContent('#verdict-paid'), /Evet — ödendi/);
      await page.click('#lang-toggle');
      await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: UI_WAIT });
      assert.match(await page.textContent('#verdict-paid'), /Yes — paid/);
      const wordless = await page.$$eval('.badge', (badges) => badges.filter((b) => b.textContent.replace(/[✓↻!✕–\s]/g, '') === '').length);
      assert.equal(wordless, 0, 'every badge has a word');
    } finally {
      await page.close();
    }
  });
});
