// The AWS SDK for JavaScript's Bedrock Runtime client against the Switchyard Router's Bedrock door, changing
// nothing but its endpoint: Converse, ConverseStream, an unknown model, and a tenant over its rate limit.
// Env: ROUTER_URL, MODEL; AUTH "bearer" (the key in AWS_BEARER_TOKEN_BEDROCK, as for Amazon Bedrock API
// keys; THROTTLED_TOKEN for the limited tenant) or "sigv4" (ACCESS_KEY_ID, SECRET_ACCESS_KEY;
// THROTTLED_ACCESS_KEY_ID, THROTTLED_SECRET_ACCESS_KEY); HANDLER "http1" for the Node HTTP/1.1 handler,
// else the SDK's default for bedrock-runtime (HTTP/2, h2c with prior knowledge on http:// URLs).
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ThrottlingException,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const bearer = env("AUTH") === "bearer";
const client = (throttled) => new BedrockRuntimeClient({
  region: "us-east-1",
  endpoint: env("ROUTER_URL"),
  maxAttempts: 1,
  ...(bearer
    ? (throttled ? { token: { token: env("THROTTLED_TOKEN") }, authSchemePreference: ["httpBearerAuth"] } : {})
    : { credentials: throttled
        ? { accessKeyId: env("THROTTLED_ACCESS_KEY_ID"), secretAccessKey: env("THROTTLED_SECRET_ACCESS_KEY") }
        : { accessKeyId: env("ACCESS_KEY_ID"), secretAccessKey: env("SECRET_ACCESS_KEY") } }),
  ...(process.env.HANDLER === "http1" ? { requestHandler: new NodeHttpHandler() } : {}),
});
const bedrock = client(false);
const modelId = env("MODEL");
const messages = [{ role: "user", content: [{ text: "Hello from the AWS SDK for JavaScript" }] }];
// The raw answer hides on the error as $response: its Retry-After is what a caller waits before trying again.
const failure = (e) => ({
  name: e.name, status: e.$metadata?.httpStatusCode, isThrottling: e instanceof ThrottlingException, retryAfter: e.$response?.headers?.["retry-after"] ?? null,
});
const result = {};

const converse = await bedrock.send(new ConverseCommand({ modelId, messages, inferenceConfig: { maxTokens: 32 } }));
result.converse = {
  text: converse.output.message.content[0].text,
  stopReason: converse.stopReason,
  usage: converse.usage,
};

const stream = await bedrock.send(new ConverseStreamCommand({ modelId, messages, inferenceConfig: { maxTokens: 32 } }));
result.stream = { events: [], text: "" };
for await (const event of stream.stream) {
  const [name] = Object.keys(event);
  result.stream.events.push(name);
  if (event.contentBlockDelta) result.stream.text += event.contentBlockDelta.delta.text;
  if (event.messageStop) result.stream.stopReason = event.messageStop.stopReason;
  if (event.metadata) result.stream.usage = event.metadata.usage;
}

try {
  await bedrock.send(new ConverseCommand({ modelId: "no-such-model", messages }));
  result.unknownModel = { name: "none" };
} catch (e) {
  result.unknownModel = failure(e);
}

const limited = client(true);
result.throttled = [];
for (let i = 0; i < 5; i++) {
  try {
    await limited.send(new ConverseCommand({ modelId, messages, inferenceConfig: { maxTokens: 32 } }));
    result.throttled.push({ name: "none" });
  } catch (e) {
    result.throttled.push(failure(e));
  }
}

if (!bearer) {
  // A wrong secret, and a revoked pair (REVOKED_ACCESS_KEY_ID with its once-valid secret).
  const denied = async (credentials) => {
    try {
      await new BedrockRuntimeClient({ region: "us-east-1", endpoint: env("ROUTER_URL"), maxAttempts: 1, credentials })
        .send(new ConverseCommand({ modelId, messages }));
      return { name: "none" };
    } catch (e) {
      return failure(e);
    }
  };
  result.badSecret = await denied({ accessKeyId: env("ACCESS_KEY_ID"), secretAccessKey: "not-the-secret" });
  result.revoked = await denied({ accessKeyId: env("REVOKED_ACCESS_KEY_ID"), secretAccessKey: env("REVOKED_SECRET_ACCESS_KEY") });
}

console.log(JSON.stringify(result));
