// Numbers on the command line are checked where they are parsed: a bad one is refused with
// commander's wording and exit code 2, never run as NaN.

import { describe, it, expect } from "vitest";
import { main } from "./index.js";

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["node", "podflow", ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

describe("numeric options are checked when parsed", () => {
  it.each([
    ["check", ["--seeds", "abc"], "error: option '--seeds <n>' argument 'abc' is invalid. Not a whole number."],
    ["check", ["--steps", "-5"], "error: option '--steps <k>' argument '-5' is invalid. Not a whole number."],
    ["check", ["--seed", "1.5"], "error: option '--seed <s>' argument '1.5' is invalid. Not a whole number."],
    ["check", ["--time-box", "soon"], "error: option '--time-box <seconds>' argument 'soon' is invalid. Not a number of 0 or more."],
    ["explore", ["nginx", "--depth", "ten"], "error: option '--depth <d>' argument 'ten' is invalid. Not a whole number."],
    ["serve", ["--port", "70000"], "error: option '--port <p>' argument '70000' is invalid. Not a port (0 to 65535)."],
    ["serve", ["--speed", "0"], "error: option '--speed <x>' argument '0' is invalid. Not a number greater than 0."],
    ["simulate", ["-f", "x.yaml", "--nodes", "NaN"], "error: option '--nodes <n>' argument 'NaN' is invalid. Not a whole number."],
    ["bench", ["--sizes", "100by3000"], "error: option '--sizes <sizes...>' argument '100by3000' is invalid. Not NODESxPODS (e.g. 100x3000)."],
    ["bench", ["--interpreter", "spidermonkey"], "error: option '--interpreter <name>' argument 'spidermonkey' is invalid. Allowed choices are xstate, fast."],
  ])("%s %j is refused with exit code 2", async (command, args, message) => {
    const r = await cli(command, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([message]);
  });
});
