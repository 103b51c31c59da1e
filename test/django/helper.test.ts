import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { helperArgv, introspectionHelperPath, introspectionHelperSource } from "../../src/django/helper.js";

const targets = [{ app: "catalog", migration: "0002_product_is_active" }];

describe("the introspection helper's command line", () => {
  it("runs the shipped file with the settings and targets", () => {
    const file = introspectionHelperPath();
    expect(existsSync(file)).toBe(true);
    expect(file.endsWith(path.join("src", "django", "introspect.py"))).toBe(true);
    expect(
      helperArgv({ python: ["/usr/bin/python3", "-X", "utf8"], settings: "shop.settings", targets }),
    ).toEqual([
      "/usr/bin/python3",
      "-X",
      "utf8",
      file,
      "--settings",
      "shop.settings",
      "catalog:0002_product_is_active",
    ]);
  });

  it("inline, passes the source with -c, small enough for one Linux argument (128 KiB)", () => {
    const argv = helperArgv({ python: ["python"], targets, inline: true });
    expect(argv[1]).toBe("-c");
    expect(argv[2]).toBe(introspectionHelperSource());
    expect(Buffer.byteLength(argv[2] ?? "")).toBeLessThan(128 * 1024);
    expect(argv.slice(3)).toEqual(["catalog:0002_product_is_active"]);
  });
});
