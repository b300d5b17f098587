/**
 * The stateful half of the service: the one DynamoDB table, the EventBridge bus with its replay
 * archive, the schedule group of the scheduled actions' one-time schedules, and the
 * platform-credentials secret. Kept apart from the functions so stateless parts can
 * be replaced freely while these are protected on production stages (deletion protection, RETAIN).
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";
// The exact modules, not the package barrels: infra needs only the key names and the event source,
// and the barrels would pull the adapters' AWS SDK clients into every synth.
import { TABLE_KEYS } from "../packages/adapters/src/table-design.ts";
import { EVENT_SOURCE } from "../packages/core/src/events/catalog.ts";

export interface StateProps {
  readonly stage: string;
  /** Production stages keep their data: deletion protection and RETAIN. */
  readonly production: boolean;
  /** Use this existing platform-credentials secret instead of creating one for the stage. */
  readonly platformSecretArn?: string;
}

export class PressbridgeState extends Construct {
  readonly table: dynamodb.Table;
  /** The table's global secondary indexes (granted to functions that Query). */
  readonly indexNames: readonly string[] = [TABLE_KEYS.gsi1, TABLE_KEYS.gsi2];
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  /**
   * `pressbridge-<stage>`: the group holding one one-time schedule per scheduled action
   * (EventBridgeActionScheduler). Its schedules delete themselves once fired; the schedules are data
   * on the plans too, so a group deleted with the stack loses no post (docs/deploy.md).
   */
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly platformSecret: secretsmanager.ISecret;
  /** The approval-link signing key ({"keyId","secret","previous":[...]}), generated at deploy. */
  readonly signingSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: StateProps) {
    super(scope, id);
    const removalPolicy = props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Matches packages/adapters/src/table-design.ts and docs/data-model.md.
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: TABLE_KEYS.pk, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sk, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_KEYS.ttl,
      deletionProtection: props.production,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_KEYS.gsi1,
      partitionKey: { name: TABLE_KEYS.gsi1pk, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.gsi1sk, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_KEYS.gsi2,
      partitionKey: { name: TABLE_KEYS.gsi2pk, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.gsi2sk, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    this.bus = new events.EventBus(this, "Bus", { eventBusName: `pressbridge-${props.stage}` });
    this.archive = new events.Archive(this, "Archive", {
      sourceEventBus: this.bus,
      description: `Every Pressbridge event on the ${props.stage} bus, for replay`,
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(props.production ? 365 : 30),
    });

    // Deleted with the stack even on production: deleting a group deletes its schedules, which only
    // trigger what the plans in the (retained) table already record.
    this.scheduleGroup = new scheduler.ScheduleGroup(this, "ActionSchedules", {
      scheduleGroupName: `pressbridge-${props.stage}`,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    if (props.platformSecretArn !== undefined) {
      this.platformSecret = secretsmanager.Secret.fromSecretCompleteArn(this, "PlatformSecret", props.platformSecretArn);
    } else {
      const secret = new secretsmanager.Secret(this, "PlatformSecret", {
        description: `Pressbridge ${props.stage}: ad and social platform credentials (JSON), read only by the functions that publish`,
        // Starts as an empty document (every client a dry run) rather than CloudFormation's random
        // password, which is not JSON; operators put the credentials in (docs/publishing.md).
        secretObjectValue: {},
        removalPolicy,
      });
      NagSuppressions.addResourceSuppressions(secret, [
        {
          id: "AwsSolutions-SMG4",
          reason:
            "Holds third-party platform tokens (X, LinkedIn, Meta, Bluesky) that only the platforms can rotate; " +
            "operators replace the value when a platform issues new ones (docs/deploy.md). There is no rotation Lambda to run.",
        },
      ]);
      this.platformSecret = secret;
    }

    this.signingSecret = new secretsmanager.Secret(this, "SigningKeys", {
      description: `Pressbridge ${props.stage}: HMAC key that signs approval links (rotate: move current to "previous", new "secret")`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ keyId: "k1", previous: [] }),
        generateStringKey: "secret",
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy,
    });
    for (const secret of [this.signingSecret]) {
      NagSuppressions.addResourceSuppressions(secret, [
        {
          id: "AwsSolutions-SMG4",
          reason:
            "Rotated by the runbook (docs/deploy.md, 'Rotating the approval key'): the old signing key must stay valid as " +
            "'previous' until the links signed with it expire, which a generic rotation Lambda cannot do.",
        },
      ]);
    }
  }
}
