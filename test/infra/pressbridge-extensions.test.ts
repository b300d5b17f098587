import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Annotations, Match, type Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig, type Route } from "@pressbridge/core";
import type { FunctionSpec } from "../../infra/function-specs.ts";
import { loadServiceConfig, serviceProps } from "../../infra/service-settings.ts";
import { actionsOf, functionId, nagFindings, resourcesOf, roleStatements, synthStack } from "./synth.ts";

/**
 * The construct's extension points, exercised with test-only specs and inline code (no bundling): what
 * notify-approvers, the approval web app, publish and the audit will switch on with one line each.
 */
const inline = () => lambda.Code.fromInline("export const handler = async () => ({});");
const SPECS: readonly FunctionSpec[] = [
  { name: "mailer", description: "sends mail", tableActions: ["dynamodb:GetItem"], putsEvents: false, sendsEmail: true },
  { name: "web", description: "web app", tableActions: ["dynamodb:GetItem", "dynamodb:UpdateItem"], putsEvents: true, httpEndpoint: true },
  { name: "publisher", description: "publishes", tableActions: ["dynamodb:GetItem"], putsEvents: true, readsPlatformSecrets: true, reservedConcurrency: 2 },
  {
    name: "auditor",
    description: "audits hourly",
    tableActions: ["dynamodb:Query"],
    putsEvents: true,
    schedule: { expression: "rate(1 hour)", input: { source: "schedule" } },
    metricAlarms: [{ metricName: "MissedWindows", threshold: 0, description: "a release missed its window" }],
  },
];
const ROUTES: readonly Route[] = [{ consumer: "mailer", detailTypes: ["Amplification Planned"], description: "mail approvers" }];
const base = { functions: SPECS, routes: ROUTES, pendingConsumers: [], codeFor: inline, mailFrom: "pressbridge@news.example.com" };

