import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent } from "node:https";
import { Agent as HttpAgent } from "node:http";

export interface DynamoClientOptions {
  /** DYNAMODB_ENDPOINT: DynamoDB Local or any compatible endpoint; AWS's own when absent. */
  endpoint?: string | undefined;
  region?: string | undefined;
  maxSockets?: number;
}

/**
 * Creates a DynamoDB document client with keep-alive connections. Callers keep one per process (a
 * module singleton in Lambda) so connections are reused across invocations.
 */
export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const maxSockets = options.maxSockets ?? 64;
  const config: DynamoDBClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    maxAttempts: 5,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new Agent({ keepAlive: true, maxSockets }),
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
    }),
  };
  if (options.endpoint !== undefined) {
    config.endpoint = options.endpoint;
    // DynamoDB Local accepts any credentials; real AWS uses the default provider chain.
    if (process.env.AWS_ACCESS_KEY_ID === undefined) config.credentials = { accessKeyId: "local", secretAccessKey: "local" };
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** Counts requests per operation, for the benchmark's "DynamoDB requests per release" figure. */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  add(op: string, n = 1): void {
    this.counts.set(op, (this.counts.get(op) ?? 0) + n);
  }
  total(filter?: (op: string) => boolean): number {
    let t = 0;
    for (const [op, n] of this.counts) if (filter === undefined || filter(op)) t += n;
    return t;
  }
  writes(): number {
    return this.total((op) => /Put|Update|Delete|BatchWrite|TransactWrite/.test(op));
  }
  reset(): void {
    this.counts.clear();
  }
}
