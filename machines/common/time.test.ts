import { describe, expect, it } from "vitest";
import { parseTime, rfc3339, rfc3339Micro, rfc3339Nano, toMs } from "./time.js";

describe("time as Kubernetes writes it", () => {
  it.each([
    { name: "rfc3339 prints whole seconds in UTC like metav1.Time", got: () => rfc3339(Date.parse("2024-02-29T23:59:59.999Z")), want: "2024-02-29T23:59:59Z" },
    { name: "rfc3339 of the epoch", got: () => rfc3339(0), want: "1970-01-01T00:00:00Z" },
    { name: "rfc3339Micro prints six fraction digits like metav1.MicroTime", got: () => rfc3339Micro(Date.UTC(2026, 0, 1, 0, 0, 0, 5)), want: "2026-01-01T00:00:00.005000Z" },
    { name: "rfc3339Nano formats whole seconds without a fraction, as Go's RFC3339Nano does", got: () => rfc3339Nano(Date.UTC(2026, 0, 1)), want: "2026-01-01T00:00:00Z" },
    { name: "rfc3339Nano trims trailing zeros of the fraction", got: () => rfc3339Nano(Date.UTC(2026, 0, 1, 0, 0, 0, 120)), want: "2026-01-01T00:00:00.12Z" },
  ])("$name", ({ got, want }) => expect(got()).toBe(want));

  it.each([
    { name: "toMs reads an RFC 3339 time", s: "2026-01-01T00:00:01Z", want: Date.UTC(2026, 0, 1, 0, 0, 1) },
    { name: "toMs of an absent time is undefined", s: undefined, want: undefined },
    { name: "toMs of the empty (zero) time is undefined", s: "", want: undefined },
    { name: "toMs of text that is not a time is undefined", s: "yesterday", want: undefined },
  ])("$name", ({ s, want }) => expect(toMs(s)).toBe(want));

  it("parseTime of an absent time is NaN", () => expect(parseTime(undefined)).toBeNaN());

  it("rfc3339Micro formats each instant of a run of repeated and alternating instants as its own", () => {
    const a = Date.UTC(2026, 0, 1, 0, 0, 0, 5);
    const b = Date.UTC(2026, 0, 1, 0, 0, 1, 250);
    expect([a, a, b, b, a].map(rfc3339Micro)).toEqual([
      "2026-01-01T00:00:00.005000Z", "2026-01-01T00:00:00.005000Z", "2026-01-01T00:00:01.250000Z", "2026-01-01T00:00:01.250000Z", "2026-01-01T00:00:00.005000Z",
    ]);
  });
});
