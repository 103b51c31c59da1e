import { describe, expect, it } from "vitest";
import { IntrospectionSlots } from "../../src/app/introspection-slots.js";

/** A piece of work that ends when the test says so, counting how many run at once. */
function gate(running: { now: number; max: number }) {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const work = async () => {
    running.now++;
    running.max = Math.max(running.max, running.now);
    await opened;
    running.now--;
    return "done";
  };
  return { work, open };
}

describe("IntrospectionSlots", () => {
  it("runs at most `limit` at once, tells those still waiting how many are ahead, and serves them in order", async () => {
    const slots = new IntrospectionSlots(2, 10, 50);
    const running = { now: 0, max: 0 };
    const gates = Array.from({ length: 5 }, () => gate(running));
    const told: number[] = [];
    const order: number[] = [];
    const results = gates.map((g, i) =>
      slots
        .run(g.work, (ahead, limit) => told.push(ahead * 10 + limit))
        .then((r) => {
          order.push(i);
          return r;
        }),
    );
    expect(told).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(told).toEqual([22, 32, 42]);
    for (const g of gates) {
      g.open();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(results)).toEqual(Array(5).fill({ ok: true, value: "done" }));
    expect(running.max).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("turns a caller away when the line is full, and frees the slot of work that failed", async () => {
    const slots = new IntrospectionSlots(1, 1);
    const running = { now: 0, max: 0 };
    const first = gate(running);
    const held = slots.run(first.work);
    const waiting = slots.run(async () => "second");
    expect(await slots.run(async () => "third")).toEqual({ ok: false, waiting: 1 });
    first.open();
    await held;
    expect(await waiting).toEqual({ ok: true, value: "second" });
    await expect(slots.run(async () => Promise.reject(new Error("django broke")))).rejects.toThrow(
      "django broke",
    );
    expect(await slots.run(async () => "after")).toEqual({ ok: true, value: "after" });
  });

  it("tells nothing to a caller whose turn comes before the notice is due", async () => {
    const slots = new IntrospectionSlots(1, 10, 200);
    const running = { now: 0, max: 0 };
    const first = gate(running);
    const told: number[] = [];
    const held = slots.run(first.work);
    const waiting = slots.run(
      async () => "second",
      (ahead) => told.push(ahead),
    );
    first.open();
    await held;
    expect(await waiting).toEqual({ ok: true, value: "second" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(told).toEqual([]);
  });

  it("lets one service hold at most half of the slots: another service's read passes its waiting ones", async () => {
    const slots = new IntrospectionSlots(4, 10, 1000);
    const hung = { now: 0, max: 0 };
    const a = Array.from({ length: 4 }, () => gate(hung));
    const held = a.map((g) => slots.run(g.work, undefined, "a"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hung.now).toBe(2);
    expect(await slots.run(async () => "b", undefined, "b")).toEqual({ ok: true, value: "b" });
    a[0]?.open();
    a[1]?.open();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hung.now).toBe(2);
    a[2]?.open();
    a[3]?.open();
    expect(await Promise.all(held)).toEqual(Array(4).fill({ ok: true, value: "done" }));
    expect(hung.max).toBe(2);
  });
});
