import { describe, expect, it } from "vitest";
import { releaseProjectDir } from "../../src/config/release-dir.js";

describe("project.path with {version}", () => {
  it("names each release's checkout; a path without it is every release's", () => {
    expect(releaseProjectDir("/srv/releases/{version}/app", "v2.1")).toBe("/srv/releases/v2.1/app");
    expect(releaseProjectDir("/srv/shop", "v2")).toBe("/srv/shop");
  });

  it.each(["..", ".hidden", "a/b", ""])(
    "refuses the version %j, which is no plain directory name",
    (version) => {
      expect(() => releaseProjectDir("/srv/releases/{version}", version)).toThrow(
        /cannot name the release's directory/,
      );
    },
  );
});
