// Quantity.String() rows of apimachinery's resource/quantity_test.go TestQuantityString (those a
// milli-precision value holds: no nano or micro amounts, no DecimalExponent format).
import { describe, expect, it } from "vitest";
import { addQty, canonicalQuantity, formatQty, milliValue } from "./quantity.js";

const Gi = 1024 ** 3;
const rows: [number, boolean, string][] = [
  [Gi * 1000, true, "1Gi"],
  [300 * 1024 * 1024 * 1000, true, "300Mi"],
  [6 * 1024 * 1000, true, "6Ki"],
  [1001 * Gi * 1000, true, "1001Gi"],
  [5000, true, "5"],
  [500, true, "500m"],
  [1e12, false, "1G"],
  [1, false, "1m"],
  [80, false, "80m"],
  [1080, false, "1080m"],
  [300e9, false, "300M"],
  [1234567e9, false, "1234567M"],
  [1234567, true, "1234567m"],
  [3e6, false, "3k"],
  [1025000, true, "1025"],
  [0, false, "0"],
  [0, true, "0"],
];

describe("Quantity.String(): the canonical form", () => {
  it.each(rows)("%d milli (binary %s) is %s", (milli, binary, want) => {
    expect(formatQty({ milli, binary })).toBe(want);
  });

  it("a client's quantity is stored canonically; a sum takes the addend's format when the receiver is zero (Quantity.Add)", () => {
    expect(canonicalQuantity("1.5Gi")).toBe("1536Mi");
    expect(canonicalQuantity("0.5")).toBe("500m");
    expect(canonicalQuantity("1000m")).toBe("1");
    expect(formatQty(addQty({ milli: 0, binary: false }, { milli: 600 * 1024 * 1024 * 1000, binary: true }))).toBe("600Mi");
    expect(formatQty(addQty({ milli: 1000, binary: false }, { milli: 1024 * 1000, binary: true }))).toBe("1025");
  });
});

// resource.Quantity.MilliValue "returns the value of ceil(q * 1000)": a fraction of a milli-unit
// counts as a whole one (a request of 100u cpu is 1 millicore, not 0).
describe("MilliValue rounds up", () => {
  it.each([
    ["100u", 1],
    ["1n", 1],
    ["0.0015", 2],
    ["1.5m", 2],
    ["250m", 250],
    ["2", 2000],
    ["1Ki", 1024000],
  ])("%s is %d milli", (q, want) => {
    expect(milliValue(q)).toBe(want);
  });
});
