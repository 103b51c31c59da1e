import { createServer } from "node:net";
import { fetch } from "undici";
import { describe, expect, it } from "vitest";
import { connectionFailureOf } from "../../../src/net/http/connection-failure.js";
import { hangUpServer } from "../../../testkit/hang-up.js";

/** The error fetch rejects with for a request to `url`. */
async function fetchError(url: string): Promise<unknown> {
  return fetch(url, { signal: AbortSignal.timeout(5000) }).then(
    () => expect.unreachable("an answer came"),
    (error: unknown) => error,
  );
}

/** Undici's "fetch failed" around a cause shaped as Node's. */
const failed = (cause: object) => Object.assign(new TypeError("fetch failed"), { cause });

// The refused connection comes first: undici, asked within a moment of the process's start, can miss a close that
// comes at once and wait for its time limit instead.
describe("a fetch that failed before any answer, in phasegate's words", () => {
  it("nothing listening: refused, with the address", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    expect(connectionFailureOf(await fetchError(`http://127.0.0.1:${port}/`), "GET /x")).toEqual({
      dropped: false,
      said: `nothing accepts connections at 127.0.0.1:${port} (ECONNREFUSED)`,
    });
  });

  it("a connection closed or reset before any answer: dropped, the server was reached", async () => {
    const hangUp = await hangUpServer();
    try {
      expect(connectionFailureOf(await fetchError(hangUp.url), "GET /x")).toEqual({
        dropped: true,
        said: "the connection was closed before any answer to GET /x",
      });
      hangUp.how = "reset";
      expect(connectionFailureOf(await fetchError(hangUp.url), "GET /x")).toEqual({
        dropped: true,
        said: "the connection was reset before any answer to GET /x",
      });
    } finally {
      await hangUp.close();
    }
  });

  it("a name that does not resolve, a DNS that does not answer, a certificate not trusted, a TLS handshake cut", () => {
    const said = (cause: object) => connectionFailureOf(failed(cause), "GET /x");
    expect(
      said({
        code: "ENOTFOUND",
        hostname: "argocd.internal",
        message: "getaddrinfo ENOTFOUND argocd.internal",
      }),
    ).toEqual({
      dropped: false,
      said: "the name argocd.internal does not resolve (ENOTFOUND)",
    });
    expect(said({ code: "EAI_AGAIN", hostname: "argocd.internal" }).said).toBe(
      "the DNS lookup of argocd.internal failed, for now (EAI_AGAIN)",
    );
    expect(
      said({ code: "SELF_SIGNED_CERT_IN_CHAIN", message: "self-signed certificate in certificate chain" }),
    ).toEqual({
      dropped: false,
      said: "its certificate is not trusted: self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)",
    });
    expect(
      said({
        code: "ECONNRESET",
        message: "Client network socket disconnected before secure TLS connection was established",
      }),
    ).toEqual({
      dropped: true,
      said: "the connection was closed during the TLS handshake, before GET /x was sent",
    });
    expect(said({ code: "EHOSTUNREACH", message: "connect EHOSTUNREACH 10.0.0.7:443" }).said).toBe(
      "connect EHOSTUNREACH 10.0.0.7:443",
    );
  });
});
