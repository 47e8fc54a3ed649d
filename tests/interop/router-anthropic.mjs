// The @anthropic-ai/sdk npm client against the Switchyard Router's Messages door, changing nothing but its
// base URL. Env: ROUTER_URL, MODEL, API_KEY, SCENARIO (basics | tools | rate-limit | cut | failover); FORCE_TOOL=1
// makes the tools scenario's first call name its tool in tool_choice (a model that answers tools only when told to).
// Prints one JSON document with what the client parsed.
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ baseURL: process.env.ROUTER_URL, apiKey: process.env.API_KEY, maxRetries: 0 });
const model = process.env.MODEL;
const messages = [{ role: "user", content: "Hello from the anthropic npm client" }];

const errorOf = (e) => ({ status: e.status ?? null, type: e.type ?? null, name: e.constructor.name, retryAfter: e.headers?.get?.("retry-after") ?? null, message: e.message });
const summary = (m) => ({ model: m.model, text: m.content.filter((b) => b.type === "text").map((b) => b.text).join(""), stopReason: m.stop_reason, usage: m.usage, blocks: m.content.map((b) => b.type) });

async function basics() {
  const message = await client.messages.create({ model, max_tokens: 64, messages, system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }], temperature: 0.5, top_k: 10, stop_sequences: ["END"], metadata: { user_id: "u-1" } });
  const stream = client.messages.stream({ model, max_tokens: 64, messages });
  const events = [];
  stream.on("streamEvent", (event) => events.push(event.type));
  const streamed = await stream.finalMessage();
  const counted = await client.messages.countTokens({ model, messages });
  let notFound = null;
  try {
    await client.messages.create({ model: "no-such-group", max_tokens: 8, messages });
  } catch (e) {
    notFound = errorOf(e);
  }
  return { message: summary(message), stream: { ...summary(streamed), events }, countTokens: counted.input_tokens, notFound };
}

async function tools() {
  const weather = { name: "weather", description: "Weather by city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };
  const tool_choice = process.env.FORCE_TOOL === "1" ? { type: "tool", name: weather.name } : undefined;
  const first = await client.messages.create({ model, max_tokens: 64, tools: [weather], tool_choice, messages: [{ role: "user", content: "Weather in Paris?" }] });
  const call = first.content.find((b) => b.type === "tool_use");
  const second = await client.messages.create({
    model, max_tokens: 64, tools: [weather],
    messages: [
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "sunny, 24 C" }] },
    ],
  });
  return { first: { ...summary(first), call: { id: call.id, name: call.name, input: call.input } }, second: summary(second) };
}

async function rateLimit() {
  const results = [];
  for (let i = 0; i < 4; i++) {
    try {
      const m = await client.messages.create({ model, max_tokens: 8, messages });
      results.push({ ok: true, text: summary(m).text });
    } catch (e) {
      results.push({ ok: false, rateLimitError: e instanceof Anthropic.RateLimitError, ...errorOf(e) });
    }
  }
  return { results };
}

async function cut() {
  const stream = client.messages.stream({ model, max_tokens: 64, messages });
  let text = "";
  stream.on("text", (delta) => { text += delta; });
  try {
    await stream.finalMessage();
    return { completed: true, text };
  } catch (e) {
    return { completed: false, text, error: errorOf(e) };
  }
}

async function failover() {
  const { data, response } = await client.messages.create({ model, max_tokens: 16, messages }).withResponse();
  return { message: summary(data), region: response.headers.get("x-switchyard-region"), attempts: response.headers.get("x-switchyard-attempts") };
}

const scenarios = { basics, tools, "rate-limit": rateLimit, cut, failover };
console.log(JSON.stringify(await scenarios[process.env.SCENARIO]()));
