// demo_cris.py, re-told: 10 parallel InvokeModel calls (boto3 there, the AWS SDK for JavaScript here, default
// HTTP handler) on the inference profile us.anthropic.claude-sonnet-4-6 from us-east-1 with profile `genai`,
// then the Region table from CloudWatch Logs Insights. The sample's README: 10 of 10, spread over the us Regions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BedrockRuntimeClient, InvokeModelCommand } from "@aws-sdk/client-bedrock-runtime";
import {
  crisModelId, invokeBody, logPropagationWaitMs, printRegionTable, profiles, queryRegionDistribution, region, sleep, ts,
  useEmulatorAsAws,
} from "./seed.mjs";

useEmulatorAsAws();

const questions = ["Hello from CRIS request!", "Test message for cross-region demo", "CRIS demo request",
  "Cross-region test message", "Regional distribution test"];

async function send(requestId) {
  const bedrock = new BedrockRuntimeClient({ region, profile: profiles.primary });
  const started = performance.now();
  try {
    const response = await bedrock.send(new InvokeModelCommand({
      modelId: crisModelId, body: invokeBody(questions[(requestId - 1) % questions.length]),
      contentType: "application/json", accept: "application/json",
    }));
    const body = JSON.parse(new TextDecoder().decode(response.body));
    const content = body.content?.[0]?.text ?? "No content";
    console.log(`[${ts()}] Request #${String(requestId).padStart(2)} | SUCCESS | ${((performance.now() - started) / 1000).toFixed(2)}s`);
    return { success: true, content };
  } catch (e) {
    console.log(`[${ts()}] Request #${String(requestId).padStart(2)} | ERROR | ${e.name}`);
    return { success: false, error: e.name };
  }
}

test("CRIS: 10 of 10 through us.anthropic.claude-sonnet-4-6, Region table from Logs Insights sums to 10", async () => {
  const demoStartMs = Date.now();
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i + 1)));
  const successful = results.filter((r) => r.success).length;
  assert.equal(successful, 10, `errors: ${JSON.stringify(results.filter((r) => !r.success))}`);
  assert.ok(results.every((r) => r.content.length > 0 && r.content !== "No content"));

  // The script's analysis: wait for the logs, query from a minute before the demo, retry until the count matches.
  const generousStartMs = demoStartMs - 60_000;
  let distribution;
  for (let attempt = 0; attempt < 5; attempt++) {
    await sleep(attempt === 0 ? logPropagationWaitMs : Math.min(30_000, logPropagationWaitMs));
    distribution = await queryRegionDistribution(profiles.primary, crisModelId, generousStartMs);
    if (distribution.totalInvocations === successful) break;
  }
  printRegionTable("CRIS ANALYSIS (CloudWatch Logs Insights)", distribution);
  assert.equal(distribution.totalInvocations, 10);
  assert.deepEqual(distribution.fields[0], ["inferenceRegion", "invocationCount"]);
  const regions = Object.keys(distribution.regionDistribution);
  assert.ok(regions.length >= 1 && regions.every((r) => ["us-east-1", "us-east-2", "us-west-2"].includes(r)), regions.join());
  assert.deepEqual(regions, [...regions].sort(), "sorted by inferenceRegion");
});
