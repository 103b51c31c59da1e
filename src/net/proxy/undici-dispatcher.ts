import type { ConnectionOptions } from "node:tls";
import { Agent, type Dispatcher, ProxyAgent } from "undici";
import { type ProxySettings, proxyFor } from "./proxy-env.js";

/**
 * A dispatcher for requests to `origin`: through HTTPS_PROXY (a CONNECT tunnel, TLS to the origin inside it)
 * unless NO_PROXY names the origin. Not undici's EnvHttpProxyAgent: it is still experimental (a warning on
 * stderr), and one NO_PROXY matcher serves undici and the Slack clients alike.
 */
export function dispatcherFor(
  origin: string,
  proxy: ProxySettings,
  options: { tls?: ConnectionOptions; connections?: number; keepAliveTimeout?: number } = {},
): Dispatcher {
  const via = proxyFor(origin, proxy);
  const { tls, ...pool } = options;
  if (!via) return new Agent({ ...pool, ...(tls ? { connect: tls } : {}) });
  return new ProxyAgent({ ...pool, uri: via, ...(tls ? { requestTls: tls } : {}) });
}
