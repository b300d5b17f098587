import { Match, type Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { EVENT_SOURCE, ROUTES } from "@pressbridge/core";
import { TABLE_KEYS } from "@pressbridge/adapters";
import { FUNCTIONS, functionSpec, PENDING_CONSUMERS } from "../../infra/function-specs.ts";
import { DEFAULT_WEB_RESERVED_CONCURRENCY } from "../../infra/pressbridge-construct.ts";
import { actionsOf, functionId, resourcesOf, roleStatements, synthStack } from "./synth.ts";

const consumers = [...new Set(ROUTES.map((r) => r.consumer))];
const deployedConsumers = consumers.filter((c) => FUNCTIONS.some((f) => f.name === c));
const asyncFunctions = FUNCTIONS.filter((f) => f.schedule !== undefined || consumers.includes(f.name)).map((f) => f.name);

let dev: Template;
let prod: Template;
beforeAll(() => {
  dev = synthStack("dev").template;
  prod = synthStack("prod").template;
});

describe("stateful: the table matches packages/adapters/src/table-design.ts", () => {
  it("has PK/SK string keys, on-demand billing, PITR and the TTL attribute", () => {
    dev.resourceCountIs("AWS::DynamoDB::Table", 1);
    dev.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: TABLE_KEYS.pk, KeyType: "HASH" },
        { AttributeName: TABLE_KEYS.sk, KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
  });

  it("has GSI1 and GSI2 on string keys, projecting ALL", () => {
    const table = Object.values(resourcesOf(dev, "AWS::DynamoDB::Table"))[0]!.Properties!;
    expect(table.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: "GSI1",
        KeySchema: [
          { AttributeName: "GSI1PK", KeyType: "HASH" },
          { AttributeName: "GSI1SK", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
      {
        IndexName: "GSI2",
        KeySchema: [
          { AttributeName: "GSI2PK", KeyType: "HASH" },
          { AttributeName: "GSI2SK", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ]);
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining(["PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"].map((name) => ({ AttributeName: name, AttributeType: "S" }))),
    );
  });

  it("is deletion-protected and retained on production stages only", () => {
    prod.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    dev.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Delete",
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    expect(synthStack("production").template.findResources("AWS::DynamoDB::Table", { DeletionPolicy: "Retain" })).not.toEqual({});
  });

  it("has a bus named per stage with an archive of every pressbridge event", () => {
    dev.hasResourceProperties("AWS::Events::EventBus", { Name: "pressbridge-dev" });
    prod.hasResourceProperties("AWS::Events::EventBus", { Name: "pressbridge-prod" });
    const busId = Object.keys(resourcesOf(dev, "AWS::Events::EventBus"))[0]!;
    dev.hasResourceProperties("AWS::Events::Archive", {
      SourceArn: { "Fn::GetAtt": [busId, "Arn"] },
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: 30,
    });
    prod.hasResourceProperties("AWS::Events::Archive", { RetentionDays: 365 });
  });

  it("has a platform-credentials secret and a generated signing key per stage (no admin token: people sign in), retained on production", () => {
    dev.resourceCountIs("AWS::SecretsManager::Secret", 2);
    dev.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: { GenerateStringKey: "secret", SecretStringTemplate: JSON.stringify({ keyId: "k1", previous: [] }), PasswordLength: 64 },
    });
    expect(JSON.stringify(dev.findResources("AWS::SecretsManager::Secret"))).not.toContain("adminToken");
    expect(Object.values(prod.findResources("AWS::SecretsManager::Secret")).every((r) => r.DeletionPolicy === "Retain")).toBe(true);
  });
});

describe("stateless: functions", () => {
  it("creates one function per spec, and nothing else", () => {
    dev.resourceCountIs("AWS::Lambda::Function", FUNCTIONS.length);
    for (const spec of FUNCTIONS) expect(functionId(dev, spec.name)).toBeTruthy();
  });

  it.each(FUNCTIONS.map((f) => f.name))("%s runs nodejs24.x on arm64 with JSON logs, a retained log group and active tracing", (name) => {
    const fn = resourcesOf(dev, "AWS::Lambda::Function")[functionId(dev, name)]!.Properties!;
    expect(fn.Runtime).toBe("nodejs24.x");
    expect(fn.Architectures).toEqual(["arm64"]);
    expect(fn.Handler).toBe("index.handler");
    expect(fn.TracingConfig).toEqual({ Mode: "Active" });
    const logging = fn.LoggingConfig as { LogFormat: string; LogGroup: { Ref: string } };
    expect(logging.LogFormat).toBe("JSON");
    const logGroup = resourcesOf(dev, "AWS::Logs::LogGroup")[logging.LogGroup.Ref]!;
    expect(logGroup.Properties!.RetentionInDays).toBe(14);
    const prodFn = resourcesOf(prod, "AWS::Lambda::Function")[functionId(prod, name)]!.Properties!;
    const prodLogGroup = resourcesOf(prod, "AWS::Logs::LogGroup")[(prodFn.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref]!;
    expect(prodLogGroup.Properties!.RetentionInDays).toBe(90);
  });

  it.each(FUNCTIONS.map((f) => f.name))("%s gets the table, bus, config and Powertools environment", (name) => {
    const fn = resourcesOf(dev, "AWS::Lambda::Function")[functionId(dev, name)]!.Properties!;
    const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    const tableId = Object.keys(resourcesOf(dev, "AWS::DynamoDB::Table"))[0]!;
    const busId = Object.keys(resourcesOf(dev, "AWS::Events::EventBus"))[0]!;
    expect(variables.TABLE_NAME).toEqual({ Ref: tableId });
    expect(variables.EVENT_BUS_NAME).toEqual({ Ref: busId });
    expect(variables.PRESSBRIDGE_CONFIG_FILE).toBe("/opt/pressbridge.config.json");
    expect(variables.PRESSBRIDGE_CONFIG).toBeUndefined();
    const layerId = Object.keys(resourcesOf(dev, "AWS::Lambda::LayerVersion"))[0]!;
    expect(fn.Layers).toEqual([{ Ref: layerId }]);
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe(name);
    expect(variables.NODE_OPTIONS).toBe("--enable-source-maps");
    const platformSecretId = Object.entries(resourcesOf(dev, "AWS::SecretsManager::Secret")).find(([, r]) => String(r.Properties!.Description).includes("platform credentials"))![0];
    // Only the function that calls the platforms gets their credentials.
    if (functionSpec(name).readsPlatformSecrets === true) expect(variables.SECRETS_ARN).toEqual({ Ref: platformSecretId });
    else expect(variables.SECRETS_ARN).toBeUndefined();
  });

  it("starts the platform-credentials secret as an empty JSON document: every client is a dry run until credentials are put in", () => {
    const secret = Object.values(resourcesOf(dev, "AWS::SecretsManager::Secret")).find((r) => String(r.Properties!.Description).includes("platform credentials"))!;
    expect(secret.Properties!.SecretString).toBe("{}");
    expect(secret.Properties!.GenerateSecretString).toBeUndefined();
  });

  it("only publish may read the platform-credentials secret", () => {
    const platformSecretId = Object.entries(resourcesOf(dev, "AWS::SecretsManager::Secret")).find(([, r]) => String(r.Properties!.Description).includes("platform credentials"))![0];
    const readers = Object.values(resourcesOf(dev, "AWS::IAM::Policy"))
      .filter((p) => JSON.stringify(p.Properties!.PolicyDocument).includes(`"Ref":"${platformSecretId}"`))
      .flatMap((p) => (p.Properties!.Roles as Array<{ Ref: string }>).map((r) => r.Ref));
    const publishRole = (resourcesOf(dev, "AWS::Lambda::Function")[functionId(dev, "publish")]!.Properties!.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
    expect(readers).toEqual([publishRole]);
  });

  it("reserves concurrency for the public approval web app only (publishing paces itself by the platforms' rate-limit headers)", () => {
    for (const spec of FUNCTIONS) {
      const fn = resourcesOf(dev, "AWS::Lambda::Function")[functionId(dev, spec.name)]!;
      expect(fn.Properties!.ReservedConcurrentExecutions, spec.name).toBe(spec.httpEndpoint === true ? DEFAULT_WEB_RESERVED_CONCURRENCY : undefined);
    }
    expect(DEFAULT_WEB_RESERVED_CONCURRENCY).toBe(10);
  });

  it("caps the approval web app at the webReservedConcurrency setting, or reserves nothing with \"none\"", () => {
    const web = (t: Template) => resourcesOf(t, "AWS::Lambda::Function")[functionId(t, "approval-web")]!.Properties!.ReservedConcurrentExecutions;
    expect(web(synthStack("dev", { webReservedConcurrency: 25 }).template)).toBe(25);
    expect(web(synthStack("dev", { webReservedConcurrency: "none" }).template)).toBeUndefined();
    for (const bad of [0, -1, 1.5, 1001]) expect(() => synthStack("dev", { webReservedConcurrency: bad }), String(bad)).toThrow(/webReservedConcurrency .*whole number from 1 to 1000/);
  });
});

describe("routing: one rule per routes-table consumer", () => {
  it("every consumer in the routes table is deployed or explicitly pending", () => {
    for (const consumer of consumers) {
      expect(FUNCTIONS.some((f) => f.name === consumer) || PENDING_CONSUMERS.includes(consumer), consumer).toBe(true);
    }
    // A pending entry that has its spec by now is stale.
    for (const pending of PENDING_CONSUMERS) expect(FUNCTIONS.some((f) => f.name === pending), `${pending} has a spec: remove it from PENDING_CONSUMERS`).toBe(false);
  });

  it("creates exactly one rule per deployed consumer, on the stage bus", () => {
    dev.resourceCountIs("AWS::Events::Rule", deployedConsumers.length);
    const busId = Object.keys(resourcesOf(dev, "AWS::Events::EventBus"))[0]!;
    for (const rule of Object.values(resourcesOf(dev, "AWS::Events::Rule"))) {
      expect(rule.Properties!.EventBusName).toEqual({ Ref: busId });
    }
  });

  it.each(deployedConsumers)("the rule for %s matches its detail-types in the routes table and targets it with a DLQ and retries", (consumer) => {
    const detailTypes = [...new Set(ROUTES.filter((r) => r.consumer === consumer).flatMap((r) => r.detailTypes))];
    const fnId = functionId(dev, consumer);
    const rules = Object.values(resourcesOf(dev, "AWS::Events::Rule")).filter((rule) =>
      (rule.Properties!.Targets as { Arn: unknown }[]).some((t) => JSON.stringify(t.Arn) === JSON.stringify({ "Fn::GetAtt": [fnId, "Arn"] })),
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties!;
    expect(rule.EventPattern).toEqual({ source: [EVENT_SOURCE], "detail-type": detailTypes });
    const target = (rule.Targets as Record<string, unknown>[])[0]!;
    expect(target.DeadLetterConfig).toEqual({ Arn: { "Fn::GetAtt": [expect.stringMatching(/DeadLetters/), "Arn"] } });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 });
  });
});

describe("schedules", () => {
  it("invokes dispatch-polls every minute with {} through EventBridge Scheduler, with a DLQ (poll-feeds is the poll queue's consumer, not scheduled)", () => {
    const schedules = Object.values(resourcesOf(dev, "AWS::Scheduler::Schedule"));
    expect(schedules).toHaveLength(FUNCTIONS.filter((f) => f.schedule !== undefined).length);
    expect(schedules.some((s) => JSON.stringify((s.Properties!.Target as { Arn: unknown }).Arn).includes(functionId(dev, "poll-feeds")))).toBe(false);
    const poll = schedules.find((s) => JSON.stringify((s.Properties!.Target as { Arn: unknown }).Arn).includes(functionId(dev, "dispatch-polls")));
    expect(poll).toBeDefined();
    expect(poll!.Properties!.ScheduleExpression).toBe("rate(1 minute)");
    expect(poll!.Properties!.State).toBe("ENABLED");
    const target = poll!.Properties!.Target as Record<string, unknown>;
    expect(target.Input).toBe("{}");
    expect(target.DeadLetterConfig).toEqual({ Arn: { "Fn::GetAtt": [expect.stringMatching(/DispatchPollsDeadLetters/), "Arn"] } });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });
});

describe("the audit", () => {
  it("runs hourly, sends email, and alarms on newly missed windows and on feed problems", () => {
    const fnId = functionId(dev, "audit");
    const schedule = Object.values(resourcesOf(dev, "AWS::Scheduler::Schedule")).find((s) =>
      JSON.stringify((s.Properties!.Target as { Arn: unknown }).Arn).includes(fnId),
    );
    expect(schedule!.Properties!.ScheduleExpression).toBe("rate(1 hour)");
    const variables = (resourcesOf(dev, "AWS::Lambda::Function")[fnId]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.MAIL_FROM).toBeDefined();
    expect(variables.WEB_BASE_URL).toBeDefined();
    for (const metric of ["MissedWindows", "FeedProblems"]) {
      dev.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "Pressbridge",
        MetricName: metric,
        Dimensions: [{ Name: "service", Value: "audit" }],
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        Period: 3600,
      });
    }
  });
});

describe("dead letters and alarms", () => {
  it.each(asyncFunctions)("%s (asynchronous) sends failed invocations to its encrypted, TLS-only DLQ", (name) => {
    const fnId = functionId(dev, name);
    const config = Object.values(resourcesOf(dev, "AWS::Lambda::EventInvokeConfig")).find(
      (c) => JSON.stringify(c.Properties!.FunctionName) === JSON.stringify({ Ref: fnId }),
    );
    expect(config).toBeDefined();
    const queueId = ((config!.Properties!.DestinationConfig as { OnFailure: { Destination: { "Fn::GetAtt": [string] } } }).OnFailure.Destination["Fn::GetAtt"])[0];
    const queue = resourcesOf(dev, "AWS::SQS::Queue")[queueId]!;
    expect(queue.Properties!.SqsManagedSseEnabled).toBe(true);
    dev.hasResourceProperties("AWS::SQS::QueuePolicy", {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Action: "sqs:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("alarms on every DLQ's depth and every function's errors", () => {
    const alarms = Object.values(resourcesOf(dev, "AWS::CloudWatch::Alarm")).map((a) => a.Properties!);
    const all = Object.keys(resourcesOf(dev, "AWS::SQS::Queue"));
    // One DLQ per asynchronous function, and the poll queue with its DLQ.
    expect(all).toHaveLength(asyncFunctions.length + 2);
    const queues = all.filter((id) => !/PollQueue(?!DeadLetters)/.test(id) || /DeadLetters/.test(id));
    expect(queues).toHaveLength(asyncFunctions.length + 1);
    for (const queueId of queues) {
      const alarm = alarms.find(
        (a) => a.MetricName === "ApproximateNumberOfMessagesVisible" && JSON.stringify(a.Dimensions).includes(queueId),
      );
      expect(alarm, queueId).toMatchObject({ Namespace: "AWS/SQS", Threshold: 0, ComparisonOperator: "GreaterThanThreshold" });
    }
    for (const spec of FUNCTIONS) {
      const fnId = functionId(dev, spec.name);
      const alarm = alarms.find((a) => a.MetricName === "Errors" && JSON.stringify(a.Dimensions).includes(fnId));
      expect(alarm, spec.name).toMatchObject({ Namespace: "AWS/Lambda", Threshold: 0, Statistic: "Sum" });
    }
  });
});

describe("the poll fan-out (issue #18)", () => {
  const queueIds = () => {
    const ids = Object.keys(resourcesOf(dev, "AWS::SQS::Queue"));
    return { queue: ids.find((id) => /PollQueue/.test(id) && !/DeadLetters/.test(id))!, dlq: ids.find((id) => /PollQueueDeadLetters/.test(id))! };
  };

  it("has an encrypted, TLS-only poll queue whose visibility timeout is six times poll-feeds' timeout, redriving to a DLQ after 3 receives", () => {
    const { queue, dlq } = queueIds();
    const props = resourcesOf(dev, "AWS::SQS::Queue")[queue]!.Properties!;
    const timeout = functionSpec("poll-feeds").timeoutSeconds!;
    expect(props).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 6 * timeout, MessageRetentionPeriod: 3600 });
    expect(props.RedrivePolicy).toEqual({ deadLetterTargetArn: { "Fn::GetAtt": [dlq, "Arn"] }, maxReceiveCount: 3 });
    expect(resourcesOf(dev, "AWS::SQS::Queue")[dlq]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    for (const id of [queue, dlq]) {
      dev.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Action: "sqs:*", Condition: { Bool: { "aws:SecureTransport": "false" } } })]) },
      });
    }
  });

  it("poll-feeds consumes it: one message an invocation, at most 20 at once, reporting batch item failures", () => {
    const { queue } = queueIds();
    const mappings = Object.values(resourcesOf(dev, "AWS::Lambda::EventSourceMapping")).map((m) => m.Properties!);
    expect(mappings).toEqual([
      expect.objectContaining({
        EventSourceArn: { "Fn::GetAtt": [queue, "Arn"] },
        FunctionName: { Ref: functionId(dev, "poll-feeds") },
        BatchSize: 1,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        ScalingConfig: { MaximumConcurrency: 20 },
      }),
    ]);
    // No DLQ or async config of its own: the poll queue's DLQ is its dead-letter queue.
    const poll = functionId(dev, "poll-feeds");
    expect(Object.values(resourcesOf(dev, "AWS::Lambda::EventInvokeConfig")).some((c) => JSON.stringify(c.Properties!.FunctionName).includes(poll))).toBe(false);
  });

  it("dispatch-polls may only send to it (sqs:SendMessage, no other SQS action) and read the table; it gets POLL_QUEUE_URL", () => {
    const { queue } = queueIds();
    const fnId = functionId(dev, "dispatch-polls");
    const statements = roleStatements(dev, fnId);
    const sqsStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("sqs:")));
    expect(sqsStatements).toHaveLength(2);
    expect(sqsStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: "sqs:SendMessage", Resource: { "Fn::GetAtt": [queue, "Arn"] } }),
        // The Lambda service's on-failure destination (a failed scheduled invocation): its own DLQ.
        expect.objectContaining({ Resource: { "Fn::GetAtt": [expect.stringMatching(/DispatchPollsDeadLetters/), "Arn"] } }),
      ]),
    );
    expect(statements.some((s) => actionsOf(s).some((a) => a.startsWith("events:")))).toBe(false);
    const variables = (resourcesOf(dev, "AWS::Lambda::Function")[fnId]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.POLL_QUEUE_URL).toEqual({ Ref: queue });
    for (const spec of FUNCTIONS.filter((f) => f.name !== "dispatch-polls")) {
      const v = (resourcesOf(dev, "AWS::Lambda::Function")[functionId(dev, spec.name)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(v.POLL_QUEUE_URL, spec.name).toBeUndefined();
    }
  });

  it("alarms on the poll DLQ's depth and on the age of the oldest batch waiting (over 5 minutes)", () => {
    const { queue, dlq } = queueIds();
    const alarms = Object.values(resourcesOf(dev, "AWS::CloudWatch::Alarm")).map((a) => a.Properties!);
    expect(alarms.find((a) => a.MetricName === "ApproximateNumberOfMessagesVisible" && JSON.stringify(a.Dimensions).includes(dlq))).toMatchObject({ Threshold: 0 });
    expect(alarms.find((a) => a.MetricName === "ApproximateAgeOfOldestMessage" && JSON.stringify(a.Dimensions).includes(queue))).toMatchObject({
      Namespace: "AWS/SQS", Threshold: 300, ComparisonOperator: "GreaterThanThreshold", EvaluationPeriods: 2,
    });
  });
});

