/**
 * The whole Pressbridge service as one CDK construct, mounted by the plain CDK app (infra/app.ts)
 * and by the SST app (sst.config.ts), so both deploy the same definition.
 *
 *   Pressbridge
 *   ├── State      stateful: table, bus + archive, platform secret        (infra/state-construct.ts)
 *   └── Compute    stateless: one PressbridgeFunction per spec, one EventBridge rule per routes-table
 *                  consumer, Scheduler schedules, alarms, outputs          (this file)
 *
 * Data-driven: the functions come from infra/function-specs.ts and the rules from the routes table in
 * packages/core/src/events/routes.ts, the same table the local bus dispatches with.
 */
import { Annotations, ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as schedulerTargets from "aws-cdk-lib/aws-scheduler-targets";
import * as sns from "aws-cdk-lib/aws-sns";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as cloudwatchAlarms from "aws-cdk-lib/aws-cloudwatch";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";
import type { PressbridgeConfig } from "../packages/core/src/config/config-schema.ts";
import type { Person } from "../packages/core/src/workspace/workspace.ts";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ValidationError } from "../packages/core/src/errors.ts";
import { parseMediaListCsv } from "../packages/core/src/plans/briefs/media-list.ts";
import { MAX_MEDIA_LIST_CONTACTS, hashedMediaList, readHashedMediaList, type HashedMediaList } from "../packages/adapters/src/file-media-lists.ts";
import { CONFIG_FILE_NAME } from "./function-construct.ts";
import { EVENT_SOURCE } from "../packages/core/src/events/catalog.ts";
import { ROUTES, type Route } from "../packages/core/src/events/routes.ts";
import { PressbridgeFunction, type ActionScheduling } from "./function-construct.ts";
import { FUNCTIONS, PENDING_CONSUMERS, type FunctionSpec } from "./function-specs.ts";
import { PressbridgeState } from "./state-construct.ts";

/** Stage names whose data is protected: deletion protection, RETAIN, longer log and archive retention. */
export const PRODUCTION_STAGES: readonly string[] = ["prod", "production"];

export function isProductionStage(stage: string): boolean {
  return PRODUCTION_STAGES.includes(stage);
}

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
const EMAIL_PATTERN = /^[^\s@]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

export interface PressbridgeProps {
  /** The stage: names the bus (pressbridge-<stage>) and decides production protections. */
  readonly stage: string;
  /**
   * The validated service config (parseConfig), handed to every function as a layer file
   * (PRESSBRIDGE_CONFIG_FILE). It seeds the stage's workspace once, on the first load after the
   * first deploy; a later deploy's config never changes the workspace (docs/deploy.md).
   */
  readonly config: PressbridgeConfig;
  /** The config file's `people` (admins and leads), shipped with it to seed the workspace. */
  readonly people?: readonly Person[];
  /**
   * The first admin's email (PRESSBRIDGE_FIRST_ADMIN on the functions that load the workspace):
   * granted admin when the workspace is seeded, and again whenever it has no admin at all (a
   * locked-out workspace), never removing anyone.
   */
  readonly firstAdmin?: string;
  /**
   * The directory of the config file: clients' `mediaList` paths are relative to it (as locally).
   * Each list is read at synth and shipped hashed (see writeConfigAsset). Default: the working directory.
   */
  readonly configDir?: string;
  /**
   * The SES sender address (its address or domain identity must be verified in SES). Required once a
   * function that sends email is deployed (notify-approvers, the audit digest); validated when given.
   */
  readonly mailFrom?: string;
  /**
   * An SES configuration set (its name) for the functions that send email: they name it on every
   * SendEmail (SES_CONFIGURATION_SET), for event publishing of bounces and complaints, and are
   * granted ses:SendEmail on it as well as on the sender's identity.
   */
  readonly sesConfigurationSet?: string;
  /**
   * Reserved concurrency of the public approval web app (the function with `httpEndpoint`): at most
   * this many of its instances run at once, so a flood on its Function URL is throttled instead of
   * taking the account's concurrency from polling and the consumers. "none" reserves nothing (for
   * an account whose concurrency quota is too low to reserve any). Default DEFAULT_WEB_RESERVED_CONCURRENCY.
   */
  readonly webReservedConcurrency?: number | "none";
  /** An existing SNS topic every alarm notifies (for example the on-call topic). */
  readonly alarmTopicArn?: string;
  /** Use this existing Secrets Manager secret (complete ARN) for platform credentials. */
  readonly platformSecretArn?: string;
  /** Log retention; by default 3 months on production stages and 2 weeks elsewhere. */
  readonly logRetention?: logs.RetentionDays;
  /** The functions; by default infra/function-specs.ts. */
  readonly functions?: readonly FunctionSpec[];
  /** The routes table; by default the one the local bus uses. */
  readonly routes?: readonly Route[];
  /** Route consumers whose function has not landed yet (no rule, a synth warning). */
  readonly pendingConsumers?: readonly string[];
  /** Code for a function; by default the esbuild bundle of functions/<name>.ts. */
  readonly codeFor?: (spec: FunctionSpec) => lambda.Code | undefined;
}

