// apimachinery pkg/util/intstr/intstr_test.go: TestGetIntFromIntOrPercent and TestGetIntFromIntOrString
// (through GetScaledValueFromIntOrPercent: a value, or an error), for the shared function and the
// Deployment and disruption controllers' wrappers.
import { describe, expect, it } from "vitest";
import { scaledValue as deploymentScaled } from "../deployment/deployment.logic.js";
import { scaledValue as disruptionScaled } from "../disruption/disruption.logic.js";
import { scaledValueFromIntOrPercent } from "./intstr.js";

describe("TestGetIntFromIntOrPercent", () => {
  const rows: [number | string, number, boolean, number | "error"][] = [
    [123, 0, false, 123], ["90%", 100, true, 90], ["90%", 95, true, 86], ["90%", 95, false, 85],
    ["%", 0, false, "error"], ["90#", 0, false, "error"], ["#%", 0, false, "error"], ["90", 0, false, "error"],
  ];
  for (const [input, total, roundUp, want] of rows) {
    it(`${JSON.stringify(input)} of ${total}, ${roundUp ? "up" : "down"}: ${want}`, () => {
      const got = scaledValueFromIntOrPercent(input, total, roundUp);
      if (want === "error") {
        expect(got).toHaveProperty("error");
        expect(() => deploymentScaled(input, total, roundUp)).toThrow(/^invalid value for IntOrString: /);
        expect(disruptionScaled(input, total, roundUp)).toEqual(got);
      } else {
        expect(got).toBe(want);
        expect(deploymentScaled(input, total, roundUp)).toBe(want);
        expect(disruptionScaled(input, total, roundUp)).toBe(want);
      }
    });
  }
});

describe("TestGetIntFromIntOrString", () => {
  // getIntOrPercentValueSafely's rows: the value of a valid percent is its percent of 100
  const rows: [number | string, number | "error"][] = [
    [200, 200], ["200", "error"], ["30%0", "error"], ["40%", 40], ["%", "error"], ["a%", "error"], ["a", "error"], ["40#", "error"], ["40%%", "error"],
  ];
  for (const [input, want] of rows) {
    it(`${JSON.stringify(input)}: ${want}`, () => {
      const got = scaledValueFromIntOrPercent(input, 100, false);
      if (want === "error") expect(got).toHaveProperty("error");
      else expect(got).toBe(want);
    });
  }
  it("the errors are getIntOrPercentValueSafely's, prefixed", () => {
    expect(scaledValueFromIntOrPercent("200", 100, false)).toEqual({ error: "invalid value for IntOrString: invalid type: string is not a percentage" });
    expect(scaledValueFromIntOrPercent("a%", 100, false)).toEqual({ error: 'invalid value for IntOrString: invalid value "a%": strconv.Atoi: parsing "a": invalid syntax' });
    // strconv.Atoi takes a sign
    expect(scaledValueFromIntOrPercent("+40%", 100, false)).toBe(40);
  });
});
