/**
 * Change windows: when a service's contract steps may start. Wall-clock times in the window's own time zone, so a
 * window keeps its local hours across daylight-saving changes. Pure: `now` is always passed in.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface ChangeWindow {
  /** The days the window opens on (a window crossing midnight closes the next day). */
  days: Weekday[];
  /** "HH:MM" or "HH:MM:SS", local time; an end before the start crosses midnight. */
  start: string;
  end: string;
  /** An IANA time zone ("Europe/Paris", "UTC"). */
  timeZone: string;
}

export type WindowState = { open: true } | { open: false; opensAt: Date; opens: string };

/** Seconds since local midnight of "HH:MM" or "HH:MM:SS". */
export function secondsOfDay(time: string): number {
  const [h = 0, m = 0, s = 0] = time.split(":").map(Number);
  return h * 3600 + m * 60 + s;
}

/** True when the time zone is one Intl knows (an IANA name). */
export function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  seconds: number;
}

const DAY_MS = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, format);
  }
  return format;
}

function localTime(instant: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    formatIn(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const year = parts.year ?? 1970;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  return {
    year,
    month,
    day,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    seconds: (parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0),
  };
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const t = localTime(instant, timeZone);
  const wall = Date.UTC(t.year, t.month - 1, t.day) + t.seconds * 1000;
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local wall time happens. Twice (clocks going back): the first. Never (clocks going forward, the
 * time falls in the gap): as much later as the gap is long, as a wall clock that did not jump would say.
 */
function instantOf(wall: number, timeZone: string): number {
  // The offsets a day either side: a time zone never changes its offset twice within two days.
  const candidates = [wall - offsetAt(wall - DAY_MS, timeZone), wall - offsetAt(wall + DAY_MS, timeZone)];
  const real = candidates.filter((c) => c + offsetAt(c, timeZone) === wall);
  return real.length > 0 ? Math.min(...real) : Math.max(...candidates);
}

function isOpen(window: ChangeWindow, now: number): boolean {
  const local = localTime(now, window.timeZone);
  const start = secondsOfDay(window.start);
  const end = secondsOfDay(window.end);
  const today = WEEKDAYS[local.weekday] as Weekday;
  const yesterday = WEEKDAYS[(local.weekday + 6) % 7] as Weekday;
  if (start < end) return window.days.includes(today) && local.seconds >= start && local.seconds < end;
  return (
    (window.days.includes(today) && local.seconds >= start) ||
    (window.days.includes(yesterday) && local.seconds < end)
  );
}

/** The window's next opening after `now`, and how to say it ("Mon 09:00 Europe/Paris"). */
function nextOpening(window: ChangeWindow, now: number): { at: number; opens: string } | null {
  const local = localTime(now, window.timeZone);
  const startMs = secondsOfDay(window.start) * 1000;
  // Eight days: today's opening may have passed, and the same weekday comes again a week later.
  for (let ahead = 0; ahead <= 7; ahead++) {
    const date = Date.UTC(local.year, local.month - 1, local.day + ahead);
    const weekday = WEEKDAYS[new Date(date).getUTCDay()] as Weekday;
    if (!window.days.includes(weekday)) continue;
    const at = instantOf(date + startMs, window.timeZone);
    if (at > now) {
      const day = `${weekday[0]?.toUpperCase()}${weekday.slice(1)}`;
      return { at, opens: `${day} ${window.start} ${window.timeZone}` };
    }
  }
  return null;
}

/**
 * Whether a contract step may start at `now`: always with no windows, else when one of them is open; otherwise when
 * the first of them opens next.
 */
export function windowState(windows: readonly ChangeWindow[], now: Date): WindowState {
  const at = now.getTime();
  if (windows.length === 0 || windows.some((w) => isOpen(w, at))) return { open: true };
  const next = windows
    .map((w) => nextOpening(w, at))
    .filter((o): o is { at: number; opens: string } => o !== null)
    .sort((a, b) => a.at - b.at)[0];
  // Every window names at least one day (the config requires it), so one always opens within a week.
  if (!next) return { open: true };
  return { open: false, opensAt: new Date(next.at), opens: next.opens };
}
