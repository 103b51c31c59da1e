import { type RequestOptions, request } from "node:http";
import { Agent, type AgentOptions } from "node:https";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import { proxyAuthorization } from "./proxy-env.js";

type Callback = (error: Error | null, socket: Duplex) => void;

/**
 * An https.Agent that reaches every destination through a CONNECT tunnel of an HTTP proxy, for clients that take
 * a Node agent (the Slack Web API client is axios-based, Socket Mode uses ws): axios' own proxy support cannot
 * tunnel TLS, Node has no proxying agent of its own, and undici's ProxyAgent (used for fetch) is a dispatcher, not
 * an http.Agent. The proxy URL's user:password is sent as `Proxy-Authorization: Basic`.
 */
export class ConnectTunnelAgent extends Agent {
  private readonly authorization: string | undefined;

  constructor(
    private readonly proxy: URL,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, ...options });
    this.authorization = proxyAuthorization(proxy);
  }

  override createConnection(options: RequestOptions, callback?: Callback): Duplex | null | undefined {
    const fail = (error: Error) => callback?.(error, undefined as unknown as Duplex);
    const host = String(options.host ?? "localhost");
    const port = Number(options.port ?? 443);
    const target = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    const handshake = request({
      host: this.proxy.hostname,
      port: Number(this.proxy.port || 80),
      method: "CONNECT",
      path: target,
      headers: { host: target, ...(this.authorization ? { "proxy-authorization": this.authorization } : {}) },
    });
    handshake.once("connect", (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        fail(
          new Error(
            `the proxy ${this.proxy.origin} refused a tunnel to ${target}: HTTP ${response.statusCode}`,
          ),
        );
        return;
      }
      const { servername } = options as { servername?: string };
      // SNI names hosts only; an IP address is checked against the certificate without it.
      const name = servername || (isIP(host) ? undefined : host);
      const secure = tlsConnect({ ...(options as object), socket, ...(name ? { servername: name } : {}) });
      callback?.(null, secure);
    });
    handshake.once("error", (error) =>
      fail(new Error(`cannot reach the proxy ${this.proxy.origin}: ${error.message}`)),
    );
    handshake.end();
    return undefined;
  }
}
