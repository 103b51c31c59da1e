import { BlockList, isIP } from "node:net";

/**
 * One NO_PROXY entry, in the forms curl accepts: `*` alone (everything), a host or domain (`example.com` and
 * `.example.com` both cover example.com and its subdomains; `*.example.com` too), an IP address, an IPv4 or IPv6
 * range in CIDR form (`10.0.0.0/8`, `fd00::/8`), any of these with `:port` (IPv6 in brackets: `[::1]:6443`).
 */
export type NoProxyEntry = (host: string, port: string) => boolean;

const ALL: NoProxyEntry = () => true;

/** host and port of an entry: `[v6]:port`, `host:port`, a bare IPv6 address or a bare host. */
function split(entry: string): [string, string | undefined] {
  if (entry.startsWith("[")) {
    const end = entry.indexOf("]");
    return [entry.slice(1, end), entry.slice(end + 2) || undefined];
  }
  const colons = entry.split(":").length - 1;
  if (colons !== 1) return [entry, undefined];
  const [host = "", port] = entry.split(":");
  return [host, port];
}

function rangeOf(cidr: string): BlockList | null {
  const [address = "", bits = ""] = cidr.split("/");
  const family = isIP(address);
  const prefix = Number(bits);
  if (!family || !/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return null;
  const range = new BlockList();
  range.addSubnet(address, prefix, family === 4 ? "ipv4" : "ipv6");
  return range;
}

/** The entry as a matcher, or null for one that can match nothing (an invalid CIDR): the caller says so. */
export function noProxyEntry(raw: string): NoProxyEntry | null {
  const entry = raw.trim().toLowerCase();
  if (entry === "*") return ALL;
  const [host, port] = split(entry);
  const onPort =
    (match: (target: string) => boolean): NoProxyEntry =>
    (target, targetPort) =>
      (port === undefined || port === targetPort) && match(target);
  if (host.includes("/")) {
    const range = rangeOf(host);
    if (!range) return null;
    return onPort((target) => {
      const family = isIP(target);
      return family !== 0 && range.check(target, family === 4 ? "ipv4" : "ipv6");
    });
  }
  if (isIP(host)) return onPort((target) => isIP(target) !== 0 && sameAddress(host, target));
  const domain = host.replace(/^\*?\./, "");
  if (!domain) return null;
  return onPort((target) => target === domain || target.endsWith(`.${domain}`));
}

/** Two spellings of one address (`::1` and `0:0:0:0:0:0:0:1`) are the same address. */
function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  const family = isIP(a);
  if (family !== isIP(b)) return false;
  const one = new BlockList();
  one.addAddress(a, family === 4 ? "ipv4" : "ipv6");
  return one.check(b, family === 4 ? "ipv4" : "ipv6");
}
