// The reference sample's AWS calls against one emulator Region endpoint, every client with its DEFAULT
// request handler (bedrock-runtime's speaks HTTP/2 with prior knowledge on http://, sts and logs HTTP/1.1)
// and the endpoint from AWS_ENDPOINT_URL only, as the sample runs: Converse through a US inference profile,
// STS GetCallerIdentity, CloudWatch Logs DescribeLogGroups(limit 1), StartQuery with the sample's query,
// DescribeQueries until Complete, GetQueryResults; then AssumeRoleWithWebIdentity and the session
// credentials on STS and Logs. Prints one JSON object.
// Env: AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ROLE_ARN, PROFILE_ID, CONVERSE_COUNT.
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { STSClient, GetCallerIdentityCommand, AssumeRoleWithWebIdentityCommand } from "@aws-sdk/client-sts";
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  StartQueryCommand,
  DescribeQueriesCommand,
  GetQueryResultsCommand,
} from "@aws-sdk/client-cloudwatch-logs";

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const profileId = env("PROFILE_ID");
const result = {};

const bedrock = new BedrockRuntimeClient({ maxAttempts: 1 });
const handler = bedrock.config.requestHandler;
result.bedrockHandler = handler?.constructor?.name ?? typeof handler;
const startMs = Date.now() - 1000;
const converse = [];
for (let i = 0; i < Number(env("CONVERSE_COUNT")); i++) {
  const answer = await bedrock.send(new ConverseCommand({
    modelId: profileId,
    messages: [{ role: "user", content: [{ text: `Name a river in Europe (${i}).` }] }],
    inferenceConfig: { maxTokens: 20 },
  }));
  converse.push({ stopReason: answer.stopReason, outputTokens: answer.usage.outputTokens });
}
result.converse = converse;

const sts = new STSClient({ maxAttempts: 1 });
const identity = await sts.send(new GetCallerIdentityCommand({}));
result.identity = { account: identity.Account, arn: identity.Arn, userId: identity.UserId };

const logs = new CloudWatchLogsClient({ maxAttempts: 1 });
const groups = await logs.send(new DescribeLogGroupsCommand({ limit: 1 }));
result.logGroups = groups.logGroups.map((g) => g.logGroupName);

const queryString = `filter modelId like /inference-profile\\/${profileId}/ and toMillis(@timestamp) >= ${startMs} | stats count(*) as invocationCount by inferenceRegion | sort inferenceRegion`;
const { queryId } = await logs.send(new StartQueryCommand({
  logGroupName: "BedrockModelInvocation",
  startTime: Math.floor(startMs / 1000),
  endTime: Math.ceil(Date.now() / 1000),
  queryString,
}));
let status = "Scheduled";
for (let attempt = 0; attempt < 20 && status !== "Complete"; attempt++) {
  const described = await logs.send(new DescribeQueriesCommand({ logGroupName: "BedrockModelInvocation" }));
  status = described.queries.find((q) => q.queryId === queryId)?.status ?? "missing";
  if (status !== "Complete") await new Promise((resolve) => setTimeout(resolve, 100));
}
result.describedStatus = status;
const results = await logs.send(new GetQueryResultsCommand({ queryId }));
result.query = {
  status: results.status,
  rows: results.results.map((row) => row.map((cell) => [cell.field, cell.value])),
  statistics: results.statistics,
};

try {
  await logs.send(new StartQueryCommand({
    logGroupName: "BedrockModelInvocation", startTime: 0, endTime: 1, queryString: "stats avg(latency)",
  }));
  result.malformed = { name: "none" };
} catch (e) {
  result.malformed = { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
}

// A web identity (unsigned call) for a role of this account, then its session credentials on STS and Logs.
const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })).toString("base64url");
const claims = Buffer.from(JSON.stringify({ sub: "interop-user", aud: "switchyard", iss: "https://issuer.example" })).toString("base64url");
const assumed = await sts.send(new AssumeRoleWithWebIdentityCommand({
  RoleArn: env("ROLE_ARN"),
  RoleSessionName: "interop",
  WebIdentityToken: `${header}.${claims}.c2lnbmF0dXJl`,
  DurationSeconds: 900,
}));
const session = {
  accessKeyId: assumed.Credentials.AccessKeyId,
  secretAccessKey: assumed.Credentials.SecretAccessKey,
  sessionToken: assumed.Credentials.SessionToken,
};
const sessionIdentity = await new STSClient({ maxAttempts: 1, credentials: session }).send(new GetCallerIdentityCommand({}));
const sessionGroups = await new CloudWatchLogsClient({ maxAttempts: 1, credentials: session }).send(new DescribeLogGroupsCommand({ limit: 1 }));
result.session = {
  accessKeyId: session.accessKeyId,
  expiration: assumed.Credentials.Expiration.toISOString(),
  subject: assumed.SubjectFromWebIdentityToken,
  assumedRoleArn: assumed.AssumedRoleUser.Arn,
  identityArn: sessionIdentity.Arn,
  identityAccount: sessionIdentity.Account,
  logGroups: sessionGroups.logGroups.map((g) => g.logGroupName),
};

try {
  await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: env("ROLE_ARN"), RoleSessionName: "interop", WebIdentityToken: "not-a-jwt" }));
  result.badToken = { name: "none" };
} catch (e) {
  result.badToken = { name: e.name, status: e.$metadata?.httpStatusCode };
}

console.log(JSON.stringify(result));
