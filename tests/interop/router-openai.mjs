// The openai npm client against the Switchyard Router, changing nothing but its base URL.
// Env: ROUTER_URL, MODEL, API_KEY. Prints one JSON document with what the client parsed.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: `${process.env.ROUTER_URL}/v1`, apiKey: process.env.API_KEY, maxRetries: 0 });
const messages = [{ role: "user", content: "Hello from the openai npm client" }];

const completion = await client.chat.completions.create({ model: process.env.MODEL, messages, max_tokens: 32 });

let streamed = "";
let streamUsage = null;
let finishReason = null;
const stream = await client.chat.completions.create({
  model: process.env.MODEL, messages, max_tokens: 32, stream: true, stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? "";
  finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
  streamUsage = chunk.usage ?? streamUsage;
}

let error = null;
try {
  await client.chat.completions.create({ model: "no-such-group", messages });
} catch (e) {
  error = { status: e.status, type: e.type ?? e.error?.type, code: e.code ?? e.error?.code };
}

const models = (await client.models.list()).data.map((m) => m.id);

console.log(JSON.stringify({
  completion: { model: completion.model, content: completion.choices[0].message.content, finishReason: completion.choices[0].finish_reason, totalTokens: completion.usage?.total_tokens },
  stream: { content: streamed, finishReason, totalTokens: streamUsage?.total_tokens ?? null },
  error,
  models,
}));
