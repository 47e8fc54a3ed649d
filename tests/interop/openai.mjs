// Calls the emulator's OpenAI-compatible endpoint with the openai client: a completion, a stream with
// usage, and a model the test has put under a throttle storm. Prints one JSON object.
// Env: OPENAI_BASE_URL (…/v1), OPENAI_API_KEY, THROTTLED_MODEL.
import OpenAI from "openai";

const openai = new OpenAI({ maxRetries: 0 });
const messages = [{ role: "user", content: "Name three rivers in Europe." }];
const result = {};

const completion = await openai.chat.completions.create({ model: "amazon.nova-pro-v1:0", messages, max_tokens: 300 });
result.completion = {
  text: completion.choices[0].message.content,
  finishReason: completion.choices[0].finish_reason,
  model: completion.model,
  usage: completion.usage,
};

const stream = await openai.chat.completions.create({
  model: "gpt-4o-mini", messages, max_tokens: 7, stream: true, stream_options: { include_usage: true },
});
result.stream = { chunks: 0, text: "" };
for await (const chunk of stream) {
  result.stream.chunks++;
  const choice = chunk.choices[0];
  if (choice?.delta?.content) result.stream.text += choice.delta.content;
  if (choice?.finish_reason) result.stream.finishReason = choice.finish_reason;
  if (chunk.usage) result.stream.usage = chunk.usage;
}

try {
  await openai.chat.completions.create({ model: process.env.THROTTLED_MODEL, messages });
  result.throttled = { name: "none" };
} catch (e) {
  result.throttled = { name: e.constructor.name, status: e.status, code: e.code, isRateLimit: e instanceof OpenAI.RateLimitError };
}

const models = await openai.models.list();
result.models = models.data.map((m) => m.id);

console.log(JSON.stringify(result));
