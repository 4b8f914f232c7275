// The embed page arrives with the form rendered by the edge (widget/src/markup.rs), so the payer can type before the
// wasm is there; the wasm then takes the form over (widget/src/app/takeover.rs). The widget's wasm is held back
// here until the test lets it through, so "before" and "after" are certain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, useBrowser, loggedEvents, payWith, verifiedStatus, waitForEvent, withPage, WAIT } from './helpers.mjs';

const browser = useBrowser();
const FLOW = { timeout: 150_000 };


/** Holds the form's wasm until `release()` is called; `requested` resolves when the iframe asked for it. */
async function holdWasm(page) {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  let requested;
  const asked = new Promise((resolve) => { requested = resolve; });
  await page.route((url) => url.pathname === '/assets/pkg/hsrc_widget_bg.wasm', async (route) => {
    requested();
    await Promise.race([gate, new Promise((resolve) => setTimeout(resolve, WAIT.outcome))]);
    await route.continue();
  });
  return { release: () => release(), requested: asked };
}

/** Opens the demo store's embedded checkout without waiting for the widget; returns the frame locator. */
async function openEmbedded(page) {
  await page.goto(`${baseUrl()}/demo`);
  await page.selectOption('#locale', 'en');
  await page.click('#pay-embedded');
  const frame = page.frameLocator('#checkout iframe');
  await frame.locator('#f-card-number').waitFor({ timeout: WAIT.ui });
  return frame;
}

/** The checkout region's structure: tag, id, classes and attributes (not values or what the wasm toggles), text. */
function shape(frame) {
  return frame.locator('#checkout').evaluate((root) => {
    const skip = new Set(['value', 'disabled', 'data-prerendered', 'selected', 'checked']);
    const out = [];
    const walk = (el) => {
      const attrs = [...el.attributes].filter((a) => !skip.has(a.name)).map((a) => `${a.name}=${a.value}`).sort();
      const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join('');
      out.push(`${el.tagName.toLowerCase()} ${attrs.join(' ')}${text ? ` "${text}"` : ''}`);
      for (const child of el.children) walk(child);
    };
    walk(root);
    return out;
  });
}

test('the server-rendered form is the one the wasm builds', FLOW, () =>
  withPage(browser(), 'prerender-same-markup', async (page) => {
    const wasm = await holdWasm(page);
    const frame = await openEmbedded(page);
    await wasm.requested;
    assert.equal(await frame.locator('#checkout[data-prerendered]').count(), 1, 'the edge rendered it');
    assert.equal(await frame.locator('html').getAttribute('data-mode'), 'embed');
    assert.equal(await frame.locator('html').getAttribute('lang'), 'en');
    assert.ok(await frame.locator('button.pay').isDisabled(), 'nothing submits before the wasm owns the form');
    const served = await shape(frame);
    wasm.release();
    await waitForEvent(page, 'ready');
    await frame.locator('#checkout:not([data-prerendered])').waitFor({ timeout: WAIT.ui });
    assert.deepEqual(await shape(frame), served);
    assert.ok(await frame.locator('button.pay').isEnabled());
  }));

test('what the payer typed before the wasm arrived survives the takeover, with focus and caret', FLOW, () =>
  withPage(browser(), 'prerender-typed-kept', async (page) => {
    const wasm = await holdWasm(page);
    const frame = await openEmbedded(page);
    await wasm.requested;
    await frame.locator('#f-name').fill('Ayşe Yılmaz');
    await frame.locator('#f-email').fill('ayse@example.com');
    const card = frame.locator('#f-card-number');
    await card.click();
    await card.pressSequentially('42424242');
    // Enter in a field of the served form submits nothing (its pay button is disabled): no navigation, no request.
    await card.press('Enter');
    assert.deepEqual(await loggedEvents(page), [], 'the wasm has not started');
    wasm.release();
    await waitForEvent(page, 'ready');
    await frame.locator('#checkout:not([data-prerendered])').waitFor({ timeout: WAIT.ui });
    assert.equal(await card.inputValue(), '4242 4242', 'the typed digits, grouped by the wasm');
    assert.equal(await frame.locator('#f-name').inputValue(), 'Ayşe Yılmaz');
    assert.equal(await frame.locator('#f-email').inputValue(), 'ayse@example.com');
    const caret = await card.evaluate((el) => [document.activeElement === el, el.selectionStart]);
    assert.deepEqual(caret, [true, 9], 'focus and caret stay at the end of the digits');
    // Typing goes on where it stopped, and the payment goes through.
    await card.pressSequentially('42424242');
    assert.equal(await card.inputValue(), '4242 4242 4242 4242');
    await payWith(frame, '4242 4242 4242 4242');
    await waitForEvent(page, 'completed');
    assert.equal(await verifiedStatus(page), 'SUCCEEDED');
    assert.deepEqual(await loggedEvents(page), ['ready', 'completed']);
  }));
