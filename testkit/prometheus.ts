import type { Server } from "node:http";
import {
  findPrometheus,
  type LocalPrometheus,
  startLocalPrometheus,
} from "../src/prometheus/local-prometheus.js";
import { onLoopback } from "./loopback-server.js";

/**
 * Debian's `prometheus` on loopback for a test file (start it once, in beforeAll): a temporary TSDB, a 1 s scrape
 * interval, scraping the given `host:port` targets at /metrics; `remoteReadUrls`: remote-read stores it also asks
 * (one that fails makes each answer carry a warning).
 */
export function startTestPrometheus(targets: string[], remoteReadUrls?: string[]): Promise<LocalPrometheus> {
  const binary = findPrometheus();
  if (!binary) throw new Error("these tests need Prometheus: apt-get install prometheus");
  return startLocalPrometheus({ binary, targets, job: "test", scrapeIntervalSeconds: 1, remoteReadUrls });
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

/**
 * `exporter` started on loopback and scraped by a test Prometheus (see startTestPrometheus), once `series` has a
 * sample; its `stop` ends both.
 */
export async function prometheusScraping(
  exporter: Server,
  series: string,
  remoteReadUrls?: string[],
): Promise<LocalPrometheus> {
  const prometheus = await startTestPrometheus([await onLoopback(exporter)], remoteReadUrls);
  const stop = async () => {
    await prometheus.stop();
    exporter.close();
  };
  try {
    await waitForSeries(prometheus, series);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: prometheus.url, stop };
}
