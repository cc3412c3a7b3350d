// CEL runtime values. int is a bigint (64-bit, overflow checked), double a number, uint/bytes/
// duration/timestamp/type/optional small classes, lists arrays, maps CelMap (keys by CEL equality).
export class CelUint {
  constructor(readonly v: bigint) {}
}
export class CelBytes {
  constructor(readonly b: Uint8Array) {}
}
export class CelType {
  constructor(readonly name: string) {}
}
export class CelDuration {
  constructor(readonly ns: bigint) {}
}
export class CelTimestamp {
  // nanoseconds since the Unix epoch, UTC
  constructor(readonly ns: bigint) {}
}
export class CelOptional {
  constructor(
    readonly has: boolean,
    readonly value?: unknown,
  ) {}
}
export class CelError {
  constructor(readonly message: string) {}
}
/** An object whose fields and methods a library defines (authorizer, quantity, ip, url, ...). */
export class CelOpaque {
  constructor(
    readonly typeName: string,
    readonly data: unknown,
  ) {}
}

export type CelKey = bigint | CelUint | string | boolean;

/** A map keyed by CEL value (int/uint/string/bool; 1 and 1u and 1.0 are one key, as cel-go's heterogeneous lookup). */
export class CelMap {
  private readonly m = new Map<string, [unknown, unknown]>();
  constructor(
    entries: Iterable<readonly [unknown, unknown]> = [],
    readonly typeName = "map",
    private readonly lazy?: (key: string) => unknown,
    lazyKeys?: readonly string[],
  ) {
    for (const [k, v] of entries) this.m.set(keyId(k), [k, v]);
    if (lazyKeys) for (const k of lazyKeys) this.m.set(keyId(k), [k, LAZY]);
  }
  get size(): number {
    return this.m.size;
  }
  has(k: unknown): boolean {
    const id = keyIdOrUndefined(k);
    return id !== undefined && this.m.has(id);
  }
  get(k: unknown): unknown {
    const id = keyIdOrUndefined(k);
    if (id === undefined) return undefined;
    const e = this.m.get(id);
    if (!e) return undefined;
    if (e[1] === LAZY) {
      e[1] = this.lazy!(e[0] as string);
    }
    return e[1];
  }
  keys(): unknown[] {
    return [...this.m.values()].map((e) => e[0]);
  }
  entries(): [unknown, unknown][] {
    return this.keys().map((k) => [k, this.get(k)]);
  }
}
const LAZY = Symbol("lazy");

export function keyIdOrUndefined(k: unknown): string | undefined {
  if (typeof k === "string") return "s" + k;
  if (typeof k === "bigint") return "n" + k.toString();
  if (k instanceof CelUint) return "n" + k.v.toString();
  if (typeof k === "boolean") return "b" + k;
  if (typeof k === "number" && Number.isInteger(k)) return "n" + BigInt(k).toString();
  return undefined;
}
function keyId(k: unknown): string {
  const id = keyIdOrUndefined(k);
  if (id === undefined) throw new CelThrow(new CelError("unsupported key type"));
  return id;
}

/** Thrown inside evaluation, caught where CEL absorbs errors (&&, ||, ?:) or at the top. */
export class CelThrow {
  constructor(readonly err: CelError) {}
}

export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);
export const UINT64_MAX = (1n << 64n) - 1n;

export function typeName(v: unknown): string {
  if (v === null) return "null_type";
  switch (typeof v) {
    case "bigint":
      return "int";
    case "number":
      return "double";
    case "string":
      return "string";
    case "boolean":
      return "bool";
  }
  if (Array.isArray(v)) return "list";
  if (v instanceof CelMap) return "map";
  if (v instanceof CelUint) return "uint";
  if (v instanceof CelBytes) return "bytes";
  if (v instanceof CelType) return "type";
  if (v instanceof CelDuration) return "google.protobuf.Duration";
  if (v instanceof CelTimestamp) return "google.protobuf.Timestamp";
  if (v instanceof CelOptional) return "optional_type";
  if (v instanceof CelOpaque) return v.typeName;
  return "unknown";
}
