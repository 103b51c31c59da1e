/** How to reach one cluster's API server, resolved from in-cluster files, a kubeconfig or a URL and token. */
/** Where the API server is and how to authenticate to it. */
export interface Connection {
  /** Base URL without a trailing slash. */
  server: string;
  /** The bearer token, read when needed (service-account tokens rotate). */
  token: () => Promise<string | undefined>;
  /** Forgets a cached token, so the next request gets a new one (an exec plugin's, after a 401). */
  renewToken?: () => void;
  /** `servername`: the name sent in SNI and checked against the certificate (kubeconfig `tls-server-name`). */
  tls: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean; servername?: string };
  /** The cluster's own proxy (kubeconfig `proxy-url`): used instead of HTTPS_PROXY and NO_PROXY, as kubectl does. */
  proxyUrl?: string;
  /** For logs and error messages: "in-cluster", "kubeconfig /path (context x)", "https://…". */
  source: string;
}