/** Reserved concurrency of the approval web app unless the `webReservedConcurrency` setting says otherwise. */
export const DEFAULT_WEB_RESERVED_CONCURRENCY = 10;

/** SES configuration set names: 1-64 letters, digits, hyphens and underscores. */
const CONFIGURATION_SET_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Receives of a poll-queue message before it goes to the dead-letter queue. */
export const POLL_QUEUE_MAX_RECEIVES = 3;
/** The poll queue's age alarm: the oldest message waiting longer than this (two 5-minute periods). */
export const POLL_QUEUE_AGE_ALARM_SECONDS = 300;

/** Every rule's target retries delivery for up to this long, then dead-letters the event. */
const RULE_TARGET_RETRY = { retryAttempts: 8, maxEventAge: Duration.hours(6) };

export class Pressbridge extends Construct {
  readonly state: PressbridgeState;
  readonly functions: ReadonlyMap<string, PressbridgeFunction>;
  readonly rules: ReadonlyMap<string, events.Rule>;
  readonly schedules: ReadonlyMap<string, scheduler.Schedule>;
  /** The config layer's directory: the config file and the hashed media lists (what /opt holds). */
  readonly configAssetDir: string;
  /** The role the scheduled actions' one-time schedules invoke their target with (none without a target spec). */
  readonly actionScheduleRole: iam.Role | undefined;
  /** The poll fan-out's queue and its dead-letter queue (none when no spec uses it). */
  readonly pollQueue: { queue: sqs.Queue; deadLetters: sqs.Queue; alarms: cloudwatch.Alarm[] } | undefined;

