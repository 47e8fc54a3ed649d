// The Bedrock Runtime door through the running topology with @aws-sdk/client-bedrock-runtime (router-bedrock.mjs):
// Converse and ConverseStream with a bearer tenant key (AWS_BEARER_TOKEN_BEDROCK) and with SigV4 access key pairs
// the QuotaService's admin API issues (a wrong secret and a revoked pair refused), a tenant over its limit
// (ThrottlingException), and failover when the group's first Regions are out; InvokeModel and
// InvokeModelWithResponseStream with Claude and Nova bodies (router-bedrock-invoke.mjs); Anthropic's Bedrock SDK
// (router-anthropic-bedrock.mjs); and Claude Code on Bedrock (claude-code.mjs, DOOR=bedrock).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import {
  claudeCode, createTenant, deleteTenant, demoKey, failover, issueAccessKey, multiRegionGroup, revokeAccessKey, routerUrl, runScript, summary,
} from "./topology.mjs";

const tenants = [];
after(() => Promise.all(tenants.map(deleteTenant)));

/** Converse and ConverseStream answered; the unknown model's 404; 3 of the limited tenant's 5 calls, then 429 ThrottlingException. */
function assertConversation(door, result) {
  const throttled = result.throttled.filter((t) => t.name === "ThrottlingException" && t.isThrottling && t.status === 429);
  summary(door, `Converse → "${result.converse.text.slice(0, 40)}…" (${result.converse.stopReason}), ConverseStream → ${result.stream.events.length} events (${result.stream.stopReason}), unknown model → ${result.unknownModel.name} ${result.unknownModel.status}, limited tenant → ${result.throttled.filter((t) => t.name === "none").length} ok + ${throttled.length} ThrottlingException 429`);
  assert.ok(result.converse.text.length > 0, JSON.stringify(result));
  assert.equal(result.converse.stopReason, "end_turn");
  assert.ok(result.converse.usage.totalTokens > 0);
  assert.ok(result.stream.text.length > 0);
  assert.equal(result.stream.events[0], "messageStart");
  assert.deepEqual(result.stream.events.slice(-3), ["contentBlockStop", "messageStop", "metadata"]);
  assert.ok(result.stream.usage.totalTokens > 0);
  assert.equal(result.unknownModel.name, "ResourceNotFoundException");
  assert.equal(result.unknownModel.status, 404);
  assert.equal(result.throttled.filter((t) => t.name === "none").length, 3, JSON.stringify(result.throttled));
  assert.equal(throttled.length, 2, JSON.stringify(result.throttled));
  // Retry-After on the raw answer: whole seconds until the tenant's window has room.
  assert.ok(throttled.every((t) => /^[1-9][0-9]*$/.test(t.retryAfter)), JSON.stringify(result.throttled));
}

test("AWS SDK with a bearer tenant key: Converse, ConverseStream, ResourceNotFoundException, ThrottlingException", async () => {
  const limited = await createTenant("bedrock-bearer", 3);
  tenants.push(limited.id);
  const result = await runScript("router-bedrock.mjs", {
    ROUTER_URL: routerUrl, MODEL: "claude-sonnet-cris", AUTH: "bearer", AWS_BEARER_TOKEN_BEDROCK: demoKey, THROTTLED_TOKEN: limited.apiKey,
  });

  assertConversation("bedrock bearer", result);
});

test("AWS SDK with SigV4 tenant access keys from the QuotaService: the same, and a wrong secret and a revoked pair refused", async () => {
  const tenant = await createTenant("bedrock-sigv4", 600);
  const limited = await createTenant("bedrock-sigv4-limited", 3);
  tenants.push(tenant.id, limited.id);
  const pair = await issueAccessKey(tenant.id);
  const throttled = await issueAccessKey(limited.id);
  const revoked = await issueAccessKey(tenant.id);
  await revokeAccessKey(tenant.id, revoked.accessKeyId);

  const result = await runScript("router-bedrock.mjs", {
    ROUTER_URL: routerUrl, MODEL: "claude-sonnet-cris", AUTH: "sigv4",
    ACCESS_KEY_ID: pair.accessKeyId, SECRET_ACCESS_KEY: pair.secretAccessKey,
    THROTTLED_ACCESS_KEY_ID: throttled.accessKeyId, THROTTLED_SECRET_ACCESS_KEY: throttled.secretAccessKey,
    REVOKED_ACCESS_KEY_ID: revoked.accessKeyId, REVOKED_SECRET_ACCESS_KEY: revoked.secretAccessKey,
  });

  assertConversation("bedrock sigv4", result);
  summary("bedrock sigv4", `wrong secret → ${result.badSecret.name} ${result.badSecret.status}, revoked pair → ${result.revoked.name} ${result.revoked.status}`);
  assert.equal(result.badSecret.name, "InvalidSignatureException");
  assert.equal(result.badSecret.status, 403);
  assert.equal(result.revoked.name, "UnrecognizedClientException");
  assert.equal(result.revoked.status, 403);
});

