// demo_account_sharding.py, re-told: STS GetCallerIdentity for profiles `genai` and `test` (their account ids must
// differ), 20 parallel InvokeModel calls on us.anthropic.claude-sonnet-4-6 round-robin over the two accounts, then
// a Logs Insights Region table per account, each queried with that account's own credentials.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BedrockRuntimeClient, InvokeModelCommand } from "@aws-sdk/client-bedrock-runtime";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
  crisModelId, invokeBody, logPropagationWaitMs, printRegionTable, profiles, queryRegionDistribution, region, sleep, ts,
  useEmulatorAsAws,
} from "./seed.mjs";

useEmulatorAsAws();

const questions = ["Hello from cross-account request!", "Test message for account isolation demo", "Cross-account demo request",
  "Multi-account test message", "Account distribution test"];

async function send(requestId, profile, accountType) {
  const bedrock = new BedrockRuntimeClient({ region, profile });
  const started = performance.now();
  try {
    const response = await bedrock.send(new InvokeModelCommand({
      modelId: crisModelId, body: invokeBody(questions[(requestId - 1) % questions.length]),
      contentType: "application/json", accept: "application/json",
    }));
    JSON.parse(new TextDecoder().decode(response.body)).content[0].text;
    console.log(`[${ts()}] Request #${String(requestId).padStart(2)} | ${accountType.padEnd(8)} | SUCCESS | ${((performance.now() - started) / 1000).toFixed(2)}s`);
    return { accountType, success: true };
  } catch (e) {
    console.log(`[${ts()}] Request #${String(requestId).padStart(2)} | ${accountType.padEnd(8)} | ERROR | ${e.name}`);
    return { accountType, success: false, error: e.name };
  }
}

test("account sharding: two distinct accounts, 10 + 10 successful, a Region table per account", async () => {
  const identity = async (profile) => (await new STSClient({ region, profile }).send(new GetCallerIdentityCommand({}))).Account;
  const primaryAccount = await identity(profiles.primary);
  const secondaryAccount = await identity(profiles.secondary);
  console.log(`ACCOUNT1     | ${`...${primaryAccount.slice(-4)}`.padStart(10)} | ${profiles.primary}`);
  console.log(`ACCOUNT2     | ${`...${secondaryAccount.slice(-4)}`.padStart(10)} | ${profiles.secondary}`);
  assert.match(primaryAccount, /^\d{12}$/);
  assert.match(secondaryAccount, /^\d{12}$/);
  assert.notEqual(primaryAccount, secondaryAccount);

  const demoStartMs = Date.now();
  // round-robin, the script's default strategy: even request indexes to the primary account.
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0 ? send(i + 1, profiles.primary, "ACCOUNT1") : send(i + 1, profiles.secondary, "ACCOUNT2")));
  const successful = (type) => results.filter((r) => r.accountType === type && r.success).length;
  console.log("Account    | Total | Success | Failed");
  for (const type of ["ACCOUNT1", "ACCOUNT2"]) {
    const total = results.filter((r) => r.accountType === type).length;
    console.log(`${type}   | ${String(total).padStart(5)} | ${String(successful(type)).padStart(7)} | ${String(total - successful(type)).padStart(6)}`);
  }
  assert.equal(successful("ACCOUNT1"), 10, JSON.stringify(results.filter((r) => !r.success)));
  assert.equal(successful("ACCOUNT2"), 10, JSON.stringify(results.filter((r) => !r.success)));

  const generousStartMs = demoStartMs - 60_000;
  let tables;
  for (let attempt = 0; attempt < 5; attempt++) {
    await sleep(attempt === 0 ? logPropagationWaitMs : Math.min(30_000, logPropagationWaitMs));
    tables = await Promise.all([profiles.primary, profiles.secondary].map((p) => queryRegionDistribution(p, crisModelId, generousStartMs)));
    if (tables.every((t) => t.totalInvocations === 10)) break;
  }
  printRegionTable("ACCOUNT1:", tables[0]);
  printRegionTable("ACCOUNT2:", tables[1]);
  for (const table of tables) {
    assert.equal(table.totalInvocations, 10);
    assert.ok(Object.keys(table.regionDistribution).every((r) => ["us-east-1", "us-east-2", "us-west-2"].includes(r)));
  }
});
