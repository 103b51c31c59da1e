import { isUntrustedCertificate } from "../net/http/untrusted-certificate.js";
import { KubernetesError } from "./kubernetes-error.js";

/** The final error for a fetch that failed because the API server's certificate is not trusted, if it is that. */
export function untrustedCertificate(
  error: unknown,
  server: string,
  source: string,
): KubernetesError | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code !== "string" || !isUntrustedCertificate(cause.code)) return undefined;
  return new KubernetesError(
    "configuration",
    `phasegate does not trust the certificate of the Kubernetes API at ${server} (${source}): ${cause.code}: ${String(cause.message)}; ` +
      "set api.caFile to the CA that signed it (or certificate-authority-data in the kubeconfig) and use an address the certificate names (or name it with tls-server-name in the kubeconfig)",
  );
}