let template: Template;
let nag: ReturnType<typeof nagFindings>;
beforeAll(() => {
  const synth = synthStack("ext", { ...base, alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:on-call" }, true);
  template = synth.template;
  nag = nagFindings(synth.stack);
});

describe("extension points", () => {
  it("sendsEmail: MAIL_FROM and ses:SendEmail on the sender's address and domain identities only", () => {
    const fnId = functionId(template, "mailer");
    const fn = resourcesOf(template, "AWS::Lambda::Function")[fnId]!.Properties!;
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables.MAIL_FROM).toBe("pressbridge@news.example.com");
    const ses = roleStatements(template, fnId).filter((s) => actionsOf(s).some((a) => a.startsWith("ses:")));
    expect(ses).toHaveLength(1);
    expect(actionsOf(ses[0]!)).toEqual(["ses:SendEmail"]);
    const resources = JSON.stringify(ses[0]!.Resource);
    expect(resources).toContain(":identity/pressbridge@news.example.com");
    expect(resources).toContain(":identity/news.example.com");
    expect(resources).not.toContain(":configuration-set/");
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables.SES_CONFIGURATION_SET).toBeUndefined();
    for (const other of ["web", "publisher", "auditor"]) {
      expect(roleStatements(template, functionId(template, other)).flatMap(actionsOf).some((a) => a.startsWith("ses:"))).toBe(false);
    }
  });

  it("sesConfigurationSet: SES_CONFIGURATION_SET, and ses:SendEmail on the configuration set as well as the identities", () => {
    const { template: t } = synthStack("ext", { ...base, sesConfigurationSet: "pressbridge-events" });
    const fnId = functionId(t, "mailer");
    const fn = resourcesOf(t, "AWS::Lambda::Function")[fnId]!.Properties!;
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables.SES_CONFIGURATION_SET).toBe("pressbridge-events");
    const ses = roleStatements(t, fnId).filter((s) => actionsOf(s).some((a) => a.startsWith("ses:")));
    expect(ses).toHaveLength(1);
    expect(ses[0]!.Resource).toEqual([
      expect.anything(),
      expect.anything(),
      { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":ses:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":configuration-set/pressbridge-events"]] },
    ]);
    for (const other of ["web", "publisher", "auditor"]) {
      const variables = (resourcesOf(t, "AWS::Lambda::Function")[functionId(t, other)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.SES_CONFIGURATION_SET, other).toBeUndefined();
    }
    expect(() => synthStack("ext", { ...base, sesConfigurationSet: "not a name!" })).toThrow(/sesConfigurationSet "not a name!": must be an SES configuration set name/);
  });

  it("sendsEmail without a sender fails the synth naming the setting", () => {
    expect(() => synthStack("ext", { ...base, mailFrom: undefined })).toThrow(/mailer.*sends email.*PRESSBRIDGE_MAIL_FROM/);
  });

  it("httpEndpoint: a Function URL (the app authenticates its signed links itself) and an output", () => {
    template.resourceCountIs("AWS::Lambda::Url", 1);
    template.hasResourceProperties("AWS::Lambda::Url", { AuthType: "NONE", TargetFunctionArn: { "Fn::GetAtt": [functionId(template, "web"), "Arn"] } });
    expect(Object.keys(template.findOutputs("*")).some((id) => id.includes("WebUrl"))).toBe(true);
  });

  it("readsPlatformSecrets: SECRETS_ARN and read access to that secret, for that function only", () => {
    const secretId = Object.keys(resourcesOf(template, "AWS::SecretsManager::Secret"))[0]!;
    for (const spec of SPECS) {
      const fnId = functionId(template, spec.name);
      const variables = (resourcesOf(template, "AWS::Lambda::Function")[fnId]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      const secretStatements = roleStatements(template, fnId).filter((s) => actionsOf(s).some((a) => a.startsWith("secretsmanager:")));
      if (spec.readsPlatformSecrets) {
        expect(variables.SECRETS_ARN).toEqual({ Ref: secretId });
        expect(secretStatements).toEqual([
          { Action: "secretsmanager:GetSecretValue", Effect: "Allow", Resource: { Ref: secretId } },
        ]);
      } else {
        expect(variables.SECRETS_ARN).toBeUndefined();
        expect(secretStatements).toEqual([]);
      }
    }
  });

  it("reservedConcurrency caps the function", () => {
    const fn = resourcesOf(template, "AWS::Lambda::Function")[functionId(template, "publisher")]!.Properties!;
    expect(fn.ReservedConcurrentExecutions).toBe(2);
  });

  it("schedule + metricAlarms: the hourly audit schedule and its missed-window alarm", () => {
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(1 hour)",
      Target: Match.objectLike({ Arn: { "Fn::GetAtt": [functionId(template, "auditor"), "Arn"] }, Input: '{"source":"schedule"}' }),
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "Pressbridge",
      MetricName: "MissedWindows",
      Dimensions: [{ Name: "service", Value: "auditor" }],
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
    });
  });

  it("only asynchronous functions (rule consumers, scheduled) get a DLQ", () => {
    const queues = Object.keys(resourcesOf(template, "AWS::SQS::Queue"));
    expect(queues.map((q) => q.replace(/DeadLetters.*/, "")).sort()).toEqual(["PressbridgeComputeAuditor", "PressbridgeComputeMailer"]);
    template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 2);
  });

  it("every alarm notifies the alarm topic when one is given", () => {
    const alarms = Object.values(resourcesOf(template, "AWS::CloudWatch::Alarm"));
    expect(alarms.length).toBeGreaterThan(SPECS.length);
    for (const alarm of alarms) expect(alarm.Properties!.AlarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:on-call"]);
  });

  it("cdk-nag finds nothing unsuppressed with every extension switched on", () => {
    expect(nag.errors).toEqual([]);
    expect(nag.warnings).toEqual([]);
  });

  it("an existing platform secret is referenced by ARN instead of creating one", () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pressbridge/platforms-AbCdEf";
    const { template: t } = synthStack("ext", { ...base, platformSecretArn: arn });
    // Only the generated signing-key secret remains; the platform secret is the given one.
    t.resourceCountIs("AWS::SecretsManager::Secret", 1);
    const variables = (resourcesOf(t, "AWS::Lambda::Function")[functionId(t, "publisher")]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.SECRETS_ARN).toBe(arn);
  });
});

