import { afterEach, describe, expect, it } from "vitest";
import { maxIntrospectionsFromEnv } from "../../src/wiring/introspection-limit.js";

const NAME = "PHASEGATE_MAX_INTROSPECTIONS";
const before = process.env[NAME];

afterEach(() => {
  if (before === undefined) delete process.env[NAME];
  else process.env[NAME] = before;
});

describe("PHASEGATE_MAX_INTROSPECTIONS", () => {
  it("is a whole number from 1 to 64, or unset for the default", () => {
    delete process.env[NAME];
    expect(maxIntrospectionsFromEnv()).toBeUndefined();
    process.env[NAME] = "8";
    expect(maxIntrospectionsFromEnv()).toBe(8);
  });

  it.each(["0", "2.5", "many", "65"])(
    "refuses %j, saying what it takes and how to get the default",
    (value) => {
      process.env[NAME] = value;
      expect(() => maxIntrospectionsFromEnv()).toThrow(
        `PHASEGATE_MAX_INTROSPECTIONS must be a whole number from 1 to 64 (Django processes at once), got "${value}": fix it or unset it for the default of 4`,
      );
    },
  );
});
