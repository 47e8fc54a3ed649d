// Calls the emulator with the AWS SDK for JavaScript: Converse, ConverseStream through an inference
// profile, a bad secret, and a model the test has put under a throttle storm. Prints one JSON object.
// Env: BEDROCK_ENDPOINT (the us-east-1 endpoint), ACCESS_KEY_ID, SECRET_ACCESS_KEY, THROTTLED_MODEL.
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ThrottlingException,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const client = (secretAccessKey) => new BedrockRuntimeClient({
  region: "us-east-1",
  endpoint: env("BEDROCK_ENDPOINT"),
  credentials: { accessKeyId: env("ACCESS_KEY_ID"), secretAccessKey },
  maxAttempts: 1,
  // HTTP/1.1 on purpose, the Router's protocol; aws-services.mjs covers the default handler (HTTP/2, h2c here).
  requestHandler: new NodeHttpHandler(),
});
const bedrock = client(env("SECRET_ACCESS_KEY"));
const messages = [{ role: "user", content: [{ text: "Name three rivers in Europe." }] }];
const failure = (e) => ({ name: e.name, status: e.$metadata?.httpStatusCode, message: e.message, isThrottling: e instanceof ThrottlingException });

const result = {};

const converse = await bedrock.send(new ConverseCommand({
  modelId: "anthropic.claude-haiku-4-5-20251001-v1:0",
  messages,
  inferenceConfig: { maxTokens: 500 },
}));
result.converse = {
  text: converse.output.message.content[0].text,
  role: converse.output.message.role,
  stopReason: converse.stopReason,
  usage: converse.usage,
  latencyMs: converse.metrics?.latencyMs,
};

const stream = await bedrock.send(new ConverseStreamCommand({
  modelId: "us.anthropic.claude-sonnet-4-6",
  messages,
  inferenceConfig: { maxTokens: 10 },
}));
result.stream = { events: [], text: "" };
for await (const event of stream.stream) {
  const [name] = Object.keys(event);
  result.stream.events.push(name);
  if (event.contentBlockDelta) result.stream.text += event.contentBlockDelta.delta.text;
  if (event.messageStop) result.stream.stopReason = event.messageStop.stopReason;
  if (event.metadata) { result.stream.usage = event.metadata.usage; result.stream.latencyMs = event.metadata.metrics.latencyMs; }
}

try {
  await client("not-the-secret").send(new ConverseCommand({ modelId: "amazon.nova-lite-v1:0", messages }));
  result.badSignature = { name: "none" };
} catch (e) {
  result.badSignature = failure(e);
}

try {
  await bedrock.send(new ConverseCommand({ modelId: env("THROTTLED_MODEL"), messages }));
  result.throttled = { name: "none" };
} catch (e) {
  result.throttled = failure(e);
}

console.log(JSON.stringify(result));
