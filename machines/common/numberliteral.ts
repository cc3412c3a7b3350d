// A JSON number kept as the text it was written as. Kubernetes' int64 fields hold any integer up to
// 9223372036854775807, past what a JS number keeps exactly (2^53): such a value is held as a
// NumberLiteral of its decimal text, so it reads back as written; every other integer stays a number.

/**
 * What JSON.stringify writes for a NumberLiteral before exactJsonText puts the number back: a string
 * opening with a lone surrogate, which no stored string holds (every decoder replaces one with
 * U+FFFD, as Go's does), so the mark cannot be forged by a client.
 */
const markPrefix = "\ud800#";
/** The mark as JSON.stringify escapes it. */
const markEscaped = "\\ud800#";
const markPattern = /"\\ud800#(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"/g;

/**
 * A JSON number whose text a JS number does not keep ("3.0", "1e3", 9007199254740993): Go's
 * decoder reads the literal, so the decoders keep it.
 */
export class NumberLiteral {
  // frozen: deepCopy keeps a frozen instance as it is (it can never change), so the class survives copies
  constructor(readonly text: string) {
    Object.freeze(this);
  }
  get value(): number {
    return Number(this.text);
  }
  /** Arithmetic and comparisons read the nearest double (a grace period of 2^63-1 s is 9.2e18 s). */
  valueOf(): number {
    return Number(this.text);
  }
  /** JSON.stringify writes a mark that exactJsonText turns back into the number as written. */
  toJSON(): string {
    return markPrefix + this.text;
  }
}

/** An integer as its exact value: a number when a double holds it, else a NumberLiteral of its decimal text. */
export function exactInteger(n: bigint): number | NumberLiteral {
  const d = Number(n);
  return Number.isSafeInteger(d) ? d : new NumberLiteral(n.toString());
}

/** JSON text written by JSON.stringify with each NumberLiteral's mark replaced by its number. */
export function exactJsonText(json: string): string {
  return json.includes(markEscaped) ? json.replace(markPattern, "$1") : json;
}

/** True when JSON text holds a number a JS number would not keep exactly (16 digits or more in a row). */
export function mayHoldWideNumber(json: string): boolean {
  return /[0-9]{16}/.test(json);
}

/** An integer value as a bigint (a number or an integer NumberLiteral), or undefined. */
export function integerOf(v: unknown): bigint | undefined {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : undefined;
  if (v instanceof NumberLiteral && /^-?[0-9]+$/.test(v.text)) return BigInt(v.text);
  return undefined;
}

/** True for a number or a NumberLiteral: a JSON number, whichever way it is held. */
export function isJsonNumber(v: unknown): v is number | NumberLiteral {
  return typeof v === "number" || v instanceof NumberLiteral;
}

/**
 * time.Second * time.Duration(seconds) in milliseconds (truncated toward zero): Go's int64
 * multiplication wraps, so a count of seconds past 292 years is a duration of at most that, and may
 * be negative (2^63-1 s is -1 s). The controllers and runtimes that turn an int64 field into a
 * duration this way (rest.BeforeDelete, the Job controller's pastActiveDeadline, the CronJob
 * controller's startingDeadlineSeconds, containerd's StopContainer) read a huge value so.
 */
export function goSecondsMs(seconds: number | NumberLiteral | bigint): number {
  const s = typeof seconds === "bigint" ? seconds : (integerOf(seconds) ?? BigInt(Math.trunc(Number(seconds))));
  return Number(BigInt.asIntN(64, s * 1_000_000_000n) / 1_000_000n);
}
