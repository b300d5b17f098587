import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback Secrets Manager speaking just GetSecretValue (JSON 1.1 protocol). Point the SDK at it
 * with AWS_ENDPOINT_URL_SECRETS_MANAGER; unknown secret ids answer ResourceNotFoundException.
 */
export interface SecretsManagerServer {
  readonly url: string;
  readonly reads: string[];
  setSecret(id: string, value: string): void;
  close(): Promise<void>;
}

export async function startSecretsManagerServer(): Promise<SecretsManagerServer> {
  const secrets = new Map<string, string>();
  const reads: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const send = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(value));
      if (req.headers["x-amz-target"] !== "secretsmanager.GetSecretValue") return send(400, { __type: "UnknownOperationException" });
      const id = String((JSON.parse(body) as { SecretId?: unknown }).SecretId);
      reads.push(id);
      const value = secrets.get(id);
      if (value === undefined) return send(400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." });
      send(200, { ARN: id, Name: id, SecretString: value, VersionId: "v1", VersionStages: ["AWSCURRENT"], CreatedDate: 1_700_000_000 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reads,
    setSecret: (id, value) => void secrets.set(id, value),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
