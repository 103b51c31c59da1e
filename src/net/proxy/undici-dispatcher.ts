import type { ConnectionOptions } from "node:tls";
import { Agent, type Dispatcher, ProxyAgent } from "undici";
import { type ProxySettings, proxyAuthorization, proxyFor } from "./proxy-env.js";

/**
 * A dispatcher for requests to `origin`: through HTTPS_PROXY (a CONNECT tunnel, TLS to the origin inside it)
 * unless NO_PROXY names the origin. Not undici's EnvHttpProxyAgent: it is still experimental (a warning on
 * stderr), and one NO_PROXY matcher serves undici and the Slack clients alike.
 */
export function dispatcherFor(
  origin: string,
  proxy: ProxySettings,
  options: DispatcherOptions = {},
): Dispatcher {
  return dispatcherVia(proxyFor(origin, proxy), options);
}

export interface DispatcherOptions {
  /** TLS to the origin (CA, client certificate, servername), inside the tunnel when there is one. */
  tls?: ConnectionOptions;
  connections?: number;
  keepAliveTimeout?: number;
}

/**
 * A dispatcher through the proxy `via` (its user:password sent as `Proxy-Authorization: Basic`), or direct when
 * null.
 */
export function dispatcherVia(via: string | null, options: DispatcherOptions = {}): Dispatcher {
  const { tls, ...pool } = options;
  if (!via) return new Agent({ ...pool, ...(tls ? { connect: tls } : {}) });
  const token = proxyAuthorization(new URL(via));
  return new ProxyAgent({
    ...pool,
    uri: via,
    ...(token ? { token } : {}),
    ...(tls ? { requestTls: tls } : {}),
  });
}
