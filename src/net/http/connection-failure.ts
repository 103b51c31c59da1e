import { isUntrustedCertificate } from "./untrusted-certificate.js";

/** What became of a request whose fetch failed before any answer, in phasegate's words rather than undici's. */
export interface ConnectionFailure {
  /**
   * Whether a connection was made, then closed or reset before any answer: the server, or a proxy or load balancer in
   * front of it, was reached, and "check that it is reachable" is the wrong advice.
   */
  dropped: boolean;
  /** What happened: "the connection was closed before any answer to GET /x", "the name k8s.internal does not resolve (ENOTFOUND)". */
  said: string;
}

interface NodeCause {
  code?: unknown;
  message?: unknown;
  hostname?: unknown;
  address?: string;
  port?: number;
}

/**
 * Reads fetch's error (undici's TypeError "fetch failed" and its `cause`) for a request to `what` ("GET /x", "the
 * query"). An error of another shape is said by its own message.
 */
export function connectionFailureOf(error: unknown, what: string): ConnectionFailure {
  const cause = ((error as { cause?: unknown }).cause ?? error) as NodeCause;
  const code = typeof cause.code === "string" ? cause.code : "";
  const message = String(cause.message ?? error);
  const dropped = (said: string) => ({ dropped: true, said });
  const failed = (said: string) => ({ dropped: false, said });
  if (code === "UND_ERR_SOCKET" || code === "EPIPE")
    return dropped(`the connection was closed before any answer to ${what}`);
  if (code === "ECONNRESET")
    return message.includes("TLS")
      ? dropped(`the connection was closed during the TLS handshake, before ${what} was sent`)
      : dropped(`the connection was reset before any answer to ${what}`);
  if (code === "ECONNREFUSED")
    return failed(
      cause.address
        ? `nothing accepts connections at ${cause.address}:${cause.port} (ECONNREFUSED)`
        : message,
    );
  if (code === "ENOTFOUND") return failed(`the name ${String(cause.hostname)} does not resolve (ENOTFOUND)`);
  if (code === "EAI_AGAIN")
    return failed(`the DNS lookup of ${String(cause.hostname)} failed, for now (EAI_AGAIN)`);
  if (isUntrustedCertificate(code)) return failed(`its certificate is not trusted: ${message} (${code})`);
  return failed(code && !message.includes(code) ? `${message} (${code})` : message);
}