  constructor(scope: Construct, id: string, props: PressbridgeProps) {
    super(scope, id);
    validateProps(props);
    const production = isProductionStage(props.stage);
    const specs = props.functions ?? FUNCTIONS;
    const routes = props.routes ?? ROUTES;
    const consumers = consumersByName(routes);
    const pending = new Set(props.pendingConsumers ?? PENDING_CONSUMERS);
    const specNames = new Set(specs.map((s) => s.name));
    if (specNames.size !== specs.length) throw new Error("function specs: duplicate function names");
    for (const consumer of consumers.keys()) {
      if (!specNames.has(consumer) && !pending.has(consumer)) {
        throw new Error(
          `routes table: consumer "${consumer}" has no function spec. Add its one-line spec to FUNCTIONS in ` +
            "infra/function-specs.ts (or list it in PENDING_CONSUMERS until functions/" + consumer + ".ts lands).",
        );
      }
    }

    this.state = new PressbridgeState(this, "State", {
      stage: props.stage,
      production,
      ...(props.platformSecretArn === undefined ? {} : { platformSecretArn: props.platformSecretArn }),
    });

    // Stateless: everything below can be replaced without touching data.
    const compute = new Construct(this, "Compute");
    const alarmAction: cloudwatch.IAlarmAction | undefined =
      props.alarmTopicArn === undefined
        ? undefined
        : new cloudwatchActions.SnsAction(sns.Topic.fromTopicArn(compute, "AlarmTopic", props.alarmTopicArn));
    // The config ships as a Lambda layer file (/opt/pressbridge.config.json), not an environment
    // variable: Lambda caps a function's environment at 4 KB, about 20 feeds' worth. The clients'
    // media lists ship beside it, hashed (/opt/media-lists/<client id>.json).
    this.configAssetDir = writeConfigAsset(
      props.config,
      props.configDir ?? process.cwd(),
      (message) => Annotations.of(this).addWarningV2("pressbridge:media-list", message),
      props.people,
    );
    const configLayer = new lambda.LayerVersion(compute, "ConfigLayer", {
      description: `Pressbridge service config (${props.stage})`,
      code: lambda.Code.fromAsset(this.configAssetDir),
      compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logRetention = props.logRetention ?? (production ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.TWO_WEEKS);

    const actionScheduling = this.actionScheduling(compute, props.stage, specs);
    this.pollQueue = this.createPollQueue(compute, specs, alarmAction);

    const functions = new Map<string, PressbridgeFunction>();
    const rules = new Map<string, events.Rule>();
    const schedules = new Map<string, scheduler.Schedule>();
    for (const spec of specs) {
      const route = consumers.get(spec.name);
      const code = props.codeFor?.(spec);
      const fn = new PressbridgeFunction(compute, pascal(spec.name), {
        spec,
        stage: props.stage,
        state: this.state,
        configLayer,
        ...(props.firstAdmin === undefined ? {} : { firstAdmin: props.firstAdmin.trim().toLowerCase() }),
        asynchronous: route !== undefined || spec.schedule !== undefined,
        logRetention,
        removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        ...(props.mailFrom === undefined ? {} : { mailFrom: props.mailFrom }),
        ...(props.sesConfigurationSet === undefined ? {} : { sesConfigurationSet: props.sesConfigurationSet }),
        ...(spec.httpEndpoint === true ? { reservedConcurrency: props.webReservedConcurrency ?? DEFAULT_WEB_RESERVED_CONCURRENCY } : {}),
        ...(alarmAction === undefined ? {} : { alarmAction }),
        ...(code === undefined ? {} : { code }),
        ...(spec.scheduledActionTarget === true && actionScheduling !== undefined ? { functionName: actionScheduling.targetName } : {}),
        ...(spec.schedulesActions === true && actionScheduling !== undefined ? { actionScheduling } : {}),
        ...(this.pollQueue === undefined ? {} : { pollQueue: this.pollQueue.queue }),
      });
      functions.set(spec.name, fn);

      if (route !== undefined) {
        const rule = new events.Rule(compute, `${pascal(spec.name)}Rule`, {
          eventBus: this.state.bus,
          description: `${route.detailTypes.join(", ")} -> ${spec.name}: ${route.description}`.slice(0, 512),
          eventPattern: { source: [EVENT_SOURCE], detailType: [...route.detailTypes] },
        });
        rule.addTarget(new targets.LambdaFunction(fn.function, { deadLetterQueue: fn.deadLetterQueue!, ...RULE_TARGET_RETRY }));
        rules.set(spec.name, rule);
      }

      if (spec.schedule !== undefined) {
        // One role per schedule (not the stack-wide default), so its one grant is visible and scoped.
        const role = new iam.Role(compute, `${pascal(spec.name)}ScheduleRole`, {
          assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
            conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
          }),
          description: `EventBridge Scheduler: invoke ${spec.name}`,
        });
        const schedule = new scheduler.Schedule(compute, `${pascal(spec.name)}Schedule`, {
          description: `Invokes ${spec.name} (${spec.schedule.expression})`,
          schedule: scheduler.ScheduleExpression.expression(spec.schedule.expression),
          target: new schedulerTargets.LambdaInvoke(fn.function, {
            role,
            input: scheduler.ScheduleTargetInput.fromObject(spec.schedule.input),
            deadLetterQueue: fn.deadLetterQueue!,
            // A missed tick is not retried: the next one is due within the period anyway.
            retryAttempts: 0,
            maxEventAge: Duration.seconds(60),
          }),
        });
        // After the target is bound: the grant creates the role's default policy, a child to suppress on.
        NagSuppressions.addResourceSuppressions(
          role,
          [
            {
              id: "AwsSolutions-IAM5",
              reason:
                `CDK's LambdaInvoke target grants lambda:InvokeFunction on ${spec.name} and on its qualified ARNs ` +
                "(<function ARN>:*, its versions and aliases); the wildcard never reaches another function.",
              appliesTo: [{ regex: "/^Resource::<.*\\.Arn>:\\*$/g" }],
            },
          ],
          true,
        );
        schedules.set(spec.name, schedule);
      }

      new CfnOutput(compute, `${pascal(spec.name)}FunctionName`, {
        description: `Lambda function ${spec.name}`,
        value: fn.function.functionName,
      });
      if (fn.functionUrl !== undefined) {
        new CfnOutput(compute, `${pascal(spec.name)}Url`, { description: `Function URL of ${spec.name}`, value: fn.functionUrl.url });
      }
    }
    // Review links in emails point at the approval web app's Function URL.
    const web = [...functions.values()].find((f) => f.functionUrl !== undefined);
    for (const spec of specs.filter((s) => s.linksToWebApp === true)) {
      if (web?.functionUrl === undefined) throw new Error(`function "${spec.name}" links to the web app, but no function has httpEndpoint`);
      functions.get(spec.name)!.function.addEnvironment("WEB_BASE_URL", web.functionUrl.url);
    }
    for (const consumer of consumers.keys()) {
      if (!specNames.has(consumer)) {
        Annotations.of(this).addWarningV2(
          "pressbridge:pending-consumer",
          `routes table: ${consumer} (${consumers.get(consumer)!.detailTypes.join(", ")}) is not deployed yet; ` +
            "its events reach no consumer in AWS until its function spec is added",
        );
      }
    }
    this.functions = functions;
    this.rules = rules;
    this.schedules = schedules;
    this.actionScheduleRole = actionScheduling?.role;

    // Extension point: the approval web app gets its Function URL from its spec (httpEndpoint: true);
    // put a custom domain or CloudFront in front of it here when one is wanted.

    new CfnOutput(this, "TableName", { description: "DynamoDB table", value: this.state.table.tableName });
    new CfnOutput(this, "EventBusName", { description: "EventBridge bus", value: this.state.bus.eventBusName });
    new CfnOutput(this, "PlatformSecretArn", {
      description: "Secrets Manager secret for platform credentials (put the JSON value here)",
      value: this.state.platformSecret.secretArn,
    });
  }


