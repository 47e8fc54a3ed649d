// demo_load_balancing.py, re-told: 10 requests to claude-sonnet-loadbalance-demo (Sonnet 4.6 and Sonnet 4.5, rpm 3
// each, simple-shuffle) started 100 ms apart, 30 s timeout. The sample's README: 10 of 10, Sonnet 4.5 3,
// Sonnet 4.6 3, Haiku 4.5 4 (the overflow, which the script calls FALLBACK).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ask, client, modelDistribution, staggered } from "./gateway.mjs";

test("load balancing: 10 of 10, Sonnet 4.5 3, Sonnet 4.6 3, Haiku 4", async () => {
  const openai = client("demo-key");
  const questions = ["What is machine learning?", "Explain cloud computing briefly.", "What are microservices?",
    "Define artificial intelligence.", "What is serverless computing?", "Explain containerization.", "What is DevOps?",
    "Define data science.", "What is edge computing?", "Explain API design."];
  const results = await staggered(questions, 100, (id, q) => ask(openai, "claude-sonnet-loadbalance-demo", q, 30_000, id));

  console.log(`Total Requests:     ${results.length}`);
  console.log(`Successful:         ${results.filter((r) => r.success).length}`);
  console.log("Model Distribution:");
  const counts = modelDistribution(results);
  assert.equal(results.filter((r) => r.success).length, 10, JSON.stringify(results.filter((r) => !r.success)));
  assert.deepEqual(counts, {
    "us.anthropic.claude-haiku-4-5-20251001-v1:0": 4,
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0": 3,
    "us.anthropic.claude-sonnet-4-6": 3,
  });
});
