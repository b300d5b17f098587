/**
 * Custom metrics as CloudWatch Embedded Metric Format: one JSON line on stdout per flush, which
 * CloudWatch Logs turns into metrics (no PutMetricData call, no extra permission). Written with
 * process.stdout.write rather than console.log, so Lambda's JSON log format leaves the line as is.
 * The namespace and the `service` dimension are what the alarms in infra/function-construct.ts read.
 */
export const METRICS_NAMESPACE = "Pressbridge";

export function emitMetrics(service: string, metrics: Readonly<Record<string, number>>, write: (line: string) => void = (l) => void process.stdout.write(l)): void {
  const names = Object.keys(metrics);
  if (names.length === 0) return;
  const document = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [["service"]], Metrics: names.map((Name) => ({ Name, Unit: "Count" })) }],
    },
    service,
    ...metrics,
  };
  write(`${JSON.stringify(document)}\n`);
}
