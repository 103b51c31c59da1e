import { z } from "zod";
import { type ChangeWindow, knownTimeZone, secondsOfDay, WEEKDAYS } from "../domain/run/change-windows.js";

const clock = z
  .string()
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/,
    'a time of day is "HH:MM" or "HH:MM:SS", 24-hour, like "09:00" or "22:30"',
  );

/** One change window: the days it opens on, its local hours and its time zone. */
export const windowSchema = z
  .strictObject({
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1, "name at least one day, like [mon, tue, wed, thu]")
      .describe("The days the window opens on (sun, mon, tue, wed, thu, fri, sat)"),
    start: clock.describe('Local time the window opens, "HH:MM" or "HH:MM:SS"'),
    end: clock.describe(
      "Local time it closes; before start: the window crosses midnight and closes the next day",
    ),
    timeZone: z
      .string()
      .refine(knownTimeZone, {
        error: (issue) =>
          `unknown time zone "${String(issue.input)}": use an IANA name like Europe/Paris, America/New_York or UTC`,
      })
      .describe("IANA time zone of start and end (Europe/Paris, UTC); daylight saving is followed"),
  })
  .refine((w) => secondsOfDay(w.start) !== secondsOfDay(w.end), {
    message:
      "start and end are the same time: the window would be empty; leave windows out to allow any time",
    path: ["end"],
  }) satisfies z.ZodType<ChangeWindow>;

export const windowsSchema = z
  .array(windowSchema)
  .min(1, "list at least one window, or leave windows out to allow contract steps at any time")
  .describe(
    "When contract steps may start; an approved contract outside every window waits for the next one. Any time when absent",
  );
