// The OpenAI door through the running topology with the official openai SDK: an image part and response_format
// (router-openai-structured.mjs), a tool call whole and streamed with its tool-result turn, failover when the group's
// first Regions are out, and a tenant over its limit (router-openai-rate-limits.mjs, the reference sample's quota
// demo client).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import OpenAI from "openai";
import { createTenant, deleteTenant, demoKey, failover, multiRegionGroup, routerUrl, runScript, summary } from "./topology.mjs";

const tenants = [];
after(() => Promise.all(tenants.map(deleteTenant)));

test("openai SDK: an image part with json_schema, a streamed json_object, an invalid image's 400", async () => {
  // A real PNG of the repository's, sent as a data URL.
  const png = readFileSync(new URL("../../../docs/images/bench-goodput.png", import.meta.url));
  const result = await runScript("router-openai-structured.mjs", {
    ROUTER_URL: routerUrl, MODEL: "claude-sonnet-cris", API_KEY: demoKey, IMAGE_BASE64: png.toString("base64"),
  });

  summary("openai", `json_schema → ${JSON.stringify(result.completion.parsed)} (${result.completion.finishReason}), json_object stream → ${JSON.stringify(result.stream.parsed)}, bad image → ${result.error?.status} ${result.error?.code}`);
  assert.equal(typeof result.completion.parsed.subject, "string", JSON.stringify(result));
  assert.deepEqual(Object.keys(result.completion.parsed), ["subject"]);
  assert.equal(result.completion.finishReason, "stop");
  assert.equal(result.completion.requestId, "interop-1");
  assert.equal(typeof result.stream.parsed, "object");
  assert.equal(result.stream.finishReason, "stop");
  assert.equal(result.error?.status, 400);
  assert.equal(result.error.code, "invalid_image");
  assert.equal(result.error.param, "messages[0].content[0].image_url.url");
});

test("openai SDK: the group's first Regions out, the request succeeds by failover", async () => {
  const client = new OpenAI({ baseURL: `${routerUrl}/v1`, apiKey: demoKey, maxRetries: 0 });
  const outcomes = await failover(async () => {
    const { data, response } = await client.chat.completions
      .create({ model: multiRegionGroup, messages: [{ role: "user", content: "Hello through a Region outage" }], max_tokens: 16 })
      .withResponse();
    assert.ok(data.choices[0].message.content.length > 0);
    return { region: response.headers.get("x-switchyard-region"), attempts: response.headers.get("x-switchyard-attempts") };
  });

  summary("openai", `failover: ${outcomes.map((o) => `${o.region} after ${o.attempts} attempt(s)`).join(", ")}`);
  assert.ok(Number(outcomes.at(-1).attempts) > 1, JSON.stringify(outcomes));
});

test("openai SDK: a tenant over its limit gets RateLimitError 429 with retry-after", async () => {
  const tenant = await createTenant("openai", 3);
  tenants.push(tenant.id);
  const result = await runScript("router-openai-rate-limits.mjs", {
    ROUTER_URL: routerUrl, MODEL: "claude-sonnet-cris", API_KEY: tenant.apiKey, REQUESTS: "5",
  });

  const limited = result.results.filter((r) => !r.ok);
  summary("openai", `rate limit: ${result.results.length - limited.length} ok, ${limited.length} × ${[...new Set(limited.map((r) => `${r.error} ${r.status} ${r.code}`))].join(", ")}, ${result.fetches} HTTP requests`);
  assert.equal(result.results.filter((r) => r.ok).length, 3, JSON.stringify(result));
  assert.equal(limited.length, 2);
  for (const r of limited) {
    assert.ok(r.rateLimitError, JSON.stringify(r));
    assert.equal(r.status, 429);
    assert.ok(Number(r.retryAfter) > 0, JSON.stringify(r));
  }
});

test("openai SDK: a tool call, whole and streamed, then the tool-result turn", async () => {
  // A group served by Bedrock Regions: the emulator calls a tool only when the request names it, as tool_choice does.
  const client = new OpenAI({ baseURL: `${routerUrl}/v1`, apiKey: demoKey, maxRetries: 0 });
  const weather = {
    type: "function",
    function: { name: "weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  };
  const ask = { role: "user", content: "Weather in Paris?" };
  const request = { model: "claude-sonnet-cris", max_tokens: 64, tools: [weather], tool_choice: { type: "function", function: { name: "weather" } }, messages: [ask] };

  const whole = await client.chat.completions.create(request);
  // The SDK's stream helper assembles the tool call from its deltas by index, as an application's would.
  const streamed = await client.chat.completions.stream(request).finalChatCompletion();
  const call = whole.choices[0].message.tool_calls?.[0];
  const streamedCall = streamed.choices[0].message.tool_calls?.[0];
  const answer = await client.chat.completions.create({
    model: "claude-sonnet-cris", max_tokens: 64, tools: [weather],
    messages: [ask, whole.choices[0].message, { role: "tool", tool_call_id: call.id, content: "sunny, 24 C" }],
  });

  summary("openai", `tools → ${call?.function.name}(${call?.function.arguments}) (${whole.choices[0].finish_reason}), streamed → ${streamedCall?.function.name}(${streamedCall?.function.arguments}) (${streamed.choices[0].finish_reason}), after the tool result → "${answer.choices[0].message.content?.slice(0, 40)}…" (${answer.choices[0].finish_reason})`);
  for (const [completion, toolCall] of [[whole, call], [streamed, streamedCall]]) {
    assert.equal(completion.choices[0].finish_reason, "tool_calls", JSON.stringify(completion));
    assert.equal(toolCall.type, "function");
    assert.ok(toolCall.id.length > 0);
    assert.equal(toolCall.function.name, "weather");
    assert.equal(typeof JSON.parse(toolCall.function.arguments).city, "string");
  }

  assert.ok(answer.choices[0].message.content.length > 0, JSON.stringify(answer));
  assert.ok(["stop", "length"].includes(answer.choices[0].finish_reason), JSON.stringify(answer));
});
