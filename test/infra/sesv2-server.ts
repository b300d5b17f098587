import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

/**
 * A loopback Amazon SES v2 speaking just SendEmail (REST-JSON, POST /v2/email/outbound-emails). Point
 * the SDK at it with AWS_ENDPOINT_URL_SESV2. Every accepted message is kept, so a test can follow
 * the links it carries.
 */
export interface SesV2Server {
  readonly url: string;
  readonly sent: Array<{ from: string; to: string[]; subject: string; text: string; configurationSet: string | undefined }>;
  close(): Promise<void>;
}

export async function startSesV2Server(): Promise<SesV2Server> {
  const sent: SesV2Server["sent"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const send = (status: number, value: unknown, type?: string) =>
        res.writeHead(status, { "content-type": "application/json", ...(type === undefined ? {} : { "x-amzn-errortype": type }) }).end(JSON.stringify(value));
      if (req.method !== "POST" || req.url !== "/v2/email/outbound-emails") return send(404, { message: `${req.method} ${req.url}` }, "NotFoundException");
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        FromEmailAddress: string;
        Destination: { ToAddresses: string[] };
        ConfigurationSetName?: string;
        Content: { Simple: { Subject: { Data: string }; Body: { Text: { Data: string } } } };
      };
      sent.push({
        from: body.FromEmailAddress,
        to: body.Destination.ToAddresses,
        subject: body.Content.Simple.Subject.Data,
        text: body.Content.Simple.Body.Text.Data,
        configurationSet: body.ConfigurationSetName,
      });
      send(200, { MessageId: `0100-${randomUUID()}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
