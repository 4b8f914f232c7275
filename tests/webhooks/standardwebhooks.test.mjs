// Our webhook signatures, checked by an independent implementation: the Standard Webhooks reference library for
// JavaScript (npm `standardwebhooks`, pinned in package.json). A receiver on 127.0.0.1:0 verifies every delivery of
// a successful payment with it, dedupes by webhook-id, and the library must reject a tampered body.
// Run by scripts/test.sh (`node --test`) against the local Worker; needs HSRC_BASE_URL and HSRC_SECRET_KEY.

import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import standardwebhooks from "standardwebhooks";

const { Webhook, WebhookVerificationError } = standardwebhooks;
const BASE = process.env.HSRC_BASE_URL;
const KEY = process.env.HSRC_SECRET_KEY;

async function api(method, path, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** Starts a receiver that answers 200 and keeps the raw bytes and headers of every request. */
function startReceiver() {
  const arrivals = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      arrivals.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, arrivals, port: server.address().port })));
}

async function waitFor(what, probe, timeoutMs = 60_000) {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    assert.ok(Date.now() - start < timeoutMs, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

test("deliveries verify with the standardwebhooks library", { skip: !BASE && "HSRC_BASE_URL is not set (run scripts/test.sh)" }, async (t) => {
  const { server, arrivals, port } = await startReceiver();
  t.after(() => server.close());

  const created = await api("POST", "/v1/webhook-endpoints", { url: `http://127.0.0.1:${port}/standard`, description: "standardwebhooks e2e" });
  assert.equal(created.status, 200);
  const endpoint = created.json.webhook_endpoint;
  assert.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  t.after(() => api("DELETE", `/v1/webhook-endpoints/${endpoint.id}`));

  const session = await api("POST", "/v1/checkout-sessions", { amount: 12500, currency: "TRY" });
  assert.equal(session.status, 200);
  const { id: sessionId, token } = session.json.checkout_session;
  const confirm = await fetch(`${BASE}/v1/checkout-sessions/token/${token}/confirm`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      payment_method: { type: "card", card: { number: "4242424242424242", exp_month: 12, exp_year: 2034, cvc: "123" } },
      payer: { name: "Ayşe Yılmaz", email: "ayse@example.com" },
    }),
  });
  assert.equal(confirm.status, 200);

  const wh = new Webhook(endpoint.secret);
  const mine = () => arrivals.filter((a) => JSON.parse(a.raw.toString("utf8")).checkoutSessionId === sessionId);
  await waitFor("three events", () => mine().length >= 3);

  // The receiver a merchant writes: verify the raw bytes, then process each webhook-id once.
  const processed = new Map();
  for (const a of [...mine(), ...mine()]) {
    const event = wh.verify(a.raw, a.headers);
    assert.equal(event.id, a.headers["webhook-id"]);
    if (!processed.has(event.id)) processed.set(event.id, event);
  }
  const types = [...processed.values()].map((e) => e.type).sort();
  assert.deepEqual(types, ["charge.succeeded", "checkout_session.completed", "payment.succeeded"]);
  const succeeded = [...processed.values()].find((e) => e.type === "payment.succeeded");
  assert.equal(succeeded.checkoutSessionId, sessionId);
  assert.equal(succeeded.paymentId, session.json.checkout_session.payment_id);
  assert.equal(succeeded.data.object.status, "SUCCEEDED");

  // The library rejects what we must never accept: a changed body, another secret, a stale timestamp.
  const sample = mine()[0];
  const tampered = Buffer.from(sample.raw.toString("utf8").replace("\"livemode\":false", "\"livemode\":true"));
  assert.notDeepEqual(tampered, sample.raw);
  assert.throws(() => wh.verify(tampered, sample.headers), WebhookVerificationError);
  assert.throws(() => new Webhook("whsec_" + Buffer.alloc(32, 7).toString("base64")).verify(sample.raw, sample.headers), WebhookVerificationError);
  const stale = { ...sample.headers, "webhook-timestamp": String(Number(sample.headers["webhook-timestamp"]) - 3600) };
  assert.throws(() => wh.verify(sample.raw, stale), WebhookVerificationError);

  // And our signature equals the one the library computes for the same id, timestamp and bytes.
  const ts = new Date(Number(sample.headers["webhook-timestamp"]) * 1000);
  assert.equal(wh.sign(sample.headers["webhook-id"], ts, sample.raw), sample.headers["webhook-signature"]);
});
