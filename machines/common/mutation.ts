// The mutation switch: each `if (mutant("name"))` in a machine's logic is one realistic bug, kept
// beside the correct code so the checker's score is measured on the real code paths. Only the
// mutation runner (properties/mutants/) turns one on, with setMutants; normal runs never do, and
// with none on a call is one size check. properties/mutants/catalog.ts lists every name.

let active: ReadonlySet<string> = new Set();

/** True only while the mutation runner has turned this bug on. */
export function mutant(name: string): boolean {
  return active.size !== 0 && active.has(name);
}

/** True when some mutant is on (what remembers a machine's steps stops remembering then). */
export function anyMutant(): boolean {
  return active.size !== 0;
}

/** Turns exactly these mutants on (none: every machine is correct again). For the mutation runner only. */
export function setMutants(names: Iterable<string>): void {
  active = new Set(names);
}

/** The mutants now on (empty in every normal run). */
export function activeMutants(): string[] {
  return [...active];
}
