// The reference sample's quota demo, as its script calls the gateway: the official openai client with
// a base URL without /v1, its default retries (2) and a 10 s timeout, several requests at once.
// Env: ROUTER_URL, MODEL, API_KEY, REQUESTS. Prints one JSON document: each request's outcome and
// how long it took, and how many HTTP requests the client sent in all (retries included).
import OpenAI from "openai";

let fetches = 0;
const client = new OpenAI({
  baseURL: process.env.ROUTER_URL,
  apiKey: process.env.API_KEY,
  timeout: 10_000,
  fetch: (url, init) => {
    fetches++;
    return fetch(url, init);
  },
});

const requests = Array.from({ length: Number(process.env.REQUESTS) }, async () => {
  const started = performance.now();
  try {
    const completion = await client.chat.completions.create({
      model: process.env.MODEL,
      messages: [{ role: "user", content: "Hello from the quota demo" }],
    });
    return { ok: true, content: completion.choices[0].message.content, elapsedMs: performance.now() - started };
  } catch (e) {
    return {
      ok: false,
      error: e.constructor.name,
      rateLimitError: e instanceof OpenAI.RateLimitError,
      status: e.status ?? null,
      code: e.code ?? null,
      retryAfter: e.headers?.get("retry-after") ?? null,
      shouldRetry: e.headers?.get("x-should-retry") ?? null,
      elapsedMs: performance.now() - started,
    };
  }
});

console.log(JSON.stringify({ results: await Promise.all(requests), fetches }));
