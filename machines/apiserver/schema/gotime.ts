// Go's time.Parse for the two layouts the API uses (metav1.Time: RFC3339, metav1.MicroTime:
// RFC3339Micro), with its error messages, and the UTC text the value is marshalled back to.

export const RFC3339 = "2006-01-02T15:04:05Z07:00";
export const RFC3339Micro = "2006-01-02T15:04:05.000000Z07:00";

type Std = "2006" | "01" | "02" | "15" | "04" | "05" | ".000000" | "Z07:00";
/** The layouts as Go's nextStdChunk splits them: literal prefix, then a std element. */
const chunks: Record<string, [string, Std][]> = {
  [RFC3339]: [["", "2006"], ["-", "01"], ["-", "02"], ["T", "15"], [":", "04"], [":", "05"], ["", "Z07:00"]],
  [RFC3339Micro]: [["", "2006"], ["-", "01"], ["-", "02"], ["T", "15"], [":", "04"], [":", "05"], ["", ".000000"], ["", "Z07:00"]],
};

/** Go's time.quote: double quotes, with quotes and backslashes escaped and other bytes as \x. */
function quote(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    if (b >= 0x80 || b < 0x20) out += "\\x" + b.toString(16).padStart(2, "0");
    else if (c === '"' || c === "\\") out += "\\" + c;
    else out += c;
  }
  return out + '"';
}

const isDigit = (s: string, i: number) => i < s.length && s[i]! >= "0" && s[i]! <= "9";

class Bad extends Error {}

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) throw new Bad();
  if (!isDigit(s, 1)) {
    if (fixed) throw new Bad();
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** time.Parse(layout, value): the instant in ms since the epoch and its nanoseconds within the second, or Go's ParseError text. */
export function goParseTime(layout: typeof RFC3339 | typeof RFC3339Micro, avalue: string): { ms: number; nsec: number } | { error: string } {
  const err = (layoutElem: string, valueElem: string, message = "") =>
    ({ error: message === "" ? `parsing time ${quote(avalue)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}` : `parsing time ${quote(avalue)}${message}` });
  let value = avalue;
  let year = 0, month = -1, day = -1, hour = 0, min = 0, sec = 0, nsec = 0, offset = 0;
  const list = chunks[layout]!;
  for (let k = 0; k < list.length; k++) {
    const [prefix, std] = list[k]!;
    for (const c of prefix) {
      if (value.length === 0 || value[0] !== c) return err(prefix, value);
      value = value.slice(1);
    }
    const hold = value;
    let range = "";
    try {
      switch (std) {
        case "2006":
          if (value.length < 4 || !isDigit(value, 0)) throw new Bad();
          if (!/^[0-9]{4}$/.test(value.slice(0, 4))) throw new Bad();
          year = Number(value.slice(0, 4));
          value = value.slice(4);
          break;
        case "01":
          [month, value] = getnum(value, true);
          if (month <= 0 || month > 12) range = "month";
          break;
        case "02":
          [day, value] = getnum(value, true);
          break;
        case "15":
          [hour, value] = getnum(value, false);
          if (hour < 0 || hour >= 24) range = "hour";
          break;
        case "04":
          [min, value] = getnum(value, true);
          if (min < 0 || min >= 60) range = "minute";
          break;
        case "05": {
          [sec, value] = getnum(value, true);
          if (sec < 0 || sec >= 60) {
            range = "second";
            break;
          }
          // A fractional second the layout does not have is still accepted (Go's special case).
          if (value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigit(value, 1) && list[k + 1]?.[1] !== ".000000") {
            let n = 2;
            while (n < value.length && isDigit(value, n)) n++;
            nsec = Number(value.slice(1, Math.min(n, 10)).padEnd(9, "0"));
            value = value.slice(n);
          }
          break;
        }
        case ".000000":
          if (value.length < 7) throw new Bad();
          if (value[0] !== "." && value[0] !== ",") throw new Bad();
          if (!/^[0-9]{6}$/.test(value.slice(1, 7))) throw new Bad();
          nsec = Number(value.slice(1, 7)) * 1000;
          value = value.slice(7);
          break;
        case "Z07:00": {
          if (value.length >= 1 && value[0] === "Z") {
            value = value.slice(1);
            offset = 0;
            break;
          }
          if (value.length < 6 || value[3] !== ":") throw new Bad();
          const sign = value[0];
          const [hr] = getnum(value.slice(1, 3), true);
          const [mm] = getnum(value.slice(4, 6), true);
          value = value.slice(6);
          if (hr > 24) range = "time zone offset hour";
          if (mm > 60) range = "time zone offset minute";
          offset = (hr * 60 + mm) * 60;
          if (sign === "-") offset = -offset;
          else if (sign !== "+") throw new Bad();
          break;
        }
      }
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      if (range !== "") return err(std, value, `: ${range} out of range`);
      return err(std, hold);
    }
    if (range !== "") return err(std, value, `: ${range} out of range`);
  }
  if (value.length !== 0) return err("", value, `: extra text: ${quote(value)}`);
  if (day < 1 || day > daysIn(month, year)) return err("", value, ": day out of range");
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, 0);
  return { ms: d.getTime() - offset * 1000, nsec };
}

/** How metav1.Time (RFC3339) or MicroTime (RFC3339Micro) marshals an instant: in UTC. */
export function formatGoTime(layout: typeof RFC3339 | typeof RFC3339Micro, t: { ms: number; nsec: number }): string {
  const iso = new Date(t.ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const base = iso.slice(0, 19);
  if (layout === RFC3339) return base + "Z";
  return `${base}.${String(Math.floor(t.nsec / 1000)).padStart(6, "0")}Z`;
}
