// Anthropic's Bedrock SDK (@anthropic-ai/bedrock-sdk) against the Switchyard Router's Bedrock door, changing
// nothing but its base URL: messages.create and a stream through InvokeModel / InvokeModelWithResponseStream.
// Env: ROUTER_URL, MODEL; AUTH "bearer" (API_KEY: a tenant key, sent as Amazon Bedrock API keys are) or
// "sigv4" (ACCESS_KEY_ID, SECRET_ACCESS_KEY: a tenant access key pair).
import { AnthropicBedrock } from "@anthropic-ai/bedrock-sdk";

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const client = new AnthropicBedrock({
  baseURL: env("ROUTER_URL"),
  awsRegion: "us-east-1",
  maxRetries: 0,
  ...(env("AUTH") === "bearer"
    ? { apiKey: env("API_KEY") }
    : { apiKey: null, awsAccessKey: env("ACCESS_KEY_ID"), awsSecretKey: env("SECRET_ACCESS_KEY") }),
});
const request = {
  model: env("MODEL"),
  max_tokens: 32,
  system: "be brief",
  messages: [{ role: "user", content: "Hello from the Anthropic Bedrock SDK" }],
};

const result = {};
const message = await client.messages.create(request);
result.message = { text: message.content[0].text, stopReason: message.stop_reason, usage: message.usage, model: message.model };

const stream = client.messages.stream(request);
const types = [];
stream.on("streamEvent", (event) => types.push(event.type));
const final = await stream.finalMessage();
result.stream = { types, text: final.content[0].text, stopReason: final.stop_reason, usage: final.usage };

console.log(JSON.stringify(result));
