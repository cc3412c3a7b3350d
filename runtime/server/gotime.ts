// Go's time.Parse(time.RFC3339, s), for query parameters (metav1.Time.UnmarshalQueryParameter):
// the instant it reads, or the error text Go gives, which kube-apiserver passes to the client.

/** The layout's elements as time.Parse walks them: a literal prefix, then a standard chunk. */
const layout = "2006-01-02T15:04:05Z07:00";
const chunks: ReadonlyArray<readonly [prefix: string, std: string]> = [
  ["", "2006"],
  ["-", "01"],
  ["-", "02"],
  ["T", "15"],
  [":", "04"],
  [":", "05"],
  ["", "Z07:00"],
];

/** time's quote: ASCII printable as is (with " and \ escaped), every other byte as \xNN. */
function goTimeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) {
      for (const b of Buffer.from(ch)) out += `\\x${b.toString(16).padStart(2, "0")}`;
    } else out += ch === '"' || ch === "\\" ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** time's getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): { n: number; rest: string } | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : { n: s.charCodeAt(0) - 48, rest: s.slice(1) };
  return { n: (s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), rest: s.slice(2) };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** time.Parse(time.RFC3339, value): the instant in epoch milliseconds, or Go's error text. */
export function parseRFC3339(value: string): { ms: number } | { error: string } {
  const whole = goTimeQuote(value);
  const cannot = (rest: string, elem: string) => ({ error: `parsing time ${whole} as ${goTimeQuote(layout)}: cannot parse ${goTimeQuote(rest)} as ${goTimeQuote(elem)}` });
  const outOfRange = (what: string) => ({ error: `parsing time ${whole}: ${what} out of range` });
  const f = { year: 0, month: 1, day: 1, hour: 0, min: 0, sec: 0, ms: 0, offset: 0 };
  let v = value;
  for (const [prefix, std] of chunks) {
    if (!v.startsWith(prefix)) {
      // skip consumes the prefix byte by byte: the error shows what is left where it stopped
      let i = 0;
      while (i < prefix.length && v[i] === prefix[i]) i++;
      return cannot(v.slice(i), prefix);
    }
    v = v.slice(prefix.length);
    const hold = v;
    switch (std) {
      case "2006": {
        if (v.length < 4 || !isDigit(v, 0) || !/^[0-9]{4}$/.test(v.slice(0, 4))) return cannot(hold, std);
        f.year = Number(v.slice(0, 4));
        v = v.slice(4);
        break;
      }
      case "01":
      case "02":
      case "15":
      case "04":
      case "05": {
        const got = getnum(v, std !== "15");
        if (!got) return cannot(hold, std);
        v = got.rest;
        if (std === "01") {
          if (got.n < 1 || got.n > 12) return outOfRange("month");
          f.month = got.n;
        } else if (std === "02") f.day = got.n;
        else if (std === "15") {
          if (got.n >= 24) return outOfRange("hour");
          f.hour = got.n;
        } else if (std === "04") {
          if (got.n >= 60) return outOfRange("minute");
          f.min = got.n;
        } else {
          if (got.n >= 60) return outOfRange("second");
          f.sec = got.n;
          // a fraction the layout does not name is read anyway (up to nine digits count)
          if (v.length >= 2 && (v[0] === "." || v[0] === ",") && isDigit(v, 1)) {
            let n = 2;
            while (isDigit(v, n)) n++;
            f.ms = Math.floor(Number(`0.${v.slice(1, Math.min(n, 10))}`) * 1000);
            v = v.slice(n);
          }
        }
        break;
      }
      default: {
        if (v.startsWith("Z")) {
          v = v.slice(1);
          break;
        }
        if (v.length < 6 || v[3] !== ":") return cannot(hold, std);
        const sign = v[0];
        const hh = getnum(v.slice(1, 3), true);
        const mm = hh ? getnum(v.slice(4, 6), true) : undefined;
        v = v.slice(6);
        if (hh && hh.n > 24) return outOfRange("time zone offset hour");
        if (mm && mm.n > 60) return outOfRange("time zone offset minute");
        if (!hh || !mm || (sign !== "+" && sign !== "-")) return cannot(hold, std);
        f.offset = (sign === "-" ? -1 : 1) * (hh.n * 60 + mm.n);
      }
    }
  }
  if (v.length > 0) return { error: `parsing time ${whole}: extra text: ${goTimeQuote(v)}` };
  if (f.day < 1 || f.day > daysIn(f.month, f.year)) return outOfRange("day");
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.min, f.sec, f.ms);
  return { ms: d.getTime() - f.offset * 60_000 };
}
