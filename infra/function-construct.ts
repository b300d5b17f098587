/**
 * The one construct every Pressbridge Lambda is built with. It fixes what must not vary between
 * functions (runtime nodejs24.x on arm64, the esbuild bundle from functions/, JSON logs into a log
 * group with a retention, X-Ray tracing, the shared environment, an error alarm) and derives the rest
 * from the function's spec: least-privilege grants, a dead-letter queue for asynchronous consumers,
 * reserved concurrency, a Function URL.
 *
 * The grants are exactly what the function's code calls, nothing CDK's grant helpers add on top:
 * the spec's table actions on the table (index ARNs only for the indexes it queries),
 * secretsmanager:GetSecretValue on the secrets it reads (no DescribeSecret), ses:SendEmail on the
 * sender's identities and configuration set, events:PutEvents on the bus.
 * test/infra/function-permissions.test.ts replays every function against loopback services and checks
 * each AWS call against the synthesised role, and each grant against the calls.
 */
import { Duration, RemovalPolicy, Stack, Token } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as lambdaEventSources from "aws-cdk-lib/aws-lambda-event-sources";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";
import { ensureBundle } from "./function-bundles.ts";
import type { FunctionSpec, TableAction } from "./function-specs.ts";
import type { PressbridgeState } from "./state-construct.ts";

/** The config file's name in the config layer (mounted at /opt). */
export const CONFIG_FILE_NAME = "pressbridge.config.json";

/** Lambda's limit on the total size of a function's environment variables. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/**
 * Room assumed for a value only known at deploy time: a generated table name
 * (<stack>-<logical id>-<suffix>, ~70 bytes) or a secret ARN (~110 bytes), with headroom.
 */
const DEPLOY_TIME_VALUE_BYTES = 160;

/**
 * What loading the workspace may call (SeedingWorkspaceStore over DynamoWorkspaceStore): META
 * (GetItem) and the WORKSPACE partition (Query); when it was never seeded, the seed's commits
 * (TransactWriteItems of Puts and the revision's Update: PutItem, UpdateItem), the media lists'
 * contacts (BatchWriteItem; their META by GetItem, their generations by Query) and markSeeded (UpdateItem).
 */
export const WORKSPACE_ACTIONS: readonly TableAction[] = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"];

/** Namespace of the custom metrics the functions emit (Powertools metrics). */
export const METRICS_NAMESPACE = "Pressbridge";

export interface PressbridgeFunctionProps {
  readonly spec: FunctionSpec;
  readonly stage: string;
  readonly state: PressbridgeState;
  /** The layer holding the validated service config as /opt/<CONFIG_FILE_NAME>. */
  readonly configLayer: lambda.ILayerVersion;
  /** The first admin's email, set as PRESSBRIDGE_FIRST_ADMIN when the function loads the workspace (spec.loadsWorkspace). */
  readonly firstAdmin?: string;
  /** Invoked asynchronously (a schedule or an EventBridge rule): gets a dead-letter queue. */
  readonly asynchronous: boolean;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** The sender address for functions that send email (spec.sendsEmail). */
  readonly mailFrom?: string;
  /** The SES configuration set the functions that send email name on every SendEmail (SES_CONFIGURATION_SET). */
  readonly sesConfigurationSet?: string;
  /** Overrides spec.reservedConcurrency: a number, or "none" for no reservation. */
  readonly reservedConcurrency?: number | "none";
  readonly alarmAction?: cloudwatch.IAlarmAction;
  /** The function's code; by default its esbuild bundle from functions/<name>.ts. */
  readonly code?: lambda.Code;
  /** A fixed function name (the scheduled actions' target, whose ARN others must know without a reference to it). */
  readonly functionName?: string;
  /** For a function that schedules actions (spec.schedulesActions): the group, the scheduler's role, the target. */
  readonly actionScheduling?: ActionScheduling;
  /** The poll queue, for a function that sends to it (spec.sendsToPollQueue) or consumes it (spec.consumesPollQueue). */
  readonly pollQueue?: sqs.IQueue;
}