describe("least privilege", () => {
  it.each(FUNCTIONS)("$name gets exactly its declared table actions on the table, and Query only on the indexes it queries", (spec) => {
    const statements = roleStatements(dev, functionId(dev, spec.name)).filter((s) => actionsOf(s).some((a) => a.startsWith("dynamodb:")));
    const tableId = Object.keys(resourcesOf(dev, "AWS::DynamoDB::Table"))[0]!;
    const tableArn = { "Fn::GetAtt": [tableId, "Arn"] };
    const onTable = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn));
    expect(onTable).toHaveLength(1);
    expect([...actionsOf(onTable[0]!)].sort()).toEqual([...spec.tableActions].sort());
    const onIndexes = statements.filter((s) => s !== onTable[0]);
    const indexes = spec.queriesIndexes ?? [];
    if (indexes.length === 0) {
      expect(onIndexes).toEqual([]);
      return;
    }
    expect(onIndexes).toEqual([
      { Action: "dynamodb:Query", Effect: "Allow", Resource: indexes.map((i) => ({ "Fn::Join": ["", [tableArn, `/index/${i}`]] })) },
    ]);
  });

  it("the functions that only query the base table get no index ARN; the ones that do not load the workspace have no base-table Query", () => {
    for (const name of ["poll-feeds", "plan-amplification", "notify-approvers", "publish"]) {
      expect(JSON.stringify(roleStatements(dev, functionId(dev, name))), name).not.toContain("/index/");
    }
    expect(roleStatements(dev, functionId(dev, "notify-approvers")).flatMap(actionsOf)).not.toContain("dynamodb:Query");
  });

  it("plan-amplification may GetItem, PutItem, UpdateItem, BatchWriteItem (its outbox), Query its release's partition and ConditionCheckItem (a workspace seed's media list), nothing more", () => {
    const statements = roleStatements(dev, functionId(dev, "plan-amplification"));
    const dynamo = statements.flatMap(actionsOf).filter((a) => a.startsWith("dynamodb:"));
    expect(dynamo.sort()).toEqual(["dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]);
  });

  it("secrets: secretsmanager:GetSecretValue only (no DescribeSecret: nothing calls it); email: ses:SendEmail only (no SendRawEmail)", () => {
    const actions = FUNCTIONS.flatMap((f) => roleStatements(dev, functionId(dev, f.name)).flatMap(actionsOf));
    expect(actions.filter((a) => a.startsWith("secretsmanager:")).every((a) => a === "secretsmanager:GetSecretValue")).toBe(true);
    expect(actions.filter((a) => a.startsWith("ses:")).every((a) => a === "ses:SendEmail")).toBe(true);
    expect(actions).toContain("secretsmanager:GetSecretValue");
    expect(actions).toContain("ses:SendEmail");
  });

  it.each(FUNCTIONS)("$name may put events on the stage bus only if its spec says so", (spec) => {
    const busId = Object.keys(resourcesOf(dev, "AWS::Events::EventBus"))[0]!;
    const putEvents = roleStatements(dev, functionId(dev, spec.name)).filter((s) => actionsOf(s).some((a) => a.startsWith("events:")));
    if (!spec.putsEvents) {
      expect(putEvents).toEqual([]);
      return;
    }
    expect(putEvents).toEqual([{ Action: "events:PutEvents", Effect: "Allow", Resource: { "Fn::GetAtt": [busId, "Arn"] } }]);
  });

  it("poll-feeds can PutEvents", () => {
    const actions = roleStatements(dev, functionId(dev, "poll-feeds")).flatMap(actionsOf);
    expect(actions).toContain("events:PutEvents");
  });

  it("grants no dynamodb:*, no Scan, no service wildcards and no managed policies anywhere", () => {
    const json = JSON.stringify(dev.toJSON());
    expect(json).not.toContain("dynamodb:*");
    expect(json).not.toContain("dynamodb:Scan");
    for (const role of Object.values(resourcesOf(dev, "AWS::IAM::Role"))) expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    const policies = [...Object.values(resourcesOf(dev, "AWS::IAM::Policy")), ...Object.values(resourcesOf(dev, "AWS::SQS::QueuePolicy"))];
    for (const policy of policies) {
      type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
      for (const statement of (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement) {
        if (statement.Effect !== "Allow") continue; // the queues' TLS-only Deny of sqs:* is fine
        expect(actionsOf(statement).filter((a) => a.endsWith("*"))).toEqual([]);
        if (statement.Resource === "*") expect(actionsOf(statement).every((a) => a.startsWith("xray:"))).toBe(true);
      }
    }
  });
});
