import { describe, expect, it } from "vitest";
import { type ChangeWindow, windowState } from "../../../src/domain/run/change-windows.js";

const WEEKDAYS_PARIS: ChangeWindow = {
  days: ["mon", "tue", "wed", "thu"],
  start: "09:00",
  end: "17:00",
  timeZone: "Europe/Paris",
};

const at = (iso: string) => new Date(iso);

function opening(windows: ChangeWindow[], now: string): { opensAt: string; opens: string } {
  const state = windowState(windows, at(now));
  if (state.open) throw new Error(`expected closed at ${now}`);
  return { opensAt: state.opensAt.toISOString(), opens: state.opens };
}

describe("change windows", () => {
  it("are always open when the service declares none", () => {
    expect(windowState([], at("2026-11-28T03:00:00Z"))).toEqual({ open: true });
  });

  it("are open inside the local hours of a listed day, the end excluded", () => {
    // Monday 30 November 2026; Paris is UTC+1 in winter.
    expect(windowState([WEEKDAYS_PARIS], at("2026-11-30T08:00:00Z")).open).toBe(true);
    expect(windowState([WEEKDAYS_PARIS], at("2026-11-30T15:59:59Z")).open).toBe(true);
    expect(opening([WEEKDAYS_PARIS], "2026-11-30T16:00:00Z")).toEqual({
      opensAt: "2026-12-01T08:00:00.000Z",
      opens: "Tue 09:00 Europe/Paris",
    });
    expect(opening([WEEKDAYS_PARIS], "2026-11-30T07:59:59Z").opensAt).toBe("2026-11-30T08:00:00.000Z");
  });

  it("say when the next one opens after a weekend", () => {
    // Friday 27 November, 18:00 in Paris.
    expect(opening([WEEKDAYS_PARIS], "2026-11-27T17:00:00Z")).toEqual({
      opensAt: "2026-11-30T08:00:00.000Z",
      opens: "Mon 09:00 Europe/Paris",
    });
  });

  it("cross midnight when the end is before the start, counting from the day they open", () => {
    const night: ChangeWindow = { days: ["fri"], start: "22:00", end: "02:00", timeZone: "UTC" };
    expect(windowState([night], at("2026-11-27T22:00:00Z")).open).toBe(true);
    expect(windowState([night], at("2026-11-28T01:59:59Z")).open).toBe(true);
    expect(opening([night], "2026-11-28T02:00:00Z").opensAt).toBe("2026-12-04T22:00:00.000Z");
    // Thursday night is not Friday's window.
    expect(opening([night], "2026-11-27T01:00:00Z").opensAt).toBe("2026-11-27T22:00:00.000Z");
  });

  it("keep their local hours across daylight-saving changes", () => {
    const daily: ChangeWindow = {
      days: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
      start: "09:00",
      end: "10:00",
      timeZone: "Europe/Paris",
    };
    // Paris goes from UTC+1 to UTC+2 on Sunday 29 March 2026, and back on Sunday 25 October.
    expect(opening([daily], "2026-03-28T12:00:00Z").opensAt).toBe("2026-03-29T07:00:00.000Z");
    expect(opening([daily], "2026-10-24T12:00:00Z").opensAt).toBe("2026-10-25T08:00:00.000Z");
    expect(windowState([daily], at("2026-03-29T07:30:00Z")).open).toBe(true);
    expect(windowState([daily], at("2026-03-29T08:30:00Z")).open).toBe(false);
  });

  it("open at the first of two 02:30 when clocks go back, an hour later when 02:30 never happens", () => {
    const early = (days: ChangeWindow["days"]): ChangeWindow => ({
      days,
      start: "02:30",
      end: "04:00",
      timeZone: "Europe/Paris",
    });
    // 02:30 happens at 00:30Z (summer time) and again at 01:30Z (winter time) on 25 October.
    expect(opening([early(["sun"])], "2026-10-24T12:00:00Z").opensAt).toBe("2026-10-25T00:30:00.000Z");
    // On 29 March the clocks jump from 02:00 to 03:00: the window opens at 03:30 summer time.
    expect(opening([early(["sun"])], "2026-03-28T12:00:00Z").opensAt).toBe("2026-03-29T01:30:00.000Z");
  });

  it("take the earliest opening of several windows, and are open when any is", () => {
    const evening: ChangeWindow = { days: ["fri"], start: "20:00", end: "21:00", timeZone: "UTC" };
    const newYork: ChangeWindow = {
      days: ["sat"],
      start: "06:00",
      end: "07:00",
      timeZone: "America/New_York",
    };
    // Friday 27 November 2026, 12:00 UTC.
    expect(opening([newYork, evening], "2026-11-27T12:00:00Z")).toEqual({
      opensAt: "2026-11-27T20:00:00.000Z",
      opens: "Fri 20:00 UTC",
    });
    expect(opening([newYork, evening], "2026-11-27T21:00:00Z")).toEqual({
      opensAt: "2026-11-28T11:00:00.000Z",
      opens: "Sat 06:00 America/New_York",
    });
    expect(windowState([newYork, evening], at("2026-11-28T11:30:00Z")).open).toBe(true);
  });

  it("take seconds into account", () => {
    const soon: ChangeWindow = { days: ["fri"], start: "12:00:05", end: "12:00:30", timeZone: "UTC" };
    expect(opening([soon], "2026-11-27T12:00:00Z")).toEqual({
      opensAt: "2026-11-27T12:00:05.000Z",
      opens: "Fri 12:00:05 UTC",
    });
    expect(windowState([soon], at("2026-11-27T12:00:05Z")).open).toBe(true);
  });
});
