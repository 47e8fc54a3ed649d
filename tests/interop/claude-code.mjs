// Claude Code (@anthropic-ai/claude-code) run non-interactively against the Switchyard Router's Messages
// door, or with DOOR=bedrock through its Bedrock door (CLAUDE_CODE_USE_BEDROCK, the key as an Amazon Bedrock API
// key): `claude -p <prompt>`, offline, with its own HOME so no user configuration is read or written.
// Env: ROUTER_URL, MODEL (a model group for every model Claude Code asks for), API_KEY, PROMPT, HOME_DIR, DOOR.
// Prints one JSON document: the exit code and what Claude Code printed.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const binary = fileURLToPath(new URL("./node_modules/.bin/claude", import.meta.url));
const model = process.env.MODEL;
mkdirSync(process.env.HOME_DIR, { recursive: true });
const result = spawnSync(binary, ["-p", process.env.PROMPT], {
  cwd: process.env.HOME_DIR,
  encoding: "utf8",
  timeout: 90_000,
  env: {
    PATH: process.env.PATH,
    HOME: process.env.HOME_DIR,
    ...(process.env.DOOR === "bedrock"
      ? {
          CLAUDE_CODE_USE_BEDROCK: "1",
          ANTHROPIC_BEDROCK_BASE_URL: process.env.ROUTER_URL,
          AWS_BEARER_TOKEN_BEDROCK: process.env.API_KEY,
          AWS_REGION: "us-east-1",
        }
      : { ANTHROPIC_BASE_URL: process.env.ROUTER_URL, ANTHROPIC_AUTH_TOKEN: process.env.API_KEY }),
    // Claude Code asks for Claude models by name; every one of them is the Router's model group here.
    ANTHROPIC_MODEL: model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    ANTHROPIC_SMALL_FAST_MODEL: model,
    // Offline: no telemetry, error reports, update checks or other non-essential calls.
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  },
});
console.log(JSON.stringify({ exitCode: result.status, signal: result.signal, error: result.error?.message ?? null, stdout: result.stdout, stderr: result.stderr }));
