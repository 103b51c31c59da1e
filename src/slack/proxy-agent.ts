import type { AgentOptions } from "node:https";
import { ConnectTunnelAgent } from "../net/proxy/connect-tunnel-agent.js";
import { type ProxySettings, proxyFor } from "../net/proxy/proxy-env.js";

const SLACK_API = "https://slack.com/api/";

/**
 * The agent of the Slack clients (Web API, Socket Mode): a tunnel through HTTPS_PROXY unless NO_PROXY names the
 * Web API's host; undefined (Node's default) without a proxy.
 */
export function slackAgent(
  apiUrl: string | undefined,
  proxy: ProxySettings,
  tls: AgentOptions = {},
): ConnectTunnelAgent | undefined {
  const via = proxyFor(apiUrl ?? SLACK_API, proxy);
  return via ? new ConnectTunnelAgent(new URL(via), tls) : undefined;
}
