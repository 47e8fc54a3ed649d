// The openai npm client sending an image part and a response_format through the Switchyard Router.
// Env: ROUTER_URL, MODEL, API_KEY, IMAGE_BASE64 (a png). Prints one JSON document with what the client parsed.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: `${process.env.ROUTER_URL}/v1`, apiKey: process.env.API_KEY, maxRetries: 0 });
const messages = [{
  role: "user",
  content: [
    { type: "text", text: "What is in this picture?" },
    { type: "image_url", image_url: { url: `data:image/png;base64,${process.env.IMAGE_BASE64}`, detail: "low" } },
  ],
}];
const response_format = {
  type: "json_schema",
  json_schema: {
    name: "picture",
    description: "what the picture shows",
    strict: true,
    schema: { type: "object", properties: { subject: { type: "string" } }, required: ["subject"], additionalProperties: false },
  },
};

const completion = await client.chat.completions.create({ model: process.env.MODEL, messages, response_format, max_tokens: 64 }, { headers: { "x-request-id": "interop-1" } })
  .withResponse();

let streamed = "";
let finishReason = null;
const stream = await client.chat.completions.create({ model: process.env.MODEL, messages, response_format: { type: "json_object" }, stream: true });
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? "";
  finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
}

let error = null;
try {
  await client.chat.completions.create({
    model: process.env.MODEL,
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,bm90IGFuIGltYWdl" } }] }],
  });
} catch (e) {
  error = { status: e.status, code: e.code ?? e.error?.code, param: e.param ?? e.error?.param, requestId: e.headers?.get?.("x-request-id") ?? null };
}

console.log(JSON.stringify({
  completion: {
    parsed: JSON.parse(completion.data.choices[0].message.content),
    finishReason: completion.data.choices[0].finish_reason,
    requestId: completion.response.headers.get("x-request-id"),
  },
  stream: { parsed: JSON.parse(streamed), finishReason },
  error,
}));