/** What a function that creates, moves and deletes the scheduled actions' one-time schedules is given. */
export interface ActionScheduling {
  /** The stage's schedule group (SCHEDULE_GROUP). */
  readonly groupName: string;
  /** ARN of the role Scheduler assumes to invoke the target (SCHEDULER_ROLE_ARN; passed with iam:PassRole). */
  readonly roleArn: string;
  /** ARN of the function the schedules invoke (SCHEDULE_TARGET_ARN). */
  readonly targetArn: string;
}

/** Bytes an environment takes against Lambda's 4 KB limit (keys and values, UTF-8). */
export function environmentBytes(environment: Readonly<Record<string, string>>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(environment)) {
    bytes += Buffer.byteLength(key, "utf8");
    bytes += Token.isUnresolved(value) ? DEPLOY_TIME_VALUE_BYTES : Buffer.byteLength(value, "utf8");
  }
  return bytes;
}

export class PressbridgeFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Where failed asynchronous invocations and undeliverable events end up (async consumers only). */
  readonly deadLetterQueue?: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly functionUrl?: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: PressbridgeFunctionProps) {
    super(scope, id);
    const { spec, state } = props;
    this.spec = spec;

    this.logGroup = new logs.LogGroup(this, "Logs", { retention: props.logRetention, removalPolicy: props.removalPolicy });

    // Our own role, so nothing is granted through a managed policy: logs to its log group only.
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Pressbridge ${props.stage} ${spec.name}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [this.logGroup.logGroupArn] }),
    );

    if (props.asynchronous) {
      this.deadLetterQueue = new sqs.Queue(this, "DeadLetters", {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
        {
          id: "AwsSolutions-SQS3",
          reason:
            `This queue is itself the dead-letter queue of ${spec.name} (Lambda on-failure destination, EventBridge rule ` +
            "and Scheduler DLQ); it is alarmed on depth and redriven by an operator (docs/deploy.md).",
        },
      ]);
    }

    const environment: Record<string, string> = {
      TABLE_NAME: state.table.tableName,
      EVENT_BUS_NAME: state.bus.eventBusName,
      PRESSBRIDGE_CONFIG_FILE: `/opt/${CONFIG_FILE_NAME}`,
      PRESSBRIDGE_STAGE: props.stage,
      POWERTOOLS_SERVICE_NAME: spec.name,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      NODE_OPTIONS: "--enable-source-maps",
    };
    if (spec.loadsWorkspace === true && props.firstAdmin !== undefined) environment.PRESSBRIDGE_FIRST_ADMIN = props.firstAdmin;
    if (spec.readsPlatformSecrets) environment.SECRETS_ARN = state.platformSecret.secretArn;
    if (spec.readsSigningKeys) environment.SIGNING_KEYS_SECRET_ARN = state.signingSecret.secretArn;
    if (spec.schedulesActions === true) {
      if (props.actionScheduling === undefined) throw new Error(`function "${spec.name}" schedules actions: it needs the schedule group, the scheduler's role and the target`);
      environment.SCHEDULE_GROUP = props.actionScheduling.groupName;
      environment.SCHEDULER_ROLE_ARN = props.actionScheduling.roleArn;
      environment.SCHEDULE_TARGET_ARN = props.actionScheduling.targetArn;
    }
    if (spec.sendsToPollQueue === true || spec.consumesPollQueue !== undefined) {
      if (props.pollQueue === undefined) throw new Error(`function "${spec.name}" uses the poll queue: it needs the queue`);
    }
    if (spec.sendsToPollQueue === true) environment.POLL_QUEUE_URL = props.pollQueue!.queueUrl;
    if (spec.sendsEmail) {
      if (props.mailFrom === undefined) {
        throw new Error(`function "${spec.name}" sends email: set the sender (context mailFrom or PRESSBRIDGE_MAIL_FROM, see docs/deploy.md)`);
      }
      environment.MAIL_FROM = props.mailFrom;
      if (props.sesConfigurationSet !== undefined) environment.SES_CONFIGURATION_SET = props.sesConfigurationSet;
    }
    const envBytes = environmentBytes(environment);
    if (envBytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
      throw new Error(
        `function "${spec.name}": its environment would take ~${envBytes} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}-byte limit ` +
          "(see docs/deploy.md).",
      );
    }

    const reserved = props.reservedConcurrency === "none" ? undefined : (props.reservedConcurrency ?? spec.reservedConcurrency);
    this.function = new lambda.Function(this, "Function", {
      description: spec.description,
      ...(props.functionName === undefined ? {} : { functionName: props.functionName }),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: "index.handler",
      code: props.code ?? lambda.Code.fromAsset(ensureBundle(spec.name).dir),
      memorySize: spec.memoryMiB ?? 512,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment,
      layers: [props.configLayer],
      ...(reserved === undefined ? {} : { reservedConcurrentExecutions: reserved }),
      ...(this.deadLetterQueue === undefined
        ? {}
        : {
            onFailure: new destinations.SqsDestination(this.deadLetterQueue),
            retryAttempts: spec.asyncRetryAttempts ?? 2,
            maxEventAge: Duration.seconds(spec.maxEventAgeSeconds ?? 6 * 3600),
          }),
    });

    this.grantTable(state);
    if (spec.putsEvents) state.bus.grantPutEventsTo(this.role);
    const secretsRead = [
      ...(spec.readsPlatformSecrets ? [state.platformSecret] : []),
      ...(spec.readsSigningKeys ? [state.signingSecret] : []),
    ];
    if (secretsRead.length > 0) {
      // Not secret.grantRead(): that adds secretsmanager:DescribeSecret, which no function calls.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: secretsRead.map((s) => s.secretArn) }),
      );
    }
    if (spec.sendsEmail && props.mailFrom !== undefined) this.grantSendEmail(props.mailFrom, props.sesConfigurationSet);
    if (spec.schedulesActions === true && props.actionScheduling !== undefined) this.grantActionScheduling(props.actionScheduling);
    if (spec.sendsToPollQueue === true) {
      // Not queue.grantSendMessages(): that adds GetQueueAttributes and GetQueueUrl, which nothing calls.
      // SendMessageBatch is authorised as sqs:SendMessage
      // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [props.pollQueue!.queueArn] }));
    }
    if (spec.consumesPollQueue !== undefined) {
      // Lambda polls the queue with the function's role (ReceiveMessage, DeleteMessage,
      // ChangeMessageVisibility, GetQueueAttributes: granted by the event source on the queue only) and
      // redelivers only the messages the function names in batchItemFailures.
      this.function.addEventSource(
        new lambdaEventSources.SqsEventSource(props.pollQueue as sqs.IQueue, {
          batchSize: spec.consumesPollQueue.batchSize,
          maxConcurrency: spec.consumesPollQueue.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }

    if (spec.httpEndpoint) {
      // The approval app authenticates every request itself (signed, expiring links), so the URL is public.
      this.functionUrl = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    }

    this.addAlarms(props.alarmAction);

    NagSuppressions.addResourceSuppressions(
      this.role,
      [
        {
          id: "AwsSolutions-IAM5",
          reason:
            "xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) do not support resource-level " +
            "permissions, so their resource must be '*'. Every other statement of this role names its resources.",
          appliesTo: ["Resource::*"],
        },
        ...(spec.schedulesActions === true
          ? [
              {
                id: "AwsSolutions-IAM5",
                reason:
                  "scheduler:CreateSchedule, UpdateSchedule and DeleteSchedule on schedule/<the stage's group>/*: one one-time " +
                  "schedule per scheduled action, named at run time (pb-<SHA-256 of plan and action>), so the names cannot be " +
                  "listed at deploy; the wildcard never leaves the stage's schedule group.",
                appliesTo: [{ regex: "/^Resource::arn:<AWS::Partition>:scheduler:.+:schedule\\/[^/*]+\\/\\*$/g" }],
              },
            ]
          : []),
      ],
      true,
    );
  }

  /**
   * Exactly the spec's table actions on the table ARN, and dynamodb:Query (only) on the index ARNs of
   * the indexes it queries. IAM checks a Query of an index against the index's ARN and a Query of the
   * table against the table's, so each is granted only where the code makes it.
   */
  private grantTable(state: PressbridgeState): void {
    const { name, tableActions: actions, queriesIndexes: indexes = [] } = this.spec;
    if (this.spec.loadsWorkspace === true) {
      const missing = WORKSPACE_ACTIONS.filter((a) => !actions.includes(a));
      if (missing.length > 0) throw new Error(`function "${name}" loads the workspace, which may seed it: its tableActions need ${missing.join(", ")}`);
    }
    if (actions.length > 0) this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: [state.table.tableArn] }));
    if (indexes.length === 0) return;
    for (const index of indexes) {
      if (!state.indexNames.includes(index)) throw new Error(`function "${name}": the table has no index "${index}" (it has ${state.indexNames.join(", ")})`);
    }
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:Query"],
        resources: [...new Set(indexes)].map((index) => `${state.table.tableArn}/index/${index}`),
      }),
    );
  }

  /**
   * ses:SendEmail on the sender's identities (the address and its domain: either may be the verified
   * one), and on the configuration set the sends name. SES v2 SendEmail authorises the identity
   * (required) and, when the request names a ConfigurationSetName, the configuration set too; its ARN
   * is arn:${Partition}:ses:${Region}:${Account}:configuration-set/${ConfigurationSetName}
   * ("Actions, resources, and condition keys for Amazon Simple Email Service v2", SendEmail and the
   * configuration-set resource type:
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsimpleemailservicev2.html).
   * Without it, every send with SES_CONFIGURATION_SET set would be denied.
   */
  private grantSendEmail(mailFrom: string, configurationSet: string | undefined): void {
    const stack = Stack.of(this);
    const domain = mailFrom.slice(mailFrom.lastIndexOf("@") + 1);
    const resources = [mailFrom, domain].map((identity) => stack.formatArn({ service: "ses", resource: "identity", resourceName: identity }));
    if (configurationSet !== undefined) {
      resources.push(stack.formatArn({ service: "ses", resource: "configuration-set", resourceName: configurationSet }));
    }
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["ses:SendEmail"], resources }));
  }

  /**
   * Exactly what EventBridgeActionScheduler calls: CreateSchedule, UpdateSchedule and DeleteSchedule
   * on the schedules of the stage's group, whose ARNs are
   * arn:${Partition}:scheduler:${Region}:${Account}:schedule/${GroupName}/${ScheduleName}
   * ("Actions, resources, and condition keys for Amazon EventBridge Scheduler", the schedule resource
   * type: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html);
   * the names are per action (pb-<hash>), made at run time, hence `*` within the group. Creating or
   * updating a schedule passes its execution role, so iam:PassRole on the scheduler's role, and only
   * to Scheduler (iam:PassedToService). No GetSchedule, ListSchedules or TagResource: nothing calls them.
   */
  private grantActionScheduling(scheduling: ActionScheduling): void {
    const stack = Stack.of(this);
    const schedules = stack.formatArn({ service: "scheduler", resource: "schedule", resourceName: `${scheduling.groupName}/*` });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"], resources: [schedules] }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["iam:PassRole"],
        resources: [scheduling.roleArn],
        conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
      }),
    );
  }

  private addAlarms(action: cloudwatch.IAlarmAction | undefined): void {
    const name = this.spec.name;
    this.alarms.push(
      this.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }).createAlarm(this, "ErrorsAlarm", {
        alarmDescription: `${name}: the function failed (see its logs)`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    if (this.deadLetterQueue !== undefined) {
      this.alarms.push(
        this.deadLetterQueue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM })
          .createAlarm(this, "DeadLettersAlarm", {
            alarmDescription: `${name}: events are waiting in its dead-letter queue (inspect, fix, redrive: docs/deploy.md)`,
            threshold: 0,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    for (const spec of this.spec.metricAlarms ?? []) {
      const metric = new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: spec.metricName,
        dimensionsMap: { service: name },
        statistic: spec.statistic ?? cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(spec.periodMinutes ?? 60),
      });
      this.alarms.push(
        metric.createAlarm(this, `${spec.metricName}Alarm`, {
          alarmDescription: `${name}: ${spec.description}`,
          threshold: spec.threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    if (action !== undefined) for (const alarm of this.alarms) alarm.addAlarmAction(action);
  }
}
