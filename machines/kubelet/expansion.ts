// third_party/forked/golang/expansion: `$(VAR)` references in env values, command and args.
// `$$` is an escaped `$`; a reference to an unknown variable, or one never closed, stays as written.

import { mutant } from "../common/mutation.js";

/** MappingFuncFor: the first map that has the name wins; otherwise the reference is kept as `$(name)`. */
export function mappingFuncFor(...maps: ReadonlyArray<Readonly<Record<string, string>>>): (name: string) => string {
  return (name) => {
    for (const m of maps) if (Object.hasOwn(m, name)) return m[name]!;
    return `$(${name})`;
  };
}

/** Expand: replaces each `$(name)` by mapping(name); `$$` gives `$`; any other `$x` is kept. */
export function expand(input: string, mapping: (name: string) => string): string {
  let out = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== "$" || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const [read, isVar, advance] = tryReadVariableName(input.slice(cursor + 1));
    out += isVar ? mapping(read) : read;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

// What follows a `$`: the text to write, whether it names a variable, and how many bytes it used.
function tryReadVariableName(input: string): [string, boolean, number] {
  // the mutant keeps an escaped `$$` as written
  if (input[0] === "$") return [mutant("kubelet.expansion-dollar-escape-kept") ? "$$" : "$", false, 1];
  if (input[0] === "(") {
    const close = input.indexOf(")", 1);
    if (close >= 0) return [input.slice(1, close), true, close + 1];
    return ["$(", false, 1];
  }
  return [`$${input[0]}`, false, 1];
}