test("AWS SDK: the group's first Regions out, Converse succeeds by failover", async () => {
  const bedrock = new BedrockRuntimeClient({
    region: "us-east-1", endpoint: routerUrl, maxAttempts: 1, token: { token: demoKey }, authSchemePreference: ["httpBearerAuth"],
  });
  let headers = {};
  // The SDK keeps the raw answer's headers below its deserializer; the Router's routing headers are there.
  bedrock.middlewareStack.add((next) => async (args) => {
    const result = await next(args);
    headers = result.response.headers;
    return result;
  }, { step: "deserialize", name: "switchyardHeaders" });

  const outcomes = await failover(async () => {
    const answer = await bedrock.send(new ConverseCommand({
      modelId: multiRegionGroup, messages: [{ role: "user", content: [{ text: "Hello through a Region outage" }] }], inferenceConfig: { maxTokens: 16 },
    }));
    assert.ok(answer.output.message.content[0].text.length > 0);
    return { region: headers["x-switchyard-region"], attempts: headers["x-switchyard-attempts"] };
  });

  summary("bedrock", `failover: ${outcomes.map((o) => `${o.region} after ${o.attempts} attempt(s)`).join(", ")}`);
  assert.ok(Number(outcomes.at(-1).attempts) > 1, JSON.stringify(outcomes));
});

/** InvokeModel and InvokeModelWithResponseStream answered for Claude and Nova bodies; a malformed body; 3 of the limited tenant's 5 calls, then 429 ThrottlingException. */
function assertInvocations(door, result) {
  const throttled = result.throttled.filter((t) => t.name === "ThrottlingException" && t.isThrottling && t.status === 429);
  summary(door, `Claude → ${result.claude.model} "${result.claude.text.slice(0, 40)}…" (${result.claude.stopReason}), stream → ${result.claudeStream.types.length} events; Nova → "${result.nova.text.slice(0, 40)}…" (${result.nova.stopReason}), stream → ${result.novaStream.types.length} events; malformed → ${result.malformed.name} ${result.malformed.status}; limited tenant → ${result.throttled.filter((t) => t.name === "none").length} ok + ${throttled.length} ThrottlingException 429`);
  // The Anthropic Messages body in and out, the answer naming the profile that served it.
  assert.equal(result.claude.model, "us.anthropic.claude-sonnet-4-6");
  assert.ok(result.claude.text.length > 0, JSON.stringify(result));
  assert.ok(["end_turn", "max_tokens"].includes(result.claude.stopReason), JSON.stringify(result.claude));
  assert.ok(result.claude.usage.input_tokens > 0 && result.claude.usage.output_tokens > 0);
  assert.equal(result.claudeStream.types[0], "message_start");
  assert.equal(result.claudeStream.types.at(-1), "message_stop");
  assert.ok(result.claudeStream.text.length > 0);
  assert.ok(["end_turn", "max_tokens"].includes(result.claudeStream.stopReason));
  assert.ok(result.claudeStream.metrics.outputTokenCount > 0, JSON.stringify(result.claudeStream.metrics));
  // Nova's messages-v1 body in and out.
  assert.ok(result.nova.text.length > 0, JSON.stringify(result.nova));
  assert.ok(["end_turn", "max_tokens"].includes(result.nova.stopReason));
  assert.ok(result.nova.usage.totalTokens > 0);
  assert.equal(result.novaStream.types[0], "messageStart");
  assert.deepEqual(result.novaStream.types.slice(-3), ["contentBlockStop", "messageStop", "metadata"]);
  assert.ok(result.novaStream.text.length > 0);
  assert.ok(result.novaStream.metrics.outputTokenCount > 0);
  assert.equal(result.malformed.name, "ValidationException");
  assert.equal(result.malformed.status, 400);
  assert.equal(result.throttled.filter((t) => t.name === "none").length, 3, JSON.stringify(result.throttled));
  assert.equal(throttled.length, 2, JSON.stringify(result.throttled));
  // Retry-After on the raw answer: whole seconds until the tenant's window has room.
  assert.ok(throttled.every((t) => /^[1-9][0-9]*$/.test(t.retryAfter)), JSON.stringify(result.throttled));
}

