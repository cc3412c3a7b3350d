import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ContainerLog } from "./containerlog.js";
import { freezeContext } from "../common/freeze.js";
import type { LogLine } from "./messages.js";

// The model: a plain array of lines, the oldest dropped past the bound.
const op = fc.record({
  time: fc.oneof(fc.integer({ min: 0, max: 2_000_000_000_000 }), fc.double({ min: 0, max: 1e13, noNaN: true })),
  stream: fc.constantFrom("stdout" as const, "stderr" as const),
  line: fc.string({ maxLength: 12 }),
});

describe("ContainerLog", () => {
  it("reads back every line pushed, in order, with its time and stream, across chunk boundaries and the bound", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 140 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: -120, max: 120 }), (ops, max, from) => {
        let log = ContainerLog.empty;
        const model: LogLine[] = [];
        for (const o of ops) {
          log = log.push(o.time, o.stream, o.line, max);
          model.push({ time: o.time, stream: o.stream, line: o.line });
          while (model.length > max) model.shift();
          expect(log.size).toBe(model.length);
        }
        expect(log.toArray()).toEqual(model);
        expect([...log]).toEqual(model);
        expect(log.slice(from)).toEqual(model.slice(from < 0 ? Math.max(0, model.length + from) : from));
        expect(log.lastLines(7)).toEqual(model.slice(-7).map((l) => l.line));
        expect(JSON.parse(JSON.stringify(log))).toEqual(JSON.parse(JSON.stringify(model)));
      }),
      { numRuns: 300 },
    );
  });

  it("is a value: a fork's lines never show in its parent or in another fork, and a frozen log can still be appended to", () => {
    let base = ContainerLog.empty;
    for (let i = 0; i < 40; i++) base = base.push(i, i % 3 === 0 ? "stderr" : "stdout", `line ${i}`);
    freezeContext(base);
    const a = base.push(100, "stdout", "a");
    const b = base.push(200, "stderr", "b");
    expect(base.size).toBe(40);
    expect(base.slice(-1)).toEqual([{ time: 39, stream: "stderr", line: "line 39" }]);
    expect(a.slice(-2)).toEqual([{ time: 39, stream: "stderr", line: "line 39" }, { time: 100, stream: "stdout", line: "a" }]);
    expect(b.slice(-2)).toEqual([{ time: 39, stream: "stderr", line: "line 39" }, { time: 200, stream: "stderr", line: "b" }]);
  });

  it("keeps the stream of a chunk's 32nd line (the mask's sign bit)", () => {
    let log = ContainerLog.empty;
    for (let i = 0; i < 33; i++) log = log.push(i, i === 31 ? "stderr" : "stdout", String(i));
    expect(log.toArray().filter((l) => l.stream === "stderr").map((l) => l.line)).toEqual(["31"]);
  });
});
