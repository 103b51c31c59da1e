import { z } from "zod";
import { issueLines } from "../../domain/issues/issue-lines.js";
import { type NoProxyEntry, noProxyEntry } from "./no-proxy.js";

const proxyUrl = z
  .string()
  .regex(
    /^https?:\/\/[^\s/]+\/?$/,
    "must be the proxy's http:// URL, e.g. http://proxy.internal:3128 (with user:password@ when it asks for them)",
  );

/** The proxy settings phasegate honours: HTTPS_PROXY for https:// destinations, NO_PROXY for exceptions. */
export const proxyEnvSchema = z.object({
  HTTPS_PROXY: proxyUrl.optional(),
  NO_PROXY: z.string().optional(),
});

export interface ProxySettings {
  /** The proxy for https:// destinations (a CONNECT tunnel), credentials included; none when unset. */
  httpsProxy: string | undefined;
  /** NO_PROXY entries as curl reads them (see no-proxy.ts). */
  noProxy: NoProxyEntry[];
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
  if (!parsed.success) throw new Error(issueLines(parsed.error.issues, "").join("; "));
  const entries = (parsed.data.NO_PROXY ?? "").split(/[,\s]+/).filter(Boolean);
  return {
    httpsProxy: parsed.data.HTTPS_PROXY,
    noProxy: entries.map((entry) => {
      const matcher = noProxyEntry(entry);
      if (!matcher)
        throw new Error(
          `NO_PROXY: "${entry}" is no host, domain, address or CIDR range (like 10.0.0.0/8 or fd00::/8)`,
        );
      return matcher;
    }),
  };
}

/** The proxy to use for `url`, or null to connect directly (no proxy, an http:// URL, or NO_PROXY names it). */
export function proxyFor(url: string, settings: ProxySettings): string | null {
  const target = new URL(url);
  if (target.protocol !== "https:" && target.protocol !== "wss:") return null;
  if (!settings.httpsProxy) return null;
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = target.port || "443";
  return settings.noProxy.some((bypass) => bypass(host, port)) ? null : settings.httpsProxy;
}

/** A proxy URL as logs and messages show it: without its password. */
export function shownProxy(url: string): string {
  return new URL(url).origin;
}

/** The `Proxy-Authorization` value for a proxy URL with user:password, or undefined without. */
export function proxyAuthorization(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString("base64")}`;
}
