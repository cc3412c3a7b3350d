// k8s.io/apimachinery pkg/util/duration/duration_test.go (at eed236ce), row by row: TestHumanDuration and
// TestHumanDurationBoundaries through formatAge, kubectl's AGE column. Go durations are nanoseconds;
// formatAge takes milliseconds, so a row's nanoseconds are divided by 1e6 (fractions kept).

import { describe, expect, it } from "vitest";
import { formatAge } from "./printers.js";

const ns = 1, ms = 1e6 * ns, s = 1e3 * ms, min = 60 * s, h = 60 * min, d = 24 * h, y = 365 * d;

const human: [number, string][] = [
  [s, "1s"], [70 * s, "70s"], [190 * s, "3m10s"], [70 * min, "70m"], [47 * h, "47h"], [49 * h, "2d1h"],
  [(8 * 24 + 2) * h, "8d"], [367 * 24 * h, "367d"], [(365 * 2 * 24 + 25) * h, "2y1d"], [(365 * 8 * 24 + 2) * h, "8y"],
];

const boundaries: [number, string][] = [
  [-2 * s, "<invalid>"], [-2 * s + 1, "0s"], [0, "0s"], [s - ms, "0s"], [2 * min - ms, "119s"], [2 * min, "2m"],
  [2 * min + s, "2m1s"], [10 * min - ms, "9m59s"], [10 * min, "10m"], [10 * min + s, "10m"], [3 * h - ms, "179m"],
  [3 * h, "3h"], [3 * h + min, "3h1m"], [8 * h - ms, "7h59m"], [8 * h, "8h"], [8 * h + 59 * min, "8h"],
  [2 * d - ms, "47h"], [2 * d, "2d"], [2 * d + h, "2d1h"], [8 * d - ms, "7d23h"], [8 * d, "8d"], [8 * d + 23 * h, "8d"],
  [2 * y - ms, "729d"], [2 * y, "2y"], [2 * y + 23 * h, "2y"], [2 * y + 23 * h + 59 * min, "2y"], [2 * y + d - ms, "2y"],
  [2 * y + d, "2y1d"], [3 * y, "3y"], [4 * y, "4y"], [5 * y, "5y"], [6 * y, "6y"], [7 * y, "7y"], [8 * y - ms, "7y364d"],
  [8 * y, "8y"], [8 * y + 364 * d, "8y"], [9 * y, "9y"],
];

describe("TestHumanDuration", () => {
  it.each(human)("%d ns prints %s", (dur, want) => expect(formatAge(dur / 1e6)).toBe(want));
});

describe("TestHumanDurationBoundaries", () => {
  it.each(boundaries)("%d ns prints %s", (dur, want) => expect(formatAge(dur / 1e6)).toBe(want));
});
