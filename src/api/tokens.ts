import { createHash, timingSafeEqual } from "node:crypto";
import type { LoadedServices } from "../config/load-services.js";

/** Who a bearer token is: its name, and the services whose `pipeline.tokens` list its digest. */
export interface TokenHolder {
  name: string;
  services: string[];
}

/** The token of an `Authorization: Bearer <token>` header; null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/**
 * The holder of the token, compared with every listed digest in constant time (each comparison takes as long
 * whatever matches, and every digest is compared), or null when no service lists it.
 */
export function tokenHolder(services: LoadedServices, token: string): TokenHolder | null {
  const digest = createHash("sha256").update(token).digest();
  let name: string | null = null;
  const matched: string[] = [];
  for (const [service, config] of Object.entries(services.services)) {
    for (const listed of config.pipeline?.tokens ?? []) {
      if (timingSafeEqual(digest, Buffer.from(listed.sha256, "hex"))) {
        name ??= listed.name;
        matched.push(service);
      }
    }
  }
  return name === null ? null : { name, services: matched };
}
