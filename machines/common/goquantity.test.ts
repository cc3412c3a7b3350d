import { describe, expect, it } from "vitest";
import { addQuantity, cmpQuantity, maxExponentGap, parseGoQuantity, quantityString, subQuantity } from "./goquantity.js";

const q = (s: string) => parseGoQuantity(s)!;

describe("Quantity.Add and Sub at any exponent", () => {
  it.each([
    // int64Amount.Add: a zero addend leaves the other as it is, whatever its scale
    ["0 + 1e2147483647 is 1e2147483647, printed with the exponent brought to a multiple of 3", "0", "1e2147483647", "10e2147483646"],
    ["1e2147483647 + 0", "1e2147483647", "0", "10e2147483646"],
    ["500m + 1500m", "500m", "1500m", "2"],
    ["1Gi + 512Mi keeps BinarySI", "1Gi", "512Mi", "1536Mi"],
  ])("%s", (_name, a, b, want) => {
    expect(quantityString(addQuantity(q(a), q(b)))).toBe(want);
  });

  it(`keeps an addend more than ${maxExponentGap} places below the other as its sign, so that comparisons still see it`, () => {
    const huge = q("1e2147483647");
    const more = addQuantity(huge, q("500m"));
    expect(cmpQuantity(more, huge)).toBe(1);
    expect(cmpQuantity(subQuantity(huge, q("500m")), huge)).toBe(-1);
    expect(cmpQuantity(more, q("2e2147483647"))).toBe(-1);
  });
});
