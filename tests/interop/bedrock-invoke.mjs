// Calls the emulator's InvokeModel and InvokeModelWithResponseStream with the AWS SDK for JavaScript:
// Claude (through an inference profile, with the SDK's default content type) and Nova, both streamed,
// an invalid body, a content type that is not JSON, a throttled model and a cut stream. Prints one JSON object.
// Env: BEDROCK_ENDPOINT (the us-east-1 endpoint), ACCESS_KEY_ID, SECRET_ACCESS_KEY, THROTTLED_MODEL, CUT_MODEL.
import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ThrottlingException,
  ValidationException,
  ModelStreamErrorException,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const bedrock = new BedrockRuntimeClient({
  region: "us-east-1",
  endpoint: env("BEDROCK_ENDPOINT"),
  credentials: { accessKeyId: env("ACCESS_KEY_ID"), secretAccessKey: env("SECRET_ACCESS_KEY") },
  maxAttempts: 1,
  // The client speaks HTTP/2 by default (TLS + ALPN on AWS); the emulator's cleartext endpoints speak HTTP/1.1.
  requestHandler: new NodeHttpHandler(),
});
const prompt = "Name three rivers in Europe.";
const claudeBody = (maxTokens) => JSON.stringify({
  anthropic_version: "bedrock-2023-05-31",
  max_tokens: maxTokens,
  messages: [{ role: "user", content: prompt }],
});
const novaBody = (maxTokens) => JSON.stringify({
  messages: [{ role: "user", content: [{ text: prompt }] }],
  inferenceConfig: { maxTokens },
});
const decode = (bytes) => JSON.parse(new TextDecoder().decode(bytes));
const failure = (e) => ({
  name: e.name,
  status: e.$metadata?.httpStatusCode,
  message: e.message,
  isValidation: e instanceof ValidationException,
  isThrottling: e instanceof ThrottlingException,
  isStreamError: e instanceof ModelStreamErrorException,
});
const attempt = async (call) => { try { await call(); return { name: "none" }; } catch (e) { return failure(e); } };

const result = {};

// As the reference sample calls it: no contentType, so the SDK sends application/octet-stream.
const claude = await bedrock.send(new InvokeModelCommand({ modelId: "us.anthropic.claude-sonnet-4-6", body: claudeBody(100) }));
const message = decode(claude.body);
result.claude = {
  contentType: claude.contentType,
  id: message.id,
  model: message.model,
  text: message.content[0].text,
  stopReason: message.stop_reason,
  usage: message.usage,
};

const nova = await bedrock.send(new InvokeModelCommand({
  modelId: "amazon.nova-lite-v1:0", contentType: "application/json", accept: "application/json", body: novaBody(8),
}));
const novaAnswer = decode(nova.body);
result.nova = { text: novaAnswer.output.message.content[0].text, stopReason: novaAnswer.stopReason, usage: novaAnswer.usage };

const claudeStream = await bedrock.send(new InvokeModelWithResponseStreamCommand({
  modelId: "anthropic.claude-sonnet-4-6", contentType: "application/json", accept: "application/json", body: claudeBody(10),
}));
result.claudeStream = { contentType: claudeStream.contentType, events: [], text: "" };
for await (const event of claudeStream.body) {
  const chunk = decode(event.chunk.bytes);
  result.claudeStream.events.push(chunk.type);
  if (chunk.type === "content_block_delta") result.claudeStream.text += chunk.delta.text;
  if (chunk.type === "message_delta") { result.claudeStream.stopReason = chunk.delta.stop_reason; result.claudeStream.outputTokens = chunk.usage.output_tokens; }
  if (chunk.type === "message_stop") result.claudeStream.metrics = chunk["amazon-bedrock-invocationMetrics"];
}

const novaStream = await bedrock.send(new InvokeModelWithResponseStreamCommand({ modelId: "amazon.nova-lite-v1:0", body: novaBody(8) }));
result.novaStream = { events: [], text: "" };
for await (const event of novaStream.body) {
  const chunk = decode(event.chunk.bytes);
  result.novaStream.events.push(Object.keys(chunk)[0]);
  if (chunk.contentBlockDelta) result.novaStream.text += chunk.contentBlockDelta.delta.text;
  if (chunk.messageStop) result.novaStream.stopReason = chunk.messageStop.stopReason;
  if (chunk.metadata) { result.novaStream.usage = chunk.metadata.usage; result.novaStream.metrics = chunk["amazon-bedrock-invocationMetrics"]; }
}

result.invalid = await attempt(() => bedrock.send(new InvokeModelCommand({
  modelId: "anthropic.claude-sonnet-4-6", body: JSON.stringify({ max_tokens: 10, messages: [{ role: "user", content: prompt }] }),
})));

result.notJson = await attempt(() => bedrock.send(new InvokeModelCommand({
  modelId: "anthropic.claude-sonnet-4-6", contentType: "text/plain", body: claudeBody(10),
})));

result.throttled = await attempt(() => bedrock.send(new InvokeModelCommand({ modelId: env("THROTTLED_MODEL"), body: novaBody(10) })));

result.cut = { chunks: 0 };
Object.assign(result.cut, await attempt(async () => {
  const cut = await bedrock.send(new InvokeModelWithResponseStreamCommand({ modelId: env("CUT_MODEL"), body: claudeBody(100) }));
  for await (const event of cut.body) {
    if (event.chunk) result.cut.chunks++;
  }
}));

console.log(JSON.stringify(result));
