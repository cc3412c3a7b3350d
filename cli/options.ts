// Argument parsers of the podflow command line: a bad value is refused where it is parsed, with
// commander's wording ("option ... argument ... is invalid.") and exit code 2, never run as NaN.

import { InvalidArgumentError } from "commander";

/** A whole number ≥ 0 given as an argument. */
export function wholeNumber(v: string): string {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError("Not a whole number.");
  return v;
}

/** A seed: any whole number, negative included. */
export function seedNumber(v: string): string {
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError("Not a whole number.");
  return v;
}

/** A port: 0 to 65535. */
export function portNumber(v: string): string {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError("Not a port (0 to 65535).");
  return v;
}

/** A number ≥ 0 (decimals allowed). */
export function nonNegative(v: string): string {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError("Not a number of 0 or more.");
  return v;
}

/** A number > 0 (decimals allowed). */
export function positive(v: string): string {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("Not a number greater than 0.");
  return v;
}

/** NODESxPODS, e.g. 100x3000; collected into a list. */
export function sizeList(v: string, previous: string[] | undefined): string[] {
  if (!/^\d+x\d+$/.test(v)) throw new InvalidArgumentError("Not NODESxPODS (e.g. 100x3000).");
  return [...(previous ?? []), v];
}

/**
 * NAME:GROUPS (groups comma-separated, may be empty: "jane", "jane:devs,ops"); collected into a
 * list. The name ends at the first ':' (groups such as system:masters keep theirs); neither may be
 * empty or hold a control character.
 */
export function userList(v: string, previous: Array<{ name: string; groups: string[] }> | undefined): Array<{ name: string; groups: string[] }> {
  const at = v.indexOf(":");
  const name = at < 0 ? v : v.slice(0, at);
  const groups = at < 0 || v.slice(at + 1) === "" ? [] : v.slice(at + 1).split(",");
  // eslint-disable-next-line no-control-regex
  const bad = (s: string) => s === "" || /[\u0000-\u001f\u007f]/.test(s);
  if (bad(name) || groups.some(bad)) throw new InvalidArgumentError("Not NAME or NAME:GROUP,GROUP (e.g. jane:devs).");
  if (name === "admin" || previous?.some((u) => u.name === name)) throw new InvalidArgumentError(`The user ${JSON.stringify(name)} is given twice.`);
  return [...(previous ?? []), { name, groups }];
}

/** A whole number ≥ 1 (shards, workers). */
export function countNumber(v: string): string {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < 1) throw new InvalidArgumentError("Not a whole number of 1 or more.");
  return v;
}

/** I/N, the I-th (from 0) of N shards. */
export function shardSpec(v: string): string {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2]) || !Number.isSafeInteger(Number(m[2]))) throw new InvalidArgumentError("Not I/N with 0 <= I < N.");
  return v;
}
