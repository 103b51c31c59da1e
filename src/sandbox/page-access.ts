import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import os from "node:os";

/** The cookie a first visit with `?token=` sets; the page's own requests (fetch, EventSource) then carry it. */
export const TOKEN_COOKIE = "phasegate_sandbox_token";
/** A shorter token could be guessed by anyone who can reach the page. */
export const MIN_TOKEN_LENGTH = 16;

/** What the page's server answers instead of serving the request. */
export type AccessVerdict =
  | { kind: "allowed" }
  | { kind: "refused"; status: number; error: string }
  /** A first visit carrying the right `?token=`: the cookie is set, the token leaves the address bar. */
  | { kind: "welcome"; location: string; cookie: string };

/** True for an address only this machine reaches: 127.0.0.0/8, ::1 (also IPv4-mapped), localhost. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare.startsWith("::ffff:127.");
  return false;
}

/** A token nobody can guess (192 bits), safe in a URL. */
export function generateToken(): string {
  return randomBytes(24).toString("base64url");
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Compares in constant time: the digests have the same length whatever was sent. */
function sameToken(sent: string, expected: string): boolean {
  return timingSafeEqual(digest(sent), digest(expected));
}

const bracketed = (address: string) => (isIP(address) === 6 ? `[${address}]` : address.toLowerCase());

/**
 * The names a browser may use for the page in its Host header: what `--host` said, the address bound, and for a
 * loopback bind the loopback names; a wildcard bind (0.0.0.0, ::) adds this machine's addresses and host name.
 * Any other Host is a page on another name resolving to us (DNS rebinding) and is refused.
 */
function hostNames(host: string, bound: string): Set<string> {
  const names = new Set([bracketed(host), bracketed(bound)]);
  if (isLoopback(host) || isLoopback(bound))
    for (const name of ["localhost", "127.0.0.1", "[::1]"]) names.add(name);
  if (bound === "0.0.0.0" || bound === "::") {
    names.add("localhost");
    names.add(os.hostname().toLowerCase());
    for (const addresses of Object.values(os.networkInterfaces()))
      for (const { address } of addresses ?? []) names.add(bracketed(address));
  }
  return names;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function cookieToken(request: IncomingMessage): string | undefined {
  for (const part of (header(request, "cookie") ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === TOKEN_COOKIE) return value.join("=");
  }
  return undefined;
}

const refused = (status: number, error: string): AccessVerdict => ({ kind: "refused", status, error });

/**
 * Who may use the sandbox's page and API. Every request: a Host naming this server (DNS rebinding), and the access
 * token when there is one (cookie, `Authorization: Bearer`, or a first visit's `?token=`). Every API call also: no
 * other origin (the `Origin` and `Sec-Fetch-Site` a browser sends), and a JSON body only (a cross-site form or a
 * `text/plain` fetch cannot send one without a CORS preflight, which this server never grants).
 */
export class PageAccess {
  private readonly names: Set<string>;

  constructor(
    host: string,
    bound: string,
    private readonly port: number,
    private readonly token: string | null,
  ) {
    this.names = hostNames(host, bound);
  }

  check(request: IncomingMessage, url: URL): AccessVerdict {
    const host = (header(request, "host") ?? "").toLowerCase();
    if (!this.knownHost(host))
      return refused(
        403,
        `this sandbox does not answer to the host "${host}": open it by the address it printed (a page on another name must not reach it)`,
      );
    const api = url.pathname.startsWith("/api/");
    if (api) {
      const crossOrigin = this.crossOrigin(request, host);
      if (crossOrigin) return refused(403, crossOrigin);
    }
    if (this.token) {
      const offered = url.searchParams.get("token");
      if (!api && offered !== null && request.method === "GET" && sameToken(offered, this.token)) {
        url.searchParams.delete("token");
        return {
          kind: "welcome",
          // One leading slash: `/.//evil.example` has the path `//evil.example`, another site's address as a Location.
          location: `/${url.pathname.replace(/^\/+/, "")}${url.search}`,
          cookie: `${TOKEN_COOKIE}=${this.token}; Path=/; HttpOnly; SameSite=Lax`,
        };
      }
      const bearer = /^Bearer (.+)$/.exec(header(request, "authorization") ?? "")?.[1];
      const sent = bearer ?? cookieToken(request);
      if (sent === undefined || !sameToken(sent, this.token))
        return refused(
          401,
          "this sandbox needs its access token: open the address `phasegate sandbox` printed (it carries ?token=…), or send Authorization: Bearer <token>",
        );
    }
    if (api && request.method !== "GET" && request.method !== "HEAD") {
      const type = (header(request, "content-type") ?? "").split(";")[0]?.trim().toLowerCase();
      if (type !== "application/json")
        return refused(415, `the sandbox's API takes application/json bodies only, not "${type || "none"}"`);
    }
    return { kind: "allowed" };
  }

  private knownHost(host: string): boolean {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    if (!match) return false;
    const [, name = "", port] = match;
    const samePort = port === undefined ? this.port === 80 : Number(port) === this.port;
    return samePort && this.names.has(name);
  }

  /** Why the request comes from another site's page, or null (a browser on the page, or no browser at all). */
  private crossOrigin(request: IncomingMessage, host: string): string | null {
    const origin = header(request, "origin");
    if (origin !== undefined && origin !== `http://${host}`)
      return `requests from ${origin} are refused: only the sandbox's own page may call its API`;
    const site = header(request, "sec-fetch-site");
    if (site !== undefined && site !== "same-origin" && site !== "none")
      return `a ${site} request is refused: only the sandbox's own page may call its API`;
    return null;
  }
}
