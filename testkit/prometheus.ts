import {
  findPrometheus,
  type LocalPrometheus,
  startLocalPrometheus,
} from "../src/prometheus/local-prometheus.js";

/**
 * Debian's `prometheus` on loopback for a test file (start it once, in beforeAll): a temporary TSDB, a 1 s scrape
 * interval, scraping the given `host:port` targets at /metrics.
 */
export function startTestPrometheus(targets: string[]): Promise<LocalPrometheus> {
  const binary = findPrometheus();
  if (!binary) throw new Error("these tests need Prometheus: apt-get install prometheus");
  return startLocalPrometheus({ binary, targets, job: "test", scrapeIntervalSeconds: 1 });
}

/** Waits until the instant query returns at least one series (the first scrapes are in). */
export async function waitForSeries(
  prometheus: LocalPrometheus,
  query: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await response.json()) as { data?: { result?: unknown[] } };
    if ((body.data?.result?.length ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`Prometheus never returned a series for ${query}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
