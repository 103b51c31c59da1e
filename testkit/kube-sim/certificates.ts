import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** PEM files of a throwaway CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
export interface Certificates {
  caFile: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCertFile: string;
  clientKeyFile: string;
}

const openssl = (dir: string, args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

function signed(dir: string, name: string, subject: string, extensions: string) {
  writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    subject,
  ]);
  openssl(dir, [
    ...["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"],
    ...["-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`],
  ]);
}

/**
 * Made with the openssl command line in `dir` (a second or so). The server certificate is for 127.0.0.1, or for
 * `serverNames` only when given (reached at 127.0.0.1, it passes only when the client checks one of those names).
 */
export function makeCertificates(dir: string, serverNames?: string[]): Certificates {
  openssl(dir, [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt"],
    ...["-days", "2", "-subj", "/CN=kube-sim-ca"],
  ]);
  const names = serverNames?.map((name) => `DNS:${name}`).join(",") ?? "IP:127.0.0.1";
  signed(dir, "server", "/CN=kube-sim", `subjectAltName=${names}\nextendedKeyUsage=serverAuth\n`);
  signed(dir, "client", "/CN=phasegate", "extendedKeyUsage=clientAuth\n");
  const read = (file: string) => readFileSync(path.join(dir, file), "utf8");
  return {
    caFile: path.join(dir, "ca.crt"),
    ca: read("ca.crt"),
    serverCert: read("server.crt"),
    serverKey: read("server.key"),
    clientCertFile: path.join(dir, "client.crt"),
    clientKeyFile: path.join(dir, "client.key"),
  };
}
