// The AWS SDK for JavaScript's InvokeModel and InvokeModelWithResponseStream against the Switchyard Router's
// Bedrock door, changing nothing but its endpoint: a Claude group (Anthropic Messages bodies) and a Nova group
// (messages-v1 bodies), streamed and not, a malformed body, and a tenant over its rate limit.
// Env: ROUTER_URL, CLAUDE_MODEL, NOVA_MODEL; AUTH "bearer" (the default: AWS_BEARER_TOKEN_BEDROCK holds a tenant
// key, which the SDK sends as a bearer token as for Amazon Bedrock API keys; THROTTLED_TOKEN the limited
// tenant's key) or "sigv4" (ACCESS_KEY_ID, SECRET_ACCESS_KEY; THROTTLED_ACCESS_KEY_ID, THROTTLED_SECRET_ACCESS_KEY).
import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const sigv4 = process.env.AUTH === "sigv4";
const client = (throttled) => new BedrockRuntimeClient({
  region: "us-east-1",
  endpoint: env("ROUTER_URL"),
  maxAttempts: 1,
  ...(sigv4
    ? { credentials: throttled
        ? { accessKeyId: env("THROTTLED_ACCESS_KEY_ID"), secretAccessKey: env("THROTTLED_SECRET_ACCESS_KEY") }
        : { accessKeyId: env("ACCESS_KEY_ID"), secretAccessKey: env("SECRET_ACCESS_KEY") } }
    : (throttled ? { token: { token: env("THROTTLED_TOKEN") }, authSchemePreference: ["httpBearerAuth"] } : {})),
});
const bedrock = client(false);
const failure = (e) => ({
  name: e.name,
  status: e.$metadata?.httpStatusCode,
  isThrottling: e instanceof ThrottlingException,
  isValidation: e instanceof ValidationException,
  retryAfter: e.$response?.headers?.["retry-after"] ?? null,
});
const json = (body) => ({ contentType: "application/json", accept: "application/json", body: JSON.stringify(body) });
const decode = (bytes) => JSON.parse(new TextDecoder().decode(bytes));

const claudeBody = {
  anthropic_version: "bedrock-2023-05-31",
  max_tokens: 32,
  system: "be brief",
  messages: [{ role: "user", content: "Hello from the AWS SDK for JavaScript" }],
};
const novaBody = {
  schemaVersion: "messages-v1",
  system: [{ text: "be brief" }],
  messages: [{ role: "user", content: [{ text: "Hello from the AWS SDK for JavaScript" }] }],
  inferenceConfig: { max_new_tokens: 32 },
};

const streamed = async (modelId, body) => {
  const response = await bedrock.send(new InvokeModelWithResponseStreamCommand({ modelId, ...json(body) }));
  const events = [];
  for await (const event of response.body) {
    if (event.chunk) events.push(decode(event.chunk.bytes));
  }
  return events;
};

const result = {};
const claude = decode((await bedrock.send(new InvokeModelCommand({ modelId: env("CLAUDE_MODEL"), ...json(claudeBody) }))).body);
result.claude = { text: claude.content[0].text, stopReason: claude.stop_reason, usage: claude.usage, model: claude.model };

const claudeEvents = await streamed(env("CLAUDE_MODEL"), claudeBody);
result.claudeStream = {
  types: claudeEvents.map((e) => e.type),
  text: claudeEvents.filter((e) => e.type === "content_block_delta").map((e) => e.delta.text).join(""),
  stopReason: claudeEvents.find((e) => e.type === "message_delta")?.delta.stop_reason,
  metrics: claudeEvents.at(-1)["amazon-bedrock-invocationMetrics"],
};

const nova = decode((await bedrock.send(new InvokeModelCommand({ modelId: env("NOVA_MODEL"), ...json(novaBody) }))).body);
result.nova = { text: nova.output.message.content[0].text, stopReason: nova.stopReason, usage: nova.usage };

const novaEvents = await streamed(env("NOVA_MODEL"), novaBody);
result.novaStream = {
  types: novaEvents.map((e) => Object.keys(e)[0]),
  text: novaEvents.filter((e) => e.contentBlockDelta).map((e) => e.contentBlockDelta.delta.text).join(""),
  stopReason: novaEvents.find((e) => e.messageStop)?.messageStop.stopReason,
  metrics: novaEvents.at(-1)["amazon-bedrock-invocationMetrics"],
};

try {
  await bedrock.send(new InvokeModelCommand({ modelId: env("CLAUDE_MODEL"), ...json({ max_tokens: 32, messages: [] }) }));
  result.malformed = { name: "none" };
} catch (e) {
  result.malformed = failure(e);
}

const limited = client(true);
result.throttled = [];
for (let i = 0; i < 5; i++) {
  try {
    await limited.send(new InvokeModelCommand({ modelId: env("CLAUDE_MODEL"), ...json(claudeBody) }));
    result.throttled.push({ name: "none" });
  } catch (e) {
    result.throttled.push(failure(e));
  }
}

console.log(JSON.stringify(result));
