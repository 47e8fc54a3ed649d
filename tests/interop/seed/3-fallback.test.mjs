// demo_fallback.py, re-told: 10 requests to claude-sonnet-fallback-demo (Sonnet 4.6, rpm 3) started 50 ms apart
// with the demo key, 30 s timeout. The sample's README: 10 of 10, 3 by the primary, 7 fall back to Haiku 4.5.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ask, client, modelDistribution, staggered } from "./gateway.mjs";

test("fallback: 10 of 10, 3 on the primary Sonnet, 7 fall back to Haiku", async () => {
  const openai = client("demo-key");
  const questions = ["What is AI?", "Define ML", "Explain NLP", "What is DL?", "Define CNN",
    "What is RNN?", "Explain GAN", "Define API", "What is REST?", "Explain GraphQL"];
  const results = await staggered(questions, 50, (id, q) => ask(openai, "claude-sonnet-fallback-demo", q, 30_000, id));

  const successful = results.filter((r) => r.success);
  const fallbacks = successful.filter((r) => r.model.toLowerCase().includes("haiku"));
  console.log(`Total Requests:        ${results.length}`);
  console.log(`Successful:            ${successful.length}`);
  console.log(`Primary Model Used:    ${successful.length - fallbacks.length}`);
  console.log(`Fallback Triggered:    ${fallbacks.length}`);
  const counts = modelDistribution(results);
  assert.equal(successful.length, 10, JSON.stringify(results.filter((r) => !r.success)));
  assert.equal(successful.length - fallbacks.length, 3);
  assert.equal(fallbacks.length, 7);
  assert.deepEqual(counts, { "us.anthropic.claude-haiku-4-5-20251001-v1:0": 7, "us.anthropic.claude-sonnet-4-6": 3 });
  assert.ok(results.every((r) => r.seconds < 30));
});
