import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";

type Keys = Record<string, unknown>;

/**
 * The items DynamoDB reads and writes, counted request by request by `countingClient`, a wrapper
 * around the document client every store of a scenario is given. The stores' RequestCounter counts
 * requests; DynamoDB bills by item (a read unit per item up to 4 KB read strongly consistent, half of
 * one eventually consistent, whether the key exists or not), so the per-feed read figures count items.
 */
export class ItemCounter {
  /** Items read, by what they are (the key's prefix: FEED, REL, FP, SEEN, ...). */
  readonly reads = new Map<string, number>();
  /** Items read eventually consistent (a subset of `reads`). */
  eventualReads = 0;
  /** Items written (Put, Update, Delete, each action of a transaction, each request of a batch), by prefix. */
  readonly writes = new Map<string, number>();

  totalReads(): number {
    return sum(this.reads);
  }

  totalWrites(): number {
    return sum(this.writes);
  }

  reset(): void {
    this.reads.clear();
    this.writes.clear();
    this.eventualReads = 0;
  }

  read(key: Keys, consistent: boolean, n = 1): void {
    add(this.reads, kindOf(key), n);
    if (!consistent) this.eventualReads += n;
  }

  wrote(key: Keys, n = 1): void {
    add(this.writes, kindOf(key), n);
  }
}

function sum(map: ReadonlyMap<string, number>): number {
  let t = 0;
  for (const n of map.values()) t += n;
  return t;
}

function add(map: Map<string, number>, kind: string, n: number): void {
  map.set(kind, (map.get(kind) ?? 0) + n);
}

/** `FEED#acme` -> `FEED`: what an item is, from its partition key. */
function kindOf(key: Keys): string {
  const pk = typeof key.PK === "string" ? key.PK : "";
  return pk.split("#", 1)[0] || "other";
}

/**
 * The document client with every request's items counted into `counter`. Keys left unprocessed by a
 * batch are counted when they are sent again, not twice. Everything else is the client itself.
 */
export function countingClient(client: DynamoDBDocumentClient, counter: ItemCounter): DynamoDBDocumentClient {
  const send = async (command: unknown, ...rest: unknown[]): Promise<unknown> => {
    let res: Record<string, unknown>;
    try {
      res = (await (client.send as (c: unknown, ...r: unknown[]) => Promise<unknown>).call(client, command, ...rest)) as Record<string, unknown>;
    } catch (err) {
      // A write whose condition failed, or a cancelled transaction, still consumed its items.
      countCommand(counter, command, {});
      throw err;
    }
    countCommand(counter, command, res);
    return res;
  };
  return new Proxy(client, { get: (target, prop, receiver) => (prop === "send" ? send : Reflect.get(target, prop, receiver)) });
}

function countCommand(counter: ItemCounter, command: unknown, res: Record<string, unknown>): void {
  if (command instanceof BatchGetCommand) {
    const unprocessed = (res.UnprocessedKeys ?? {}) as Record<string, { Keys?: Keys[] }>;
    for (const [table, request] of Object.entries(command.input.RequestItems ?? {})) {
      const left = new Set((unprocessed[table]?.Keys ?? []).map((k) => `${String(k.PK)}\u0000${String(k.SK)}`));
      for (const key of request.Keys ?? []) {
        if (!left.has(`${String(key.PK)}\u0000${String(key.SK)}`)) counter.read(key, request.ConsistentRead === true);
      }
    }
  } else if (command instanceof GetCommand) {
    counter.read(command.input.Key ?? {}, command.input.ConsistentRead === true);
  } else if (command instanceof QueryCommand) {
    // A Query reads (and is billed for) the items it scanned; they share the partition asked for.
    const pk = command.input.ExpressionAttributeValues?.[":pk"];
    const scanned = (res.ScannedCount as number | undefined) ?? (res.Items as unknown[] | undefined)?.length ?? 0;
    counter.read({ PK: typeof pk === "string" ? pk : "" }, command.input.ConsistentRead === true, scanned);
  } else if (command instanceof PutCommand) {
    counter.wrote(command.input.Item ?? {});
  } else if (command instanceof UpdateCommand || command instanceof DeleteCommand) {
    counter.wrote(command.input.Key ?? {});
  } else if (command instanceof BatchWriteCommand) {
    type WriteRequest = { PutRequest?: { Item?: Keys }; DeleteRequest?: { Key?: Keys } };
    const keyOf = (r: WriteRequest): Keys => r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {};
    const unprocessed = (res.UnprocessedItems ?? {}) as Record<string, WriteRequest[]>;
    for (const [table, requests] of Object.entries(command.input.RequestItems ?? {})) {
      for (const r of requests) counter.wrote(keyOf(r as WriteRequest));
      for (const r of unprocessed[table] ?? []) counter.wrote(keyOf(r), -1);
    }
  } else if (command instanceof TransactWriteCommand) {
    for (const action of command.input.TransactItems ?? []) {
      if (action.Put !== undefined) counter.wrote(action.Put.Item ?? {});
      else if (action.Update !== undefined) counter.wrote(action.Update.Key ?? {});
      else if (action.Delete !== undefined) counter.wrote(action.Delete.Key ?? {});
      else if (action.ConditionCheck !== undefined) counter.read(action.ConditionCheck.Key ?? {}, true);
    }
  }
}
