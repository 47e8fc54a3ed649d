// What the reference sample's five demo scripts (aws-samples/sample-resilient-llm-inference, src/demo_*.py)
// share, re-told for node: its gateway on localhost:4000 without /v1, its AWS profiles `genai` and `test`,
// its source Region us-east-1, its CloudWatch Logs Insights query, and tables printed as the scripts print them.
// The calls themselves live in each test file, made exactly as the scripts make them.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeQueriesCommand, GetQueryResultsCommand, StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";

/** The sample's config.yaml: litellm.port 4000, aws.region_name us-east-1, profiles genai and test. */
export const gatewayUrl = process.env.SEED_GATEWAY_URL ?? "http://localhost:4000";
export const region = "us-east-1";
export const profiles = { primary: "genai", secondary: "test" };
export const logGroupName = "BedrockModelInvocation";
export const crisModelId = "us.anthropic.claude-sonnet-4-6";

/**
 * The scripts wait 60 s for invocation logs to reach CloudWatch before their first query (the emulator's log
 * is immediate). Kept by default, because the query reaches 60 s back before the demo's start: the wait is what
 * keeps one demo's invocations out of the next demo's table when they run back to back.
 */
export const logPropagationWaitMs = Number(process.env.SEED_LOG_WAIT_SECONDS ?? 60) * 1000;

/**
 * Points the AWS SDK at the emulator the way docs/seed-sample.md tells a user to: a shared credentials file with
 * the emulator's two accounts as `genai` and `test`, and AWS_ENDPOINT_URL naming the us-east-1 Region endpoint.
 * Nothing in the clients themselves changes.
 */
export function useEmulatorAsAws() {
  const endpoint = process.env.SEED_AWS_ENDPOINT_URL ?? "http://localhost:4101";
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-seed-aws-"));
  writeFileSync(path.join(dir, "credentials"), [
    "[genai]",
    "aws_access_key_id = AKIASWITCHYARDPRIMARY",
    "aws_secret_access_key = switchyard-emulator-primary-secret",
    "",
    "[test]",
    "aws_access_key_id = AKIASWITCHYARDSECOND",
    "aws_secret_access_key = switchyard-emulator-secondary-secret",
    "",
  ].join("\n"));
  writeFileSync(path.join(dir, "config"), "[profile genai]\nregion = us-east-1\n\n[profile test]\nregion = us-east-1\n");
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "credentials");
  process.env.AWS_CONFIG_FILE = path.join(dir, "config");
  process.env.AWS_ENDPOINT_URL = endpoint;
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Anthropic Messages body both AWS demos send with InvokeModel. */
export const invokeBody = (question) => JSON.stringify({
  anthropic_version: "bedrock-2023-05-31",
  max_tokens: 100,
  messages: [{ role: "user", content: question }],
});

/**
 * The scripts' CloudWatch analysis for one profile: DescribeLogGroups(limit=1) as a credentials probe, StartQuery
 * with their query from 60 s before the demo started, DescribeQueries every 2 s until Complete (60 s at most),
 * then GetQueryResults rows [inferenceRegion, invocationCount]. Returns { regionDistribution, totalInvocations }.
 */
export async function queryRegionDistribution(profile, modelId, generousStartMs) {
  const logs = new CloudWatchLogsClient({ region, profile });
  await logs.send(new DescribeLogGroupsCommand({ limit: 1 }));
  const queryString = [
    `filter modelId like /inference-profile\\/${modelId}/`,
    `        and toMillis(@timestamp) >= ${generousStartMs}`,
    "        | stats count(*) as invocationCount by inferenceRegion",
    "        | sort inferenceRegion",
  ].join("\n");
  const { queryId } = await logs.send(new StartQueryCommand({
    logGroupName, startTime: Math.trunc(generousStartMs / 1000), endTime: Math.trunc(Date.now() / 1000), queryString,
  }));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { queries = [] } = await logs.send(new DescribeQueriesCommand({}));
    const status = queries.find((q) => q.queryId === queryId)?.status;
    if (status === undefined) throw new Error(`query ${queryId} not found by DescribeQueries`);
    if (status === "Complete") break;
    if (status === "Failed" || status === "Cancelled" || Date.now() > deadline) throw new Error(`query ${queryId}: ${status}`);
    await sleep(2000);
  }
  const { results = [] } = await logs.send(new GetQueryResultsCommand({ queryId }));
  const regionDistribution = {};
  let totalInvocations = 0;
  for (const row of results) {
    if (row.length >= 2) {
      const count = Number.parseInt(row[1].value, 10);
      regionDistribution[row[0].value] = count;
      totalInvocations += count;
    }
  }
  return { regionDistribution, totalInvocations, fields: results.map((row) => row.map((cell) => cell.field)) };
}

/** The scripts' Region table. */
export function printRegionTable(title, { regionDistribution, totalInvocations }) {
  console.log(`\n${title}`);
  console.log("Region       | Invocations | Percentage");
  console.log("-------------|-------------|------------");
  for (const name of Object.keys(regionDistribution).sort()) {
    const count = regionDistribution[name];
    console.log(`${name.padEnd(12)} | ${String(count).padStart(11)} | ${(count / totalInvocations * 100).toFixed(1).padStart(9)}%`);
  }
}

export const ts = () => new Date().toISOString().slice(11, 23);
