// The gateway demos' client: the official OpenAI SDK with base URL http://localhost:4000 (no /v1), the demo's
// key, the SDK's default retries (maxRetries left alone) and a per-request timeout, as the scripts construct it.
import OpenAI from "openai";
import { gatewayUrl, ts } from "./seed.mjs";

export const client = (apiKey) => new OpenAI({ apiKey, baseURL: gatewayUrl });

/** One chat completion as the scripts send it: one user message, no max_tokens, the demo's timeout. */
export async function ask(openai, model, question, timeoutMs, requestId) {
  const started = performance.now();
  try {
    const response = await openai.chat.completions.create({ model, messages: [{ role: "user", content: question }] }, { timeout: timeoutMs });
    const seconds = (performance.now() - started) / 1000;
    return { requestId, success: true, model: response.model ?? "unknown", seconds, content: response.choices[0]?.message?.content ?? "" };
  } catch (e) {
    const seconds = (performance.now() - started) / 1000;
    const error = e instanceof OpenAI.RateLimitError ? "RateLimitError" : e instanceof OpenAI.APIError ? `APIError ${e.status ?? ""}` : String(e);
    console.log(`[${ts()}] Request #${String(requestId).padStart(2)} → ${error} after ${seconds.toFixed(2)}s`);
    return { requestId, success: false, error, seconds };
  }
}

/** Starts one request per question, `staggerMs` apart (threads started in a loop with time.sleep between). */
export async function staggered(questions, staggerMs, send) {
  const pending = [];
  for (const [index, question] of questions.entries()) {
    pending.push(send(index + 1, question));
    await new Promise((resolve) => setTimeout(resolve, staggerMs));
  }
  return Promise.all(pending);
}

/** The scripts' "Model Distribution" lines. */
export function modelDistribution(results) {
  const counts = {};
  for (const r of results.filter((r) => r.success)) counts[r.model] = (counts[r.model] ?? 0) + 1;
  const successful = results.filter((r) => r.success).length;
  for (const model of Object.keys(counts).sort()) {
    const label = model.toLowerCase().includes("haiku") ? "FALLBACK" : "PRIMARY ";
    console.log(`  ${label} ${model.padEnd(50)} : ${String(counts[model]).padStart(2)} requests (${(counts[model] / successful * 100).toFixed(1).padStart(5)}%)`);
  }
  return counts;
}