describe("routing drift and validation", () => {
  it("a routes-table consumer with no function spec fails the synth, naming the one line to add", () => {
    expect(() => synthStack("ext", { ...base, routes: [...ROUTES, { consumer: "ghost", detailTypes: ["Release Detected"], description: "x" }] })).toThrow(
      /consumer "ghost" has no function spec.*infra\/function-specs\.ts/,
    );
  });

  it("a pending consumer gets no rule and a synth warning", () => {
    const pendingRoutes: Route[] = [...ROUTES, { consumer: "later", detailTypes: ["Amplification Approved"], description: "x" }];
    const { stack, template: t } = synthStack("ext", { ...base, routes: pendingRoutes, pendingConsumers: ["later"] });
    t.resourceCountIs("AWS::Events::Rule", 1);
    const warnings = Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("later.*not deployed yet"));
    expect(warnings).toHaveLength(1);
  });

  it("rejects bad stage names and sender addresses, and private feed hosts in production", () => {
    expect(() => synthStack("Prod", {})).toThrow(/stage "Prod": must be 1-31 lower-case/);
    expect(() => synthStack("dev", { ...base, mailFrom: "not-an-address" })).toThrow(/mailFrom "not-an-address"/);
    const permissive = parseConfig({ security: { allowPrivateFeedHosts: true } });
    expect(() => synthStack("prod", { config: permissive })).toThrow(/allowPrivateFeedHosts: must be false on the production stage/);
  });

  it("ships a config of any realistic size in the config layer, not the 4 KB environment", () => {
    const feeds = Array.from({ length: 1000 }, (_, i) => ({ id: `feed-${i}`, url: `https://newsroom-${i}.example.com/rss/press-releases.xml` }));
    const config = parseConfig({ feeds });
    const { template } = synthStack("dev", { ...base, config });
    const layers = template.findResources("AWS::Lambda::LayerVersion");
    expect(Object.keys(layers)).toHaveLength(1);
    for (const fn of Object.values(template.findResources("AWS::Lambda::Function"))) {
      const vars = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      if (vars.TABLE_NAME === undefined) continue; // CDK's own helper functions
      expect(vars.PRESSBRIDGE_CONFIG_FILE).toBe("/opt/pressbridge.config.json");
    }
  });
});

describe("service settings (shared by infra/app.ts and sst.config.ts)", () => {
  const dir = mkdtempSync(join(tmpdir(), "pressbridge-settings-"));

  it("uses the empty config when no file is named and pressbridge.config.json is absent", () => {
    expect(loadServiceConfig(undefined, dir)).toEqual({ config: parseConfig({}), people: [] });
  });

  it("reads pressbridge.config.json from the root by default, and a named file relative to it", () => {
    writeFileSync(join(dir, "pressbridge.config.json"), JSON.stringify({ feeds: [{ id: "a", url: "https://a.example/rss" }] }));
    expect(loadServiceConfig(undefined, dir).config.feeds.map((f) => f.id)).toEqual(["a"]);
    writeFileSync(join(dir, "stage.json"), JSON.stringify({ feeds: [{ id: "b", url: "https://b.example/rss" }] }));
    expect(loadServiceConfig("stage.json", dir).config.feeds.map((f) => f.id)).toEqual(["b"]);
  });

  it("fails naming a missing named file, invalid JSON, or the invalid field and the file", () => {
    expect(() => loadServiceConfig("missing.json", dir)).toThrow(/PRESSBRIDGE_CONFIG_FILE: no config file at .*missing\.json/);
    writeFileSync(join(dir, "broken.json"), "{");
    expect(() => loadServiceConfig("broken.json", dir)).toThrow(/broken\.json is not valid JSON/);
    writeFileSync(join(dir, "invalid.json"), JSON.stringify({ feeds: [{ id: "a", url: "ftp://a.example/rss" }] }));
    expect(() => loadServiceConfig("invalid.json", dir)).toThrow(/^feeds\[0\]\.url: must be an http\(s\) URL \(in .*invalid\.json\)$/);
  });

  it("takes each setting from context first, then the environment", () => {
    const settings: Record<string, string> = { mailFrom: "ctx@news.example.com", PRESSBRIDGE_ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:1:t", PRESSBRIDGE_CONFIG_FILE: "stage.json" };
    const props = serviceProps("qa", (key, env) => settings[key] ?? settings[env], dir);
    expect(props).toMatchObject({ stage: "qa", mailFrom: "ctx@news.example.com", alarmTopicArn: "arn:aws:sns:us-east-1:1:t" });
    expect(props.config.feeds.map((f) => f.id)).toEqual(["b"]);
    expect(props.platformSecretArn).toBeUndefined();
    expect(props.sesConfigurationSet).toBeUndefined();
    expect(props.webReservedConcurrency).toBeUndefined();
  });

  it("reads the SES configuration set and the web app's reserved concurrency (a number or \"none\")", () => {
    const settings: Record<string, string> = { PRESSBRIDGE_SES_CONFIGURATION_SET: "pressbridge-events", webReservedConcurrency: "20" };
    expect(serviceProps("qa", (key, env) => settings[key] ?? settings[env], dir)).toMatchObject({ sesConfigurationSet: "pressbridge-events", webReservedConcurrency: 20 });
    expect(serviceProps("qa", (key) => (key === "webReservedConcurrency" ? "none" : undefined), dir).webReservedConcurrency).toBe("none");
    expect(() => serviceProps("qa", (key) => (key === "webReservedConcurrency" ? "lots" : undefined), dir)).toThrow(/webReservedConcurrency: "lots" must be a whole number/);
  });
});
