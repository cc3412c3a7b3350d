// strftime formats a format without %N once per second (a memo of recent seconds): every answer,
// repeated or not, is the one JavaScript's own UTC calendar gives.

import { describe, expect, it } from "vitest";
import { Rng } from "../../common/prng.js";
import { strftime } from "./commands.js";

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The conversions from Date's UTC getters, written out independently. */
function expected(format: string, ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const conv: Record<string, string> = {
    Y: String(d.getUTCFullYear()), m: p(d.getUTCMonth() + 1), d: p(d.getUTCDate()), e: String(d.getUTCDate()).padStart(2, " "),
    H: p(d.getUTCHours()), M: p(d.getUTCMinutes()), S: p(d.getUTCSeconds()), s: String(Math.floor(ms / 1000)),
    N: p((ms % 1000) * 1_000_000, 9), a: days[d.getUTCDay()]!, b: months[d.getUTCMonth()]!, Z: "UTC", z: "+0000", "%": "%", n: "\n",
  };
  conv.T = `${conv.H}:${conv.M}:${conv.S}`;
  conv.F = `${conv.Y}-${conv.m}-${conv.d}`;
  return format.replace(/%(.)/g, (m, c: string) => conv[c] ?? m);
}

describe("strftime", () => {
  const formats = ["%Y/%m/%d %H:%M:%S", "%d/%b/%Y:%H:%M:%S +0000", "%a %b %e %H:%M:%S %Z %Y", "%Y-%m-%dT%H:%M:%S+00:00", "%s.%N", "%F %T %z %% %q", "%Y-%m-%d %H:%M:%S,000", "%N", "%%N %s"];

  it("gives the calendar's answer for every format and time, the same second asked again and again", () => {
    const rng = new Rng(5);
    for (let i = 0; i < 3000; i++) {
      const second = rng.int(2) === 0 ? 1_700_000_000 + rng.int(20) : rng.int(4_000_000_000);
      const ms = second * 1000 + rng.int(1000);
      const format = formats[rng.int(formats.length)]!;
      expect(strftime(format, ms)).toBe(expected(format, ms));
    }
  });

  it("two times within one second differ only where %N reads them", () => {
    expect(strftime("%H:%M:%S", 1_700_000_000_001)).toBe(strftime("%H:%M:%S", 1_700_000_000_999));
    expect(strftime("%S.%N", 1_700_000_000_001)).toBe("20.001000000");
    expect(strftime("%S.%N", 1_700_000_000_999)).toBe("20.999000000");
  });
});
