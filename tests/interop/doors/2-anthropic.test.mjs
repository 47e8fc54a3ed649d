// The Anthropic Messages door through the running topology with @anthropic-ai/sdk (router-anthropic.mjs):
// messages, a stream, count_tokens, a tool call and its tool-result turn, a stream the emulator cuts mid-way,
// failover when the group's first Regions are out, a tenant over its limit; and Claude Code (claude-code.mjs).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { claudeCode, createTenant, deleteTenant, demoKey, failover, multiRegionGroup, routerUrl, runScript, summary, withFaults } from "./topology.mjs";

const tenants = [];
after(() => Promise.all(tenants.map(deleteTenant)));

const anthropic = (scenario, environment) => runScript("router-anthropic.mjs", { ROUTER_URL: routerUrl, API_KEY: demoKey, SCENARIO: scenario, ...environment });

test("anthropic SDK: create, stream, count_tokens, an unknown group's not_found_error", async () => {
  const result = await anthropic("basics", { MODEL: "claude-sonnet-cris" });

  summary("anthropic", `create → ${result.message.model} "${result.message.text.slice(0, 40)}…" (${result.message.stopReason}), stream → ${result.stream.events.length} events, count_tokens → ${result.countTokens}, unknown group → ${result.notFound?.status} ${result.notFound?.type}`);
  assert.equal(result.message.model, "us.anthropic.claude-sonnet-4-6");
  assert.ok(result.message.text.length > 0);
  assert.ok(result.message.usage.input_tokens > 0);
  assert.ok(result.stream.text.length > 0);
  assert.equal(result.stream.events[0], "message_start");
  assert.equal(result.stream.events.at(-1), "message_stop");
  assert.ok(result.stream.events.includes("content_block_delta"));
  assert.ok(result.stream.usage.output_tokens > 0);
  assert.ok(result.countTokens > 0);
  assert.equal(result.notFound?.status, 404);
  assert.equal(result.notFound.type, "not_found_error");
});

test("anthropic SDK: a tool call, then the tool-result turn", async () => {
  // The emulator calls a tool only when the request names it, as tool_choice does.
  const result = await anthropic("tools", { MODEL: "claude-sonnet-cris", FORCE_TOOL: "1" });

  summary("anthropic", `tools → ${result.first.call.name}(${JSON.stringify(result.first.call.input)}) (${result.first.stopReason}), after the tool result → "${result.second.text.slice(0, 40)}…" (${result.second.stopReason})`);
  assert.equal(result.first.stopReason, "tool_use");
  assert.equal(result.first.call.name, "weather");
  assert.equal(typeof result.first.call.input.city, "string");
  // After the tool's result the model answers in text (the emulator's answers run to max_tokens 64 or end there).
  assert.ok(["end_turn", "max_tokens"].includes(result.second.stopReason), JSON.stringify(result.second));
  assert.deepEqual(result.second.blocks, ["text"]);
  assert.ok(result.second.text.length > 0);
});

test("anthropic SDK: a stream cut by the upstream ends in an error event after the text so far", async () => {
  // Aimed at the nova-lite group's model only: no other group's streams are cut meanwhile.
  const result = await withFaults([{ kind: "stream-cut", model: "amazon.nova-lite-v1:0", afterEvents: 4 }],
    () => anthropic("cut", { MODEL: "nova-lite" }));

  summary("anthropic", `stream cut → completed ${result.completed}, ${result.text.length} characters, then ${result.error?.name} ${result.error?.type}`);
  assert.equal(result.completed, false, JSON.stringify(result));
  assert.ok(result.text.length > 0);
  assert.equal(result.error.type, "api_error");
});

test("anthropic SDK: the group's first Regions out, the request succeeds by failover", async () => {
  const outcomes = await failover(async () => {
    const result = await anthropic("failover", { MODEL: multiRegionGroup });
    assert.ok(result.message.text.length > 0);
    return { region: result.region, attempts: result.attempts };
  });

  summary("anthropic", `failover: ${outcomes.map((o) => `${o.region} after ${o.attempts} attempt(s)`).join(", ")}`);
  assert.ok(Number(outcomes.at(-1).attempts) > 1, JSON.stringify(outcomes));
});

test("anthropic SDK: a tenant over its limit gets RateLimitError 429 rate_limit_error with retry-after", async () => {
  const tenant = await createTenant("anthropic", 3);
  tenants.push(tenant.id);
  const result = await anthropic("rate-limit", { MODEL: "claude-sonnet-cris", API_KEY: tenant.apiKey });

  const [ok, limited] = [result.results.slice(0, 3), result.results[3]];
  summary("anthropic", `rate limit: ${ok.filter((r) => r.ok).length} ok, then ${limited.name} ${limited.status} ${limited.type} retry-after ${limited.retryAfter}`);
  assert.ok(ok.every((r) => r.ok), JSON.stringify(result));
  assert.equal(limited.ok, false);
  assert.ok(limited.rateLimitError, JSON.stringify(limited));
  assert.equal(limited.status, 429);
  assert.equal(limited.type, "rate_limit_error");
  assert.ok(Number(limited.retryAfter) > 0);
});

test('Claude Code: claude -p "hello" answers through the Messages door', async () => {
  const result = await claudeCode("messages");

  summary("claude-code", `claude -p hello → exit ${result.exitCode}, "${result.stdout.trim().slice(0, 60)}…"`);
  assert.equal(result.exitCode, 0, JSON.stringify(result));
  assert.ok(result.stdout.trim().length > 0, JSON.stringify(result));
});
