// `hsrc listen` checked by an independent Standard Webhooks implementation (npm `standardwebhooks`): the CLI
// follows the events API, forwards a `payment.succeeded` made by `hsrc trigger` to this receiver, and the library
// verifies it with the whsec_ secret the CLI printed at start. Needs the binary built (scripts/test.sh builds it).

import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import readline from "node:readline";
import standardwebhooks from "standardwebhooks";

const { Webhook } = standardwebhooks;
const BASE = process.env.HSRC_BASE_URL;
const KEY = process.env.HSRC_SECRET_KEY;
// The CLI as scripts/test.sh built it (a shared CARGO_TARGET_DIR moves it out of the checkout).
const TARGET = process.env.CARGO_TARGET_DIR || path.resolve(import.meta.dirname, "../../target");
const BIN = process.env.HSRC_CLI_BIN || path.join(TARGET, "debug", "hsrc");

function receiver() {
  const arrivals = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c)).on("end", () => {
      arrivals.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok");
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, arrivals, port: server.address().port })));
}

test("hsrc listen forwards a triggered payment.succeeded that standardwebhooks verifies", { skip: (!BASE || !existsSync(BIN)) && "needs HSRC_BASE_URL and target/debug/hsrc (run scripts/test.sh)" }, async (t) => {
  const configDir = mkdtempSync(path.join(tmpdir(), "hsrc-cli-node-"));
  const env = { ...process.env, HSRC_API_BASE: BASE, HSRC_SECRET_KEY: KEY, HSRC_CONFIG_DIR: configDir };
  const { server, arrivals, port } = await receiver();
  const listen = spawn(BIN, ["--json", "listen", "--forward-to", `http://127.0.0.1:${port}/webhooks`, "--events", "payment.succeeded", "--interval-ms", "300"], { env, stdio: ["ignore", "pipe", "ignore"] });
  t.after(() => { listen.kill("SIGTERM"); server.close(); rmSync(configDir, { recursive: true, force: true }); });
  const lines = readline.createInterface({ input: listen.stdout });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("listen printed no ready line")), 30_000);
    lines.once("line", (l) => { clearTimeout(timer); resolve(JSON.parse(l)); });
  });
  assert.equal(ready.ready, true);
  assert.match(ready.secret, /^whsec_[A-Za-z0-9+/]+=*$/);

  const event = JSON.parse(execFileSync(BIN, ["--json", "trigger", "payment.succeeded"], { env, encoding: "utf8" }));
  assert.equal(event.type, "payment.succeeded");

  const start = Date.now();
  let arrival;
  while (!(arrival = arrivals.find((a) => a.headers["webhook-id"] === event.id))) {
    assert.ok(Date.now() - start < 60_000, "the event reached the receiver");
    await new Promise((r) => setTimeout(r, 200));
  }
  const wh = new Webhook(ready.secret);
  const payload = wh.verify(arrival.raw, arrival.headers);
  assert.equal(payload.id, event.id);
  assert.equal(payload.type, "payment.succeeded");
  assert.equal(payload.paymentId, event.paymentId);
  assert.throws(() => wh.verify(arrival.raw.replace("payment.succeeded", "payment.failed"), arrival.headers), "a tampered body fails");
  assert.ok(arrivals.every((a) => JSON.parse(a.raw).type === "payment.succeeded"), "only the subscribed type");
});
