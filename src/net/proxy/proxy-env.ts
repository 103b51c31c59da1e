import { z } from "zod";

const proxyUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+\/?$/, "must be the proxy's http:// URL, e.g. http://proxy.internal:3128");

/** The proxy settings phasegate honours: HTTPS_PROXY for https:// destinations, NO_PROXY for exceptions. */
export const proxyEnvSchema = z.object({
  HTTPS_PROXY: proxyUrl.optional(),
  NO_PROXY: z.string().optional(),
});

export interface ProxySettings {
  /** The proxy for https:// destinations (a CONNECT tunnel); none when unset. */
  httpsProxy: string | undefined;
  /** NO_PROXY entries: "*", a host, a domain (".example.com" or "example.com" covers its subdomains), host:port. */
  noProxy: string[];
}

/**
 * Reads HTTPS_PROXY and NO_PROXY (or their lowercase forms, which curl prefers); an unusable value throws naming
 * the variable.
 */
export function proxySettingsFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  const raw = {
    HTTPS_PROXY: env.https_proxy || env.HTTPS_PROXY || undefined,
    NO_PROXY: env.no_proxy ?? env.NO_PROXY,
  };
  const parsed = proxyEnvSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return {
    httpsProxy: parsed.data.HTTPS_PROXY,
    noProxy: (parsed.data.NO_PROXY ?? "")
      .split(/[,\s]+/)
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
  };
}

function bypassed(entry: string, host: string, port: string): boolean {
  if (entry === "*") return true;
  const [entryHost = "", entryPort] = entry.startsWith("[")
    ? [entry.slice(0, entry.indexOf("]") + 1), entry.slice(entry.indexOf("]") + 2) || undefined]
    : entry.split(":");
  if (entryPort && entryPort !== port) return false;
  const domain = entryHost.replace(/^\*?\./, "");
  return host === domain || host.endsWith(`.${domain}`);
}

/** The proxy to use for `url`, or null to connect directly (no proxy, an http:// URL, or NO_PROXY names it). */
export function proxyFor(url: string, settings: ProxySettings): string | null {
  const target = new URL(url);
  if (target.protocol !== "https:" && target.protocol !== "wss:") return null;
  if (!settings.httpsProxy) return null;
  const host = target.hostname.toLowerCase();
  const port = target.port || "443";
  return settings.noProxy.some((entry) => bypassed(entry, host, port)) ? null : settings.httpsProxy;
}
