// Shared helpers of the real-browser tests: Debian Chromium driven by playwright-core, against a running local
// Worker (`HSRC_BASE_URL`, started by scripts/test.sh). Every wait is bounded; a failing test leaves a screenshot in
// tests/artifacts/.
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.resolve(HERE, '..', 'artifacts');

/** Waits (ms) used across the suite. Async outcomes get more room than page interactions. */
export const WAIT = { ui: 15_000, outcome: 60_000 };

function requireEnv(name, hint) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: ${hint}. Run the suite through scripts/test.sh, or export it yourself.`);
  }
  return value;
}

/** The Worker under test, without a trailing slash. */
export const baseUrl = () =>
  requireEnv('HSRC_BASE_URL', 'the base URL of a running local Worker, e.g. http://127.0.0.1:8787').replace(/\/+$/, '');

/** The seeded sandbox merchant's secret key (server-side checks only). */
export const secretKey = () => requireEnv('HSRC_SECRET_KEY', 'the sandbox secret key printed by scripts/seed.sh');

/** Launches Debian's Chromium headless. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
}

/**
 * The browser of a test file (or of the `describe` it is called in): launched before its tests, once the
 * environment they need is there, and closed after them. `setup` runs after the launch. Returns a getter:
 * `const browser = useBrowser(); … withPage(browser(), …)`.
 */
export function useBrowser({ setup } = {}) {
  let browser;
  before(async () => {
    baseUrl();
    secretKey();
    browser = await launchBrowser();
    await setup?.();
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

/** Calls the API as the merchant's server; asserts nothing, returns {status, body}. */
export async function api(method, urlPath, body) {
  const res = await fetch(baseUrl() + urlPath, {
    method,
    headers: {
      Authorization: `Bearer ${secretKey()}`,
      ...(body ? { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = { raw: text }; }
  return { status: res.status, body: json };
}

/** The payment as the merchant's server sees it (`GET /v1/payments/:id`). */
export async function fetchPayment(id) {
  const { status, body } = await api('GET', `/v1/payments/${encodeURIComponent(id)}`);
  if (status !== 200) throw new Error(`GET /v1/payments/${id} answered ${status}: ${JSON.stringify(body)}`);
  return body.payment;
}

/** The session as the merchant's server sees it. */
export async function fetchSession(id) {
  const { status, body } = await api('GET', `/v1/checkout-sessions/${encodeURIComponent(id)}`);
  if (status !== 200) throw new Error(`GET /v1/checkout-sessions/${id} answered ${status}: ${JSON.stringify(body)}`);
  return body.checkout_session;
}

/** Fires the Worker's cron handler (wrangler dev --test-scheduled): expiry, async settlement, retries. */
export async function fireCron() {
  try {
    await fetch(`${baseUrl()}/__scheduled?cron=*+*+*+*+*`, { signal: AbortSignal.timeout(10_000) });
  } catch { /* best effort: the token view reconciles too */ }
}

/** Polls `check` until it returns a truthy value, or throws after `timeout` ms. */
export async function eventually(check, { timeout = WAIT.outcome, every = 500, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/**
 * Runs `fn(page)` in a fresh browser context; on failure saves a full-page screenshot (and the page's console) to
 * tests/artifacts/<name>.png before rethrowing.
 */
export async function withPage(browser, name, fn) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1000 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT.ui);
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  try {
    await fn(page);
  } catch (err) {
    await mkdir(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name.replace(/[^a-z0-9-]+/gi, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    err.message += `\n  screenshot: ${file}\n  console:\n    ${consoleLines.slice(-20).join('\n    ')}`;
    throw err;
  } finally {
    await context.close();
  }
}

// ---- The operations console ----------------------------------------------------------------------------------

/** Opens /ops in `lang` and signs in with the sandbox secret key; resolves once the first search answered. */
export async function signInOps(page, { lang = 'en' } = {}) {
  await page.goto(`${baseUrl()}/ops`);
  await page.evaluate((l) => localStorage.setItem('hsrc_ops_lang', l), lang);
  await page.reload();
  await page.waitForSelector('#secret-key');
  await page.fill('#secret-key', secretKey());
  await page.click('#key-submit');
  await page.waitForSelector('#results, #no-results');
}

/** Searches the console for `term`; resolves with the result rows once they answer this term (not an earlier one). */
export async function searchOps(page, term) {
  await page.fill('#q', term);
  await page.click('#search-submit');
  await page.waitForFunction((t) => document.querySelector('.results-head')?.dataset.q === t, term, { timeout: WAIT.ui });
  return page.$$eval('#results tbody tr', (rows) => rows.map((r) => ({
    session: r.dataset.sessionId,
    payment: r.dataset.paymentId,
    apiOnly: !!r.querySelector('.tag.api-only'),
  })));
}

// ---- The demo merchant page -------------------------------------------------------------------------------------

/** Opens the demo store and starts an embedded checkout; returns the checkout frame locator. */
export async function startEmbedded(page, { locale = 'en' } = {}) {
  await page.goto(`${baseUrl()}/demo`);
  await page.selectOption('#locale', locale);
  await page.click('#pay-embedded');
  await waitForEvent(page, 'ready');
  const frame = page.frameLocator('#checkout iframe');
  await frame.locator('#f-card-number').waitFor();
  return frame;
}

/** Waits until the demo page's event log shows `type`; returns that entry's data attributes. */
export async function waitForEvent(page, type, timeout = WAIT.outcome) {
  const item = page.locator(`#event-log li[data-event="${type}"]`).last();
  await item.waitFor({ timeout });
  return {
    paymentId: await item.getAttribute('data-payment-id'),
    sessionId: await item.getAttribute('data-session-id'),
    status: await item.getAttribute('data-status'),
  };
}

/** The event types the demo page received, in order. */
export async function loggedEvents(page) {
  return page.locator('#event-log li').evaluateAll((items) => items.map((li) => li.dataset.event));
}

/** Fills the payer and card fields of a checkout (a frame locator or a page) and submits. */
export async function payWith(form, card, { name = 'Ayşe Yılmaz', email = 'ayse@example.com', expiry = '12 / 34', cvc = '123' } = {}) {
  const name_ = form.locator('#f-name');
  if ((await name_.inputValue()) === '') await name_.fill(name);
  const email_ = form.locator('#f-email');
  if ((await email_.inputValue()) === '') await email_.fill(email);
  await form.locator('#f-card-number').fill(card);
  await form.locator('#f-card-expiry').fill(expiry);
  await form.locator('#f-card-cvc').fill(cvc);
  await form.locator('button.pay').click();
}

/** The server-verified status the demo page shows after `completed`. */
export async function verifiedStatus(page, timeout = WAIT.outcome) {
  const box = page.locator('#verified[data-status]');
  await box.waitFor({ timeout });
  return box.getAttribute('data-status');
}
