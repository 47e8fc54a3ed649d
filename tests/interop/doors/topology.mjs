// What the front-door suite shares against the running topology (tests/topology/run.sh): where the Router, the
// QuotaService's admin API and the emulator's admin API listen, the interop scripts of tests/interop run as the
// in-process tests run them (one JSON document on stdout), fresh small-limit tenants, and faults that are always
// removed again, so the suite leaves the topology as it found it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const routerUrl = process.env.ROUTER_URL ?? "http://localhost:4000";
const quotasUrl = process.env.QUOTAS_URL ?? "http://localhost:4200";
const emulatorAdminUrl = process.env.EMULATOR_ADMIN_URL ?? "http://localhost:4100";
const interopDirectory = fileURLToPath(new URL("..", import.meta.url));

/** The seeded demo tenant (AppHost/demo-tenants.json): generous limits, every model group. */
export const demoKey = "demo-key";

/** The group whose deployments are us-east-1, us-east-2 and us-west-2 (least-busy), and its model. */
export const multiRegionGroup = "claude-sonnet-multi-region";
const multiRegionModel = "anthropic.claude-sonnet-4-6";

/**
 * The admin key tests/topology/run.sh gives the AppHost (parameter quota-admin-key). A run started some other
 * way has a generated key in the AppHost's user secrets: pass it as SWITCHYARD_ADMIN_KEY.
 */
function adminKey() {
  const key = process.env.SWITCHYARD_ADMIN_KEY;
  if (!key) throw new Error("SWITCHYARD_ADMIN_KEY is not set: tests/topology/run.sh passes the admin key it gave the AppHost");
  return key;
}

async function call(url, init, expected) {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${init.method} ${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const quotasAdmin = (method, path, body) => call(`${quotasUrl}${path}`, {
  method,
  headers: { "x-admin-key": adminKey(), ...(body ? { "content-type": "application/json" } : {}) },
  body: body ? JSON.stringify(body) : undefined,
}, method === "POST" ? 201 : 204);

/**
 * A new tenant allowed `rpm` requests a minute (the seeded consumers' windows belong to the seed scripts), on
 * every model group. Returns its id and API key.
 */
export async function createTenant(name, rpm) {
  const id = `doors-${name}-${Date.now().toString(36)}`;
  const created = await quotasAdmin("POST", "/admin/tenants", { id, displayName: `front-door suite: ${name}`, limits: { requestsPerMinute: rpm } });
  return { id, apiKey: created.apiKey };
}

/** Issues a SigV4 access key pair to a tenant through the QuotaService's admin API. */
export async function issueAccessKey(tenantId) {
  const issued = await quotasAdmin("POST", `/admin/tenants/${tenantId}/access-keys`);
  return { accessKeyId: issued.accessKey.accessKeyId, secretAccessKey: issued.secretAccessKey };
}

export const revokeAccessKey = (tenantId, accessKeyId) => quotasAdmin("DELETE", `/admin/tenants/${tenantId}/access-keys/${accessKeyId}`);

export const deleteTenant = (tenantId) => quotasAdmin("DELETE", `/admin/tenants/${tenantId}`);

/** Runs `body` with the emulator's faults in place, and removes exactly those faults afterwards, whatever happens. */
export async function withFaults(faults, body) {
  const ids = [];
  try {
    for (const fault of faults) {
      const added = await call(`${emulatorAdminUrl}/admin/faults`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault),
      }, 201);
      ids.push(added.id);
    }
    return await body();
  } finally {
    for (const id of ids) await call(`${emulatorAdminUrl}/admin/faults/${id}`, { method: "DELETE" }, 204);
  }
}

/**
 * Failover on the multi-region group: its model is out in us-east-1 and us-east-2, so only us-west-2 can answer.
 * The group's strategy is least-busy with ties broken at random, so a request starts in a dead Region two times
 * in three; `send` (one request through a door, returning { region, attempts }) runs until one did (attempts > 1),
 * at most ten times. Every request must succeed in us-west-2. Returns every outcome.
 */
export function failover(send) {
  const outage = (region) => ({ kind: "outage", region, model: multiRegionModel });
  return withFaults([outage("us-east-1"), outage("us-east-2")], async () => {
    const outcomes = [];
    for (let i = 0; i < 10; i++) {
      const outcome = await send();
      outcomes.push(outcome);
      if (outcome.region !== "us-west-2") throw new Error(`served outside us-west-2: ${JSON.stringify(outcomes)}`);
      if (Number(outcome.attempts) > 1) break;
    }
    return outcomes;
  });
}

/** Runs a script of tests/interop with node and the given environment; returns the JSON document it printed. */
export function runScript(script, environment, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: interopDirectory, env: { ...process.env, ...environment } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => { stdout += chunk; });
    child.stderr.on("data", (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`node ${script} exited with ${code ?? signal}. stderr: ${stderr} stdout: ${stdout}`));
      try {
        resolve(JSON.parse(stdout));
      } catch (e) {
        reject(new Error(`node ${script} printed no JSON document (${e.message}): ${stdout}`));
      }
    });
  });
}

/**
 * `claude -p hello` (claude-code.mjs) through a door ("messages", or "bedrock" for CLAUDE_CODE_USE_BEDROCK) with
 * the demo tenant's key, in a HOME of its own that is removed afterwards. Returns what the script printed.
 */
export async function claudeCode(door) {
  const home = mkdtempSync(path.join(tmpdir(), `switchyard-claude-${door}-`));
  try {
    return await runScript("claude-code.mjs", {
      ROUTER_URL: routerUrl, DOOR: door, MODEL: "claude-sonnet-cris", API_KEY: demoKey, PROMPT: "hello", HOME_DIR: home,
    }, 150_000);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The suite's one-line summaries. */
export const summary = (door, line) => console.log(`[${door}] ${line}`);
