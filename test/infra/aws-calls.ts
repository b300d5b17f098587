import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Template } from "aws-cdk-lib/assertions";
import { resourcesOf } from "./synth.ts";

/**
 * Replaying a function's AWS calls against its synthesised role (test/infra/function-permissions.test.ts):
 *
 * 1. `startRecording` installs an AWS SDK middleware (initialize step, so one record per logical call,
 *    retries included once) on every SDK client the first time the client sends; while a function is
 *    being replayed (`recordAs`), each command is recorded as (service, operation, input).
 * 2. `iamRequirements` turns a call into what IAM authorises it by: the action and resource of each
 *    requirement (a TransactWriteItems is one requirement per item, a SendEmail one for the identity
 *    and one for the configuration set it names), each satisfied by any one of its candidate ARNs.
 * 3. `roleGrants` reads the function's role from the template, with CloudFormation intrinsics
 *    resolved to the same concrete names the replay ran with, and `allows` evaluates them
 *    (Allow statements, `*`/`?` wildcards; the roles have no Deny, and the one condition they use is
 *    iam:PassedToService on iam:PassRole, which a requirement to pass a role to a service must match).
 */

export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";
const PSEUDO: Readonly<Record<string, string>> = {
  "AWS::Partition": "aws",
  "AWS::Region": REGION,
  "AWS::AccountId": ACCOUNT,
  "AWS::URLSuffix": "amazonaws.com",
};

export interface AwsCall {
  /** The function being replayed when the call was sent. */
  fn: string;
  service: string;
  operation: string;
  input: Record<string, unknown>;
}

export interface IamRequirement {
  action: string;
  /** Any one of these ARNs satisfies it (a sender's address identity or its domain identity). */
  anyOf: string[];
  /** iam:PassRole: the service the role is passed to (the iam:PassedToService condition key). */
  passedToService?: string;
}

const recorded: AwsCall[] = [];
let current: string | undefined;
let installed = false;
/** Calls whose answer is to be lost: the request is sent (and applied), then the caller sees a timeout. */
const answersToLose: Array<(call: AwsCall) => boolean> = [];

/**
 * The next call matching `match` is sent and applied, but its answer is lost: the caller gets a
 * TimeoutError, as when a connection drops after the service acted. This is how the replay reaches
 * the paths that recognise their own earlier write.
 */
export function loseNextAnswer(match: (call: AwsCall) => boolean): void {
  answersToLose.push(match);
}

const SERVICES: Readonly<Record<string, string>> = {
  DynamoDBClient: "dynamodb",
  EventBridgeClient: "events",
  SecretsManagerClient: "secretsmanager",
  SESv2Client: "ses",
  SchedulerClient: "scheduler",
  SQSClient: "sqs",
};

/**
 * Installs the recording middleware (idempotent). Calls are recorded only inside `recordAs`. The
 * `send` of the smithy Client base class every SDK client of the five services extends is wrapped
 * (found through each client class, whatever smithy package and version provides it).
 */
export function startRecording(): void {
  if (installed) return;
  installed = true;
  const stacks = new WeakSet<object>();
  const bases = new Set<{ send: (...args: unknown[]) => unknown }>();
  for (const client of [DynamoDBClient, EventBridgeClient, SecretsManagerClient, SESv2Client, SchedulerClient, SQSClient]) {
    let proto: unknown = client.prototype;
    while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, "send")) proto = Object.getPrototypeOf(proto);
    if (proto === null) throw new Error(`${client.name}: no send() in its prototype chain`);
    bases.add(proto as { send: (...args: unknown[]) => unknown });
  }
  for (const base of bases) wrapSend(base, stacks);
}

type Stack = { add(mw: unknown, options: { step: string; name: string; priority: string }): void };

