import { once } from "node:events";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { closeAfterBody } from "../net/http/close-after-body.js";
import { limitedServer } from "../net/http/server-limits.js";
import type { Logger } from "../ports/logger.js";
import { PageAccess } from "./page-access.js";
import { handleApi, type PageContext } from "./page-api.js";
import { PageAssets, type PageModules } from "./page-assets.js";
import { SandboxError } from "./sandbox-error.js";

/** Same origin only, no inline script: a message that slipped through escaping still could not run. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
};

/**
 * The sandbox's web server: the page and its API. It listens first (so a port in use is told before anything
 * starts), answers 503 until the rest of the sandbox is up, then serves the page against it.
 */
export class PageServer {
  private readonly server: Server;
  private readonly assets: PageAssets;
  private context: PageContext | null = null;
  private access: PageAccess | null = null;

  /** `token`: every page and API call needs it (null: none needed, for a loopback address only). */
  constructor(
    logger: Logger,
    private readonly token: string | null,
    modules?: PageModules,
  ) {
    this.assets = new PageAssets(modules);
    this.server = limitedServer((request, response) => {
      closeAfterBody(request, response);
      this.handle(request, response).catch((error: Error) => {
        logger.error({ err: error }, "sandbox page request failed");
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  }

  async listen(host: string, port: number): Promise<string> {
    this.server.listen(port, host);
    try {
      await Promise.race([
        once(this.server, "listening"),
        once(this.server, "error").then(([error]) => Promise.reject(error)),
      ]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE")
        throw new SandboxError(
          `port ${port} on ${host} is in use: pass --port with another one (0 picks a free one)`,
        );
      if (code === "EADDRNOTAVAIL")
        throw new SandboxError(`${host} is not an address of this machine: pass --host 127.0.0.1`);
      throw error;
    }
    const { address, port: bound } = this.server.address() as AddressInfo;
    this.access = new PageAccess(host, address, bound, this.token);
    return `http://${address.includes(":") ? `[${address}]` : address}:${bound}/`;
  }

  attach(context: PageContext): void {
    this.context = context;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const url = new URL(request.url ?? "/", "http://sandbox");
    const verdict = this.access?.check(request, url) ?? { kind: "refused", status: 503, error: "starting" };
    if (verdict.kind === "welcome") {
      response.writeHead(303, { location: verdict.location, "set-cookie": verdict.cookie }).end();
      return;
    }
    if (verdict.kind === "refused") {
      const api = url.pathname.startsWith("/api/");
      response
        .writeHead(verdict.status, { "content-type": api ? "application/json" : "text/plain; charset=utf-8" })
        .end(api ? JSON.stringify({ error: verdict.error }) : `${verdict.error}\n`);
      return;
    }
    if (url.pathname.startsWith("/api/")) {
      if (!this.context) {
        response
          .writeHead(503, { "content-type": "application/json" })
          .end('{"error":"the sandbox is starting"}');
        return;
      }
      return handleApi(this.context, request, response, url);
    }
    if (url.pathname === "/favicon.ico") {
      response.writeHead(204).end();
      return;
    }
    const asset = request.method === "GET" ? await this.assets.get(url.pathname) : null;
    if (!asset) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    response.writeHead(200, { "content-type": asset.type, "cache-control": "no-cache" }).end(asset.body);
  }
}
