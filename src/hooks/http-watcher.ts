import { z } from "zod";
import type { HttpRolloutConfig } from "../config/services-schema.js";
import { getText } from "../net/http/get-text.js";
import type { RolloutRequest, RolloutStatus, RolloutWatcher } from "../ports/rollout-watcher.js";

const reportedVersion = z.union([z.string(), z.number()]).transform(String);

/** The version an instance reports: the plain body, or the value at a dotted path of its JSON answer. */
function versionIn(body: string, field: string): string {
  if (field === "body") return body.trim();
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error(`answered something that is not JSON (set versionField: body for a plain-text answer)`);
  }
  for (const key of field.split(".")) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  const parsed = reportedVersion.safeParse(value);
  if (!parsed.success) throw new Error(`has no string or number at "${field}" in its JSON answer`);
  return parsed.data;
}

/**
 * Done when every URL reports the new version. An instance that cannot be reached or still reports the old version
 * means "not yet" (the step's deadline ends the wait); nothing here decides the rollout failed.
 */
export class HttpRolloutWatcher implements RolloutWatcher {
  constructor(private readonly config: HttpRolloutConfig) {}

  private async versionAt(url: string, signal?: AbortSignal): Promise<string> {
    const { status, body } = await getText(url, this.config.timeoutSeconds * 1000, signal);
    if (status < 200 || status > 299) throw new Error(`answered HTTP ${status}`);
    return versionIn(body, this.config.versionField);
  }

  async check(request: RolloutRequest, signal?: AbortSignal): Promise<RolloutStatus> {
    const answers = await Promise.all(
      this.config.urls.map(async (url) => {
        try {
          const version = await this.versionAt(url, signal);
          return { url, ok: version === request.version, said: `runs ${version}` };
        } catch (error) {
          return { url, ok: false, said: (error as Error).message };
        }
      }),
    );
    const behind = answers.filter((a) => !a.ok);
    const total = answers.length;
    if (behind.length === 0)
      return { done: true, failed: false, message: `${total} of ${total} report ${request.version}` };
    const first = behind[0];
    return {
      done: false,
      failed: false,
      message: `${total - behind.length} of ${total} report ${request.version}; ${first?.url} ${first?.said}`,
    };
  }
}