  /**
   * The poll fan-out's queue (issue #18, docs/deploy.md): the dispatcher sends one message per batch
   * of due feeds, the consumer (poll-feeds) polls each. Encrypted (SQS-managed keys), TLS only, and
   * its visibility timeout six times the consumer's timeout, so a message is never delivered twice
   * while its invocation still runs (Lambda's guidance for SQS event sources:
   * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html). A message failed 3
   * times goes to the dead-letter queue (redrive policy). A message is worth an hour at most: by then
   * many ticks have dispatched its feeds again. Alarms: the dead-letter queue's depth, and the age of
   * the oldest message (polling has fallen behind).
   */
  private createPollQueue(
    compute: Construct,
    specs: readonly FunctionSpec[],
    alarmAction: cloudwatch.IAlarmAction | undefined,
  ): { queue: sqs.Queue; deadLetters: sqs.Queue; alarms: cloudwatch.Alarm[] } | undefined {
    const consumers = specs.filter((s) => s.consumesPollQueue !== undefined);
    if (consumers.length > 1) throw new Error(`function specs: only one may consume the poll queue (${consumers.map((c) => c.name).join(", ")})`);
    const consumer = consumers[0];
    const senders = specs.filter((s) => s.sendsToPollQueue === true);
    if (consumer === undefined) {
      if (senders.length > 0) throw new Error(`function "${senders[0]!.name}" sends to the poll queue, but no function spec consumes it (consumesPollQueue)`);
      return undefined;
    }
    const deadLetters = new sqs.Queue(compute, "PollQueueDeadLetters", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(deadLetters, [
      { id: "AwsSolutions-SQS3", reason: "This queue is itself the poll queue's dead-letter queue; it is alarmed on depth and redriven by an operator (docs/deploy.md)." },
    ]);
    const queue = new sqs.Queue(compute, "PollQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(6 * (consumer.timeoutSeconds ?? 30)),
      retentionPeriod: Duration.hours(1),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: POLL_QUEUE_MAX_RECEIVES },
    });
    const alarms = [
      deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatchAlarms.Stats.MAXIMUM }).createAlarm(compute, "PollQueueDeadLettersAlarm", {
        alarmDescription: "poll queue: batches of feeds failed 3 times and wait in the dead-letter queue (inspect, fix, redrive: docs/deploy.md)",
        threshold: 0,
        comparisonOperator: cloudwatchAlarms.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatchAlarms.TreatMissingData.NOT_BREACHING,
      }),
      queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: cloudwatchAlarms.Stats.MAXIMUM }).createAlarm(compute, "PollQueueAgeAlarm", {
        alarmDescription: `poll queue: a batch of feeds has waited over ${POLL_QUEUE_AGE_ALARM_SECONDS} s (polling is behind: consumer throttled or failing)`,
        threshold: POLL_QUEUE_AGE_ALARM_SECONDS,
        comparisonOperator: cloudwatchAlarms.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatchAlarms.TreatMissingData.NOT_BREACHING,
      }),
    ];
    if (alarmAction !== undefined) for (const alarm of alarms) alarm.addAlarmAction(alarmAction);
    new CfnOutput(compute, "PollQueueUrl", { description: "SQS poll queue (batches of due feeds)", value: queue.queueUrl });
    return { queue, deadLetters, alarms };
  }

  /**
   * The scheduled actions' side of the stack (docs/scheduling.md, "In AWS"): the target function's
   * fixed name and ARN, and the role Scheduler assumes to invoke it. The functions that schedule
   * actions create the schedules at run time (EventBridgeActionScheduler), one per action, in the
   * state's schedule group; the schedules are not in the template.
   *
   * The target's ARN is built from its fixed name and the stack's partition, region and account, not
   * read from the function: the target's own environment holds it (a function cannot refer to
   * itself), and so does approval-web's, which publish refers to (WEB_BASE_URL), so a reference would
   * be a cycle.
   */
  private actionScheduling(
    compute: Construct,
    stage: string,
    specs: readonly FunctionSpec[],
  ): (ActionScheduling & { targetName: string; role: iam.Role }) | undefined {
    const targets = specs.filter((s) => s.scheduledActionTarget === true);
    if (targets.length > 1) throw new Error(`function specs: only one may be the scheduled actions' target (${targets.map((t) => t.name).join(", ")})`);
    const target = targets[0];
    if (target === undefined) {
      const schedulers = specs.filter((s) => s.schedulesActions === true);
      if (schedulers.length > 0) throw new Error(`function "${schedulers[0]!.name}" schedules actions, but no function spec is their target (scheduledActionTarget)`);
      return undefined;
    }
    const stack = Stack.of(this);
    const targetName = `pressbridge-${stage}-${target.name}`;
    const targetArn = stack.formatArn({ service: "lambda", resource: "function", resourceName: targetName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // Assumable by Scheduler on behalf of this account only; allowed one thing: invoke the target (unqualified).
    const role = new iam.Role(compute, "ActionScheduleRole", {
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", { conditions: { StringEquals: { "aws:SourceAccount": stack.account } } }),
      description: `EventBridge Scheduler: invoke ${target.name} for scheduled actions (${stage})`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [targetArn] }));
    return { groupName: this.state.scheduleGroup.scheduleGroupName, roleArn: role.roleArn, targetArn, targetName, role };
  }
}