function wrapSend(base: { send: (...args: unknown[]) => unknown }, stacks: WeakSet<object>): void {
  const send = base.send;
  base.send = function (this: { middlewareStack: Stack }, ...args: unknown[]) {
    const stack = this.middlewareStack;
    if (!stacks.has(stack)) {
      stacks.add(stack);
      stack.add(
        (next: (a: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
          if (current === undefined) return next(args);
          const client = context.clientName ?? "UnknownClient";
          const call: AwsCall = {
            fn: current,
            service: SERVICES[client] ?? client,
            operation: (context.commandName ?? "Unknown").replace(/Command$/, ""),
            input: structuredClone(args.input),
          };
          recorded.push(call);
          const lose = answersToLose.findIndex((match) => match(call));
          if (lose === -1) return next(args);
          answersToLose.splice(lose, 1);
          await next(args);
          throw Object.assign(new Error(`${call.operation}: the answer was lost (replay)`), { name: "TimeoutError" });
        },
        { step: "initialize", name: "pressbridgeReplayRecorder", priority: "high" },
      );
    }
    return send.apply(this, args);
  };
}

/** Runs `body` with every AWS call recorded as made by `fn`. */
export async function recordAs<T>(fn: string, body: () => Promise<T>): Promise<T> {
  current = fn;
  try {
    return await body();
  } finally {
    current = undefined;
  }
}

export function callsOf(fn: string): AwsCall[] {
  return recorded.filter((c) => c.fn === fn);
}

export const tableArn = (table: string): string => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`;
export const busArn = (bus: string): string => (bus.startsWith("arn:") ? bus : `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${bus}`);
const sesArn = (resource: string): string => `arn:aws:ses:${REGION}:${ACCOUNT}:${resource}`;
/** arn:${Partition}:scheduler:${Region}:${Account}:schedule/${GroupName}/${ScheduleName} (no GroupName: the default group). */
export const scheduleArn = (group: unknown, name: unknown): string => `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${typeof group === "string" ? group : "default"}/${String(name)}`;

/** A queue URL's ARN: <endpoint>/<account>/<name> -> arn:aws:sqs:<region>:<account>:<name>. */
export const queueArnOf = (queueUrl: string): string => {
  const [account, name] = new URL(queueUrl).pathname.split("/").filter(Boolean);
  return `arn:aws:sqs:${REGION}:${account}:${name}`;
};

/** Item-level DynamoDB operations: IAM action = dynamodb:<operation> on the table. */
const ITEM_OPERATIONS = new Set(["GetItem", "PutItem", "UpdateItem", "DeleteItem"]);
/** A transaction's item kinds and the action IAM authorises each by. */
const TRANSACT_ITEM_ACTIONS: Readonly<Record<string, string>> = {
  Put: "dynamodb:PutItem",
  Update: "dynamodb:UpdateItem",
  Delete: "dynamodb:DeleteItem",
  ConditionCheck: "dynamodb:ConditionCheckItem",
  Get: "dynamodb:GetItem",
};

/** What IAM checks for one SDK call. Unknown operations map to `<service>:<operation>` on "*", so they fail unless granted. */
export function iamRequirements(call: AwsCall): IamRequirement[] {
  const { service, operation, input } = call;
  const one = (action: string, arn: string): IamRequirement => ({ action, anyOf: [arn] });
  if (service === "dynamodb") {
    if (ITEM_OPERATIONS.has(operation)) return [one(`dynamodb:${operation}`, tableArn(String(input.TableName)))];
    if (operation === "Query" || operation === "Scan") {
      const table = tableArn(String(input.TableName));
      return [one(`dynamodb:${operation}`, typeof input.IndexName === "string" ? `${table}/index/${input.IndexName}` : table)];
    }
    if (operation === "BatchGetItem" || operation === "BatchWriteItem") {
      return Object.keys(input.RequestItems as object).map((table) => one(`dynamodb:${operation}`, tableArn(table)));
    }
    if (operation === "TransactWriteItems" || operation === "TransactGetItems") {
      return (input.TransactItems as Array<Record<string, { TableName: string }>>).map((item) => {
        const [kind, body] = Object.entries(item)[0]!;
        return one(TRANSACT_ITEM_ACTIONS[kind] ?? `dynamodb:${kind}`, tableArn(body.TableName));
      });
    }
    return [one(`dynamodb:${operation}`, typeof input.TableName === "string" ? tableArn(input.TableName) : "*")];
  }
  if (service === "events" && operation === "PutEvents") {
    const buses = new Set((input.Entries as Array<{ EventBusName?: string }>).map((e) => e.EventBusName ?? "default"));
    return [...buses].map((bus) => one("events:PutEvents", busArn(bus)));
  }
  if (service === "scheduler" && (operation === "CreateSchedule" || operation === "UpdateSchedule")) {
    // Creating or updating a schedule passes its execution role to Scheduler.
    const roleArn = String((input.Target as { RoleArn?: unknown } | undefined)?.RoleArn);
    return [one(`scheduler:${operation}`, scheduleArn(input.GroupName, input.Name)), { action: "iam:PassRole", anyOf: [roleArn], passedToService: "scheduler.amazonaws.com" }];
  }
  if (service === "scheduler" && (operation === "DeleteSchedule" || operation === "GetSchedule")) return [one(`scheduler:${operation}`, scheduleArn(input.GroupName, input.Name))];
  // SendMessageBatch is authorised as sqs:SendMessage, on the queue the QueueUrl names
  // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
  if (service === "sqs" && (operation === "SendMessage" || operation === "SendMessageBatch")) return [one("sqs:SendMessage", queueArnOf(String(input.QueueUrl)))];
  if (service === "secretsmanager" && operation === "GetSecretValue") return [one("secretsmanager:GetSecretValue", String(input.SecretId))];
  if (service === "ses" && operation === "SendEmail") {
    // FromEmailAddress may be `Name <address>`; SES authorises the address's identity or its domain's.
    const from = String(input.FromEmailAddress);
    const address = /<([^>]+)>\s*$/.exec(from)?.[1] ?? from;
    const domain = address.slice(address.lastIndexOf("@") + 1);
    const requirements = [{ action: "ses:SendEmail", anyOf: [sesArn(`identity/${address}`), sesArn(`identity/${domain}`)] }];
    if (typeof input.ConfigurationSetName === "string") requirements.push(one("ses:SendEmail", sesArn(`configuration-set/${input.ConfigurationSetName}`)));
    return requirements;
  }
  return [one(`${service}:${operation}`, "*")];
}

// ---- the role, resolved ----------------------------------------------------------------------

export interface Grant {
  action: string;
  resource: string;
  /** The iam:PassedToService the statement requires (StringEquals), if any. */
  passedToService?: string;
}

/** Concrete values for the template's resources: `Ref` and `Fn::GetAtt` by logical id. */
export type Resolver = (logicalId: string, attribute: string | undefined) => string;

/** Resolves Ref (pseudo parameters and resources), Fn::GetAtt and Fn::Join; anything else fails loudly. */
export function resolve(value: unknown, resolver: Resolver): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === "string") return PSEUDO[v.Ref] ?? resolver(v.Ref, undefined);
    if (Array.isArray(v["Fn::GetAtt"])) {
      const [id, attribute] = v["Fn::GetAtt"] as [string, string];
      return resolver(id, attribute);
    }
    if (Array.isArray(v["Fn::Join"])) {
      const [separator, parts] = v["Fn::Join"] as [string, unknown[]];
      return parts.map((p) => resolve(p, resolver)).join(separator);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/**
 * The replay's names for the template's resources: the table is `tableName`, the bus keeps its Name,
 * each secret gets an ARN derived from its logical id, the Function URL is `webUrl`. Other resources
 * (log groups, queues) get a placeholder: no SDK call of the code targets them.
 */
export function replayResolver(template: Template, names: { tableName: string; webUrl: string; sqsUrl?: string }): Resolver {
  const resources = (template.toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }).Resources;
  return (id, attribute) => {
    const resource = resources[id];
    switch (resource?.Type) {
      case "AWS::DynamoDB::Table":
        return attribute === undefined ? names.tableName : tableArn(names.tableName);
      case "AWS::Events::EventBus": {
        const name = String(resource.Properties!.Name);
        return attribute === undefined ? name : busArn(name);
      }
      case "AWS::SecretsManager::Secret":
        return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-AbCdEf`;
      case "AWS::Lambda::Url":
        return names.webUrl;
      case "AWS::SQS::Queue":
        // Ref is the queue URL (on the loopback SQS when given), Arn its ARN.
        return attribute === undefined ? `${names.sqsUrl ?? `https://sqs.${REGION}.amazonaws.com`}/${ACCOUNT}/${id}` : `arn:aws:sqs:${REGION}:${ACCOUNT}:${id}`;
      default:
        return `<${id}${attribute === undefined ? "" : `.${attribute}`}>`;
    }
  };
}