test("AWS SDK InvokeModel and InvokeModelWithResponseStream with a bearer tenant key: Claude and Nova bodies, ValidationException, ThrottlingException", async () => {
  const limited = await createTenant("bedrock-invoke", 3);
  tenants.push(limited.id);
  const result = await runScript("router-bedrock-invoke.mjs", {
    ROUTER_URL: routerUrl, CLAUDE_MODEL: "claude-sonnet-cris", NOVA_MODEL: "nova-lite", AUTH: "bearer", AWS_BEARER_TOKEN_BEDROCK: demoKey, THROTTLED_TOKEN: limited.apiKey,
  });

  assertInvocations("bedrock invoke bearer", result);
});

test("AWS SDK InvokeModel and InvokeModelWithResponseStream with SigV4 tenant access keys: the same", async () => {
  const tenant = await createTenant("bedrock-invoke-sigv4", 600);
  const limited = await createTenant("bedrock-invoke-sigv4-limited", 3);
  tenants.push(tenant.id, limited.id);
  const pair = await issueAccessKey(tenant.id);
  const throttled = await issueAccessKey(limited.id);
  const result = await runScript("router-bedrock-invoke.mjs", {
    ROUTER_URL: routerUrl, CLAUDE_MODEL: "claude-sonnet-cris", NOVA_MODEL: "nova-lite", AUTH: "sigv4",
    ACCESS_KEY_ID: pair.accessKeyId, SECRET_ACCESS_KEY: pair.secretAccessKey,
    THROTTLED_ACCESS_KEY_ID: throttled.accessKeyId, THROTTLED_SECRET_ACCESS_KEY: throttled.secretAccessKey,
  });

  assertInvocations("bedrock invoke sigv4", result);
});

test("Anthropic's Bedrock SDK: messages.create and a stream, with a bearer tenant key and with a SigV4 pair", async () => {
  const tenant = await createTenant("anthropic-bedrock", 600);
  tenants.push(tenant.id);
  const pair = await issueAccessKey(tenant.id);
  for (const [auth, environment] of [
    ["bearer", { API_KEY: tenant.apiKey }],
    ["sigv4", { ACCESS_KEY_ID: pair.accessKeyId, SECRET_ACCESS_KEY: pair.secretAccessKey }],
  ]) {
    const result = await runScript("router-anthropic-bedrock.mjs", { ROUTER_URL: routerUrl, MODEL: "claude-sonnet-cris", AUTH: auth, ...environment });

    summary("anthropic bedrock-sdk", `${auth}: create → ${result.message.model} "${result.message.text.slice(0, 40)}…" (${result.message.stopReason}), stream → ${result.stream.types.length} events (${result.stream.stopReason})`);
    assert.equal(result.message.model, "us.anthropic.claude-sonnet-4-6");
    for (const answer of [result.message, result.stream]) {
      assert.ok(answer.text.length > 0, JSON.stringify(result));
      assert.ok(["end_turn", "max_tokens"].includes(answer.stopReason), JSON.stringify(answer));
      assert.ok(answer.usage.output_tokens > 0);
    }
    assert.equal(result.stream.types[0], "message_start");
    assert.deepEqual(result.stream.types.slice(-2), ["message_delta", "message_stop"]);
  }
});

test('Claude Code on Bedrock: CLAUDE_CODE_USE_BEDROCK=1 claude -p "hello" answers through the Bedrock door', async () => {
  const result = await claudeCode("bedrock");

  summary("claude-code bedrock", `claude -p hello → exit ${result.exitCode}, "${result.stdout.trim().slice(0, 60)}…"`);
  assert.equal(result.exitCode, 0, JSON.stringify(result));
  assert.ok(result.stdout.trim().length > 0, JSON.stringify(result));
});
