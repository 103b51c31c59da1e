import { describe, expect, it } from "vitest";
import { proxyFor, proxySettingsFromEnv } from "../../../src/net/proxy/proxy-env.js";

const PROXY = "http://proxy.internal:3128";
const via = (noProxy: string) => (url: string) =>
  proxyFor(url, proxySettingsFromEnv({ HTTPS_PROXY: PROXY, NO_PROXY: noProxy })) === PROXY;

describe("NO_PROXY in the forms curl accepts", () => {
  it("matches IPv4 and IPv6 CIDR ranges, and addresses however they are spelled", () => {
    const proxied = via("10.0.0.0/8, 192.168.1.0/24 ,fd00::/8, 2001:db8::1");
    expect(proxied("https://10.1.2.3:6443")).toBe(false);
    expect(proxied("https://11.0.0.1")).toBe(true);
    expect(proxied("https://192.168.1.200")).toBe(false);
    expect(proxied("https://192.168.2.1")).toBe(true);
    expect(proxied("https://[fd12:3456::1]:443")).toBe(false);
    expect(proxied("https://[fe80::1]")).toBe(true);
    expect(proxied("https://[2001:db8:0:0:0:0:0:1]")).toBe(false);
    // A range names addresses, not names that happen to start with its digits.
    expect(proxied("https://10.example.com")).toBe(true);
  });

  it("matches a domain and its subdomains with or without the leading dot or *., and * alone", () => {
    for (const entry of ["example.com", ".example.com", "*.example.com", "EXAMPLE.com"]) {
      const proxied = via(entry);
      expect(proxied("https://example.com"), entry).toBe(false);
      expect(proxied("https://api.eu.example.com"), entry).toBe(false);
      expect(proxied("https://notexample.com"), entry).toBe(true);
    }
    expect(via("*")("https://anything.at.all")).toBe(false);
  });

  it("limits an entry with a port to that port, IPv6 in brackets included", () => {
    const proxied = via("k8s.internal:6443,[::1]:8443,10.0.0.0/8");
    expect(proxied("https://k8s.internal:6443")).toBe(false);
    expect(proxied("https://k8s.internal")).toBe(true);
    expect(proxied("https://[::1]:8443")).toBe(false);
    expect(proxied("https://[::1]:443")).toBe(true);
  });

  it("refuses an entry that can match nothing, naming it", () => {
    expect(() => proxySettingsFromEnv({ HTTPS_PROXY: PROXY, NO_PROXY: "10.0.0.0/33" })).toThrow(
      'NO_PROXY: "10.0.0.0/33" is no host, domain, address or CIDR range',
    );
    expect(() => proxySettingsFromEnv({ HTTPS_PROXY: PROXY, NO_PROXY: "10.0.0.0/x" })).toThrow("10.0.0.0/x");
    expect(() => proxySettingsFromEnv({ HTTPS_PROXY: PROXY, NO_PROXY: "*." })).toThrow('"*."');
  });
});
