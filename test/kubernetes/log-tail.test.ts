import { describe, expect, it } from "vitest";
import { readLogTail } from "../../src/kubernetes/log-tail.js";

/** A pod log read as the kubelet answers: its last `tailLines` lines, then their first `limit` bytes. */
function kubelet(log: string[], limit: number, asks: number[]) {
  return async (tailLines: number) => {
    asks.push(tailLines);
    return Buffer.from(
      log
        .slice(-tailLines)
        .map((line) => `${line}\n`)
        .join(""),
    )
      .subarray(0, limit)
      .toString("utf8");
  };
}

describe("readLogTail", () => {
  it("a tail within the limit: one ask, kept whole", async () => {
    const asks: number[] = [];
    const tail = await readLogTail(kubelet(["a", "b", "c"], 1000, asks), 2, 1000);
    expect(tail).toEqual({ text: "b\nc\n", lines: 2, cut: false });
    expect(asks).toEqual([2]);
  });

  it("lines longer toward the end than any estimate: four asks at most, the last for the last line alone", async () => {
    const log = [
      ...Array.from({ length: 40 }, () => "a".repeat(30)),
      ..."bcdefg".split("").map((c, i) => c.repeat(100 * 2 ** i)),
      "Error: the end",
    ];
    const asks: number[] = [];
    const tail = await readLogTail(kubelet(log, 1000, asks), 47, 1000);
    expect(asks).toEqual([47, 16, 6, 1]);
    expect(tail).toEqual({ text: "Error: the end\n", lines: 1, cut: false });
  });

  it("a last line over the limit alone: its start, said cut", async () => {
    const asks: number[] = [];
    const tail = await readLogTail(kubelet(["Applying", "x".repeat(5000)], 1000, asks), 200, 1000);
    expect(tail).toEqual({ text: "x".repeat(1000), lines: 1, cut: true });
    expect(asks).toEqual([200, 1]);
  });
});
