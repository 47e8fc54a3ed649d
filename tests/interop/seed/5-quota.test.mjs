// demo_quota_isolation.py, re-told: consumers A (rpm 3), B and C (rpm 10) each send 5 requests at once with their
// own keys and model groups, 10 s timeout, the SDK's default retries. The sample's README: A 3 succeed and 2 are
// rate limited (RateLimitError), B 5 of 5, C 5 of 5; each answer within the 10 s timeout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ask, client } from "./gateway.mjs";

const consumers = [
  { id: "A", key: "consumer-a-key", model: "consumer-a-model" },
  { id: "B", key: "consumer-b-key", model: "consumer-b-model" },
  { id: "C", key: "consumer-c-key", model: "consumer-c-model" },
];
const questions = (id) => [`Hi #${id}!`, `Hello #${id}`, `Hey #${id}`, `Test #${id}`, `Quick #${id}`];

test("quota isolation: A 3 + 2 RateLimitError within 10 s, B 5 of 5, C 5 of 5", async () => {
  const stats = Object.fromEntries(await Promise.all(consumers.map(async (consumer) => {
    // The script builds a client per request.
    const results = await Promise.all(questions(consumer.id).map((q, i) => ask(client(consumer.key), consumer.model, q, 10_000, i + 1)));
    return [consumer.id, results];
  })));

  console.log("Consumer   | Success | Failed | Rate Limited | Slowest");
  for (const { id } of consumers) {
    const r = stats[id];
    const slowest = Math.max(...r.map((x) => x.seconds));
    console.log(`${id}          | ${String(r.filter((x) => x.success).length).padStart(7)} | ${String(r.filter((x) => !x.success).length).padStart(6)} | ${String(r.filter((x) => x.error === "RateLimitError").length).padStart(12)} | ${slowest.toFixed(2)}s`);
  }
  const count = (id, predicate) => stats[id].filter(predicate).length;
  assert.equal(count("A", (r) => r.success), 3, JSON.stringify(stats.A));
  assert.equal(count("A", (r) => r.error === "RateLimitError"), 2, JSON.stringify(stats.A));
  assert.equal(count("B", (r) => r.success), 5, JSON.stringify(stats.B));
  assert.equal(count("C", (r) => r.success), 5, JSON.stringify(stats.C));
  for (const r of Object.values(stats).flat()) assert.ok(r.seconds < 10, `request took ${r.seconds} s`);
});