/**
 * Actions the Lambda service, runtime and X-Ray daemon use with the function's role, not its code:
 * logs into its log group, X-Ray segments, sending a failed asynchronous invocation to its
 * dead-letter queue (the on-failure destination), and the SQS event source mapping's polling of
 * the poll queue (ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes,
 * GetQueueUrl). No code of ours calls CloudWatch Logs or X-Ray; the one SQS call of ours is the
 * dispatcher's SendMessageBatch (sqs:SendMessage on the poll queue), which is checked.
 */
const RUNTIME_ACTIONS = /^(logs|xray):/;
const isRuntimeGrant = (action: string, resource: string): boolean =>
  RUNTIME_ACTIONS.test(action) || (/^sqs:/i.test(action) && !(action === "sqs:SendMessage" && !/DeadLetters/.test(resource)));

/** Every (action, resource) the function's role allows, resolved; runtime grants (logs, X-Ray) left out. */
export function roleGrants(template: Template, fnId: string, resolver: Resolver): Grant[] {
  const fn = resourcesOf(template, "AWS::Lambda::Function")[fnId]!;
  const roleId = (fn.Properties!.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
  const policies = Object.values(resourcesOf(template, "AWS::IAM::Policy")).filter((p) =>
    (p.Properties!.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
  );
  const role = resourcesOf(template, "AWS::IAM::Role")[roleId]!;
  if (role.Properties!.ManagedPolicyArns !== undefined || role.Properties!.Policies !== undefined) {
    throw new Error(`role of ${fnId}: managed or inline role policies are not replayed`);
  }
  const grants: Grant[] = [];
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown; NotAction?: unknown; NotResource?: unknown };
  for (const policy of policies) {
    for (const s of (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement) {
      const passedToService = passedToServiceOf(s.Condition);
      if (s.Effect !== "Allow" || (s.Condition !== undefined && passedToService === undefined) || s.NotAction !== undefined || s.NotResource !== undefined) {
        throw new Error(`role of ${fnId}: a statement this replay cannot evaluate: ${JSON.stringify(s)}`);
      }
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      if (passedToService !== undefined && actions.some((a) => a !== "iam:PassRole")) throw new Error(`role of ${fnId}: iam:PassedToService on an action other than iam:PassRole: ${JSON.stringify(s)}`);
      const resources = (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => resolve(r, resolver));
      for (const action of actions) {
        for (const resource of resources) {
          if (isRuntimeGrant(action, resource)) continue;
          grants.push(passedToService === undefined ? { action, resource } : { action, resource, passedToService });
        }
      }
    }
  }
  return grants;
}

/** The service of a `{"StringEquals": {"iam:PassedToService": "<service>"}}` condition, the only one the replay evaluates. */
function passedToServiceOf(condition: unknown): string | undefined {
  if (typeof condition !== "object" || condition === null) return undefined;
  const entries = Object.entries(condition as Record<string, unknown>);
  if (entries.length !== 1 || entries[0]![0] !== "StringEquals") return undefined;
  const keys = Object.entries(entries[0]![1] as Record<string, unknown>);
  if (keys.length !== 1 || keys[0]![0] !== "iam:PassedToService" || typeof keys[0]![1] !== "string") return undefined;
  return keys[0]![1];
}

function wildcard(pattern: string, flags = ""): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags);
}

/** Whether a grant covers an action on a resource (IAM: actions case-insensitive, resources case-sensitive). */
export function covers(grant: Grant, action: string, resource: string): boolean {
  return wildcard(grant.action, "i").test(action) && wildcard(grant.resource).test(resource);
}

/** A grant with iam:PassedToService allows passing the role to that service only. */
const conditionMet = (grant: Grant, requirement: IamRequirement): boolean => grant.passedToService === undefined || grant.passedToService === requirement.passedToService;

export function allows(grants: readonly Grant[], requirement: IamRequirement): boolean {
  return requirement.anyOf.some((resource) => grants.some((g) => covers(g, requirement.action, resource) && conditionMet(g, requirement)));
}

/** Whether any requirement of the calls is what this grant is for. */
export function used(grant: Grant, requirements: readonly IamRequirement[]): boolean {
  return requirements.some((r) => r.anyOf.some((resource) => covers(grant, r.action, resource) && conditionMet(grant, r)));
}