/** One entry per consumer: all detail-types routed to it (the routes table may list a consumer twice). */
function consumersByName(routes: readonly Route[]): Map<string, Route> {
  const byName = new Map<string, Route>();
  for (const route of routes) {
    const known = byName.get(route.consumer);
    byName.set(
      route.consumer,
      known === undefined
        ? route
        : { ...known, detailTypes: [...new Set([...known.detailTypes, ...route.detailTypes])], description: `${known.description}; ${route.description}` },
    );
  }
  return byName;
}

function validateProps(props: PressbridgeProps): void {
  if (!STAGE_PATTERN.test(props.stage)) {
    throw new Error(`stage "${props.stage}": must be 1-31 lower-case letters, digits or dashes, starting with a letter`);
  }
  if (props.mailFrom !== undefined && !EMAIL_PATTERN.test(props.mailFrom)) {
    throw new Error(`mailFrom "${props.mailFrom}": must be an email address such as pressbridge@news.example.com`);
  }
  if (props.firstAdmin !== undefined && !EMAIL_PATTERN.test(props.firstAdmin.trim())) {
    throw new Error(`firstAdmin "${props.firstAdmin}": must be an email address (the person who signs in first, as an admin)`);
  }
  if (props.sesConfigurationSet !== undefined && !CONFIGURATION_SET_PATTERN.test(props.sesConfigurationSet)) {
    throw new Error(`sesConfigurationSet "${props.sesConfigurationSet}": must be an SES configuration set name (1-64 letters, digits, - or _)`);
  }
  const web = props.webReservedConcurrency;
  if (web !== undefined && web !== "none" && !(Number.isInteger(web) && web >= 1 && web <= 1000)) {
    throw new Error(`webReservedConcurrency ${String(web)}: must be a whole number from 1 to 1000, or "none"`);
  }
  if (isProductionStage(props.stage) && props.config.security.allowPrivateFeedHosts) {
    throw new Error(`config security.allowPrivateFeedHosts: must be false on the production stage "${props.stage}"`);
  }
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** Where the config layer keeps the hashed media lists, relative to the config file. */
export const MEDIA_LISTS_DIR = "media-lists";

/**
 * Writes the config layer's directory (content-addressed, so an unchanged config reuses the asset):
 * the config file, and for each client with a `mediaList` its hashed list as
 * media-lists/<client id>.json (HashedMediaList: each contact's SHA-256 audience hash, outlet and
 * beat; no names, no emails), with that client's `mediaList` pointing at it, and the file's people.
 * So journalists' emails are never stored in AWS: the seed of the workspace imports the hashed
 * lists beside the config (/opt) into the table (SeedingWorkspaceStore). A CSV is parsed as locally (parseMediaListCsv); skipped lines are a synth warning;
 * an unreadable or oversized list fails the synth naming clients[i].mediaList. A list that is
 * already hashed (.json) is validated and shipped as it is.
 */
export function writeConfigAsset(
  config: PressbridgeConfig,
  configDir: string,
  warn: (message: string) => void = () => {},
  people: readonly Person[] = [],
): string {
  const files = new Map<string, string>();
  const clients = config.clients.map((client, i) => {
    if (client.mediaList === undefined) return client;
    const field = `clients[${i}].mediaList`;
    const path = isAbsolute(client.mediaList) ? client.mediaList : resolve(configDir, client.mediaList);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      throw new ValidationError(field, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? "error"}): media lists are read at synth and deployed hashed`);
    }
    const list = path.toLowerCase().endsWith(".json") ? readHashedMediaList(text, path, field) : hashedListOfCsv(text, path, field, client.mediaList, warn);
    const name = `${MEDIA_LISTS_DIR}/${client.id}.json`;
    files.set(name, `${JSON.stringify(list, null, 2)}\n`);
    return { ...client, mediaList: name };
  });
  files.set(CONFIG_FILE_NAME, `${JSON.stringify({ ...config, clients, ...(people.length === 0 ? {} : { people }) }, null, 2)}\n`);
  const hash = createHash("sha256");
  for (const [name, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update(`${name}\u0000${text}\u0000`);
  const dir = join(tmpdir(), "pressbridge-config-assets", hash.digest("hex").slice(0, 16));
  for (const [name, text] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function hashedListOfCsv(text: string, path: string, field: string, source: string, warn: (message: string) => void): HashedMediaList {
  const { contacts, errors } = parseMediaListCsv(text);
  if (contacts.length > MAX_MEDIA_LIST_CONTACTS) {
    throw new ValidationError(field, `${path} has ${contacts.length} contacts; at most ${MAX_MEDIA_LIST_CONTACTS} are supported`);
  }
  if (errors.length > 0) {
    // The parser's reasons never echo an email.
    const first = errors.slice(0, 5).map((e) => `line ${e.line}: ${e.reason}`).join("; ");
    warn(`${field}: ${errors.length} line(s) of ${path} skipped (${first}${errors.length > 5 ? "; ..." : ""}); ${contacts.length} contact(s) deployed`);
  }
  return hashedMediaList(contacts, source);
}
