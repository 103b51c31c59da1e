import { KubernetesError } from "./kubernetes-error.js";

/** Node's codes for a server certificate that cannot be verified: retrying cannot help, the configuration must change. */
const untrusted = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** The final error for a fetch that failed because the API server's certificate is not trusted, if it is that. */
export function untrustedCertificate(
  error: unknown,
  server: string,
  source: string,
): KubernetesError | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code !== "string" || !untrusted.has(cause.code)) return undefined;
  return new KubernetesError(
    "configuration",
    `phasegate does not trust the certificate of the Kubernetes API at ${server} (${source}): ${cause.code}: ${String(cause.message)}; ` +
      "set api.caFile to the CA that signed it (or certificate-authority-data in the kubeconfig) and use an address the certificate names (or name it with tls-server-name in the kubeconfig)",
  );
}
