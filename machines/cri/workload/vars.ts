// A shell's variables as a copy-on-write layer over the namespace's shared, frozen Service
// variables: with service links every container carries hundreds of them, and two full copies per
// live shell (variables and export list) grew with Services x pods. Lookups fall through to the
// shared base; iteration gives the keys, values and order the plain Map copy would.
import { EnvParts } from "../messages.js";

/**
 * The order of a layer: `head` keys, then the base keys not in `dead` (in the base's order), then
 * the keys of the Map/Set itself (the tail: appended after construction, as a Map appends). A key
 * lives in exactly one of the three; `dead` holds base keys removed or placed in head/tail.
 */
interface Layout {
  readonly baseKeys: readonly string[];
  readonly base: Readonly<Record<string, string>>;
}

const inBase = (l: Layout, k: string): boolean => Object.hasOwn(l.base, k);

/** A Map<string, string> over a shared frozen record: the shell's own changes are all it holds. */
export class LayeredVars extends Map<string, string> implements Layout {
  head: Map<string, string> | undefined;
  dead: Set<string> | undefined;
  /** base keys assigned in place (a Map keeps an assigned key where it is) */
  over: Map<string, string> | undefined;

  constructor(readonly base: Readonly<Record<string, string>>, readonly baseKeys: readonly string[]) {
    super();
  }

  private live(k: string): boolean {
    return inBase(this, k) && (this.dead === undefined || !this.dead.has(k));
  }

  override get(k: string): string | undefined {
    if (this.head?.has(k)) return this.head.get(k);
    if (super.has(k)) return super.get(k);
    if (!this.live(k)) return undefined;
    const o = this.over?.get(k);
    return o !== undefined ? o : this.base[k];
  }

  override has(k: string): boolean {
    return this.head?.has(k) === true || super.has(k) || this.live(k);
  }

  override set(k: string, v: string): this {
    if (this.head?.has(k)) this.head.set(k, v);
    else if (!super.has(k) && this.live(k)) (this.over ??= new Map()).set(k, v);
    else super.set(k, v);
    return this;
  }

  override delete(k: string): boolean {
    if (this.head?.delete(k)) return true;
    if (super.delete(k)) return true;
    if (!this.live(k)) return false;
    (this.dead ??= new Set()).add(k);
    this.over?.delete(k);
    return true;
  }

  override clear(): void {
    this.head = undefined;
    this.over = undefined;
    this.dead = new Set(this.baseKeys);
    super.clear();
  }

  override get size(): number {
    return (this.head?.size ?? 0) + this.baseKeys.length - (this.dead?.size ?? 0) + super.size;
  }

  override *entries(): MapIterator<[string, string]> {
    if (this.head) yield* this.head.entries();
    for (const k of this.baseKeys) {
      if (this.dead?.has(k)) continue;
      const o = this.over?.get(k);
      yield [k, o !== undefined ? o : this.base[k]!];
    }
    yield* super.entries();
  }

  override *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  override *values(): MapIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  override forEach(fn: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  /** A copy of the layer (a subshell's saved variables) sharing the base. */
  clone(): LayeredVars {
    const c = new LayeredVars(this.base, this.baseKeys);
    if (this.head) c.head = new Map(this.head);
    if (this.dead) c.dead = new Set(this.dead);
    if (this.over) c.over = new Map(this.over);
    for (const [k, v] of super.entries()) Map.prototype.set.call(c, k, v);
    return c;
  }

  /** The names of these variables, in their order, as a layer over the same base. */
  names(): LayeredNames {
    const n = new LayeredNames(this.base, this.baseKeys);
    if (this.head) n.head = new Set(this.head.keys());
    if (this.dead) n.dead = new Set(this.dead);
    for (const k of super.keys()) Set.prototype.add.call(n, k);
    return n;
  }
}

/** A Set<string> of names over a shared frozen record's keys (the export list). */
export class LayeredNames extends Set<string> implements Layout {
  head: Set<string> | undefined;
  dead: Set<string> | undefined;

  constructor(readonly base: Readonly<Record<string, string>>, readonly baseKeys: readonly string[]) {
    super();
  }

  private live(k: string): boolean {
    return inBase(this, k) && (this.dead === undefined || !this.dead.has(k));
  }

  override has(k: string): boolean {
    return this.head?.has(k) === true || super.has(k) || this.live(k);
  }

  override add(k: string): this {
    if (!this.has(k)) super.add(k);
    return this;
  }

  override delete(k: string): boolean {
    if (this.head?.delete(k)) return true;
    if (super.delete(k)) return true;
    if (!this.live(k)) return false;
    (this.dead ??= new Set()).add(k);
    return true;
  }

  override clear(): void {
    this.head = undefined;
    this.dead = new Set(this.baseKeys);
    super.clear();
  }

  override get size(): number {
    return (this.head?.size ?? 0) + this.baseKeys.length - (this.dead?.size ?? 0) + super.size;
  }

  override *values(): SetIterator<string> {
    if (this.head) yield* this.head.values();
    for (const k of this.baseKeys) if (!this.dead?.has(k)) yield k;
    yield* super.values();
  }

  override keys(): SetIterator<string> {
    return this.values();
  }

  override *entries(): SetIterator<[string, string]> {
    for (const k of this.values()) yield [k, k];
  }

  override [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }

  override forEach(fn: (value: string, key: string, set: Set<string>) => void, thisArg?: unknown): void {
    for (const k of this.values()) fn.call(thisArg, k, k, this);
  }

  clone(): LayeredNames {
    const c = new LayeredNames(this.base, this.baseKeys);
    if (this.head) c.head = new Set(this.head);
    if (this.dead) c.dead = new Set(this.dead);
    for (const k of super.values()) Set.prototype.add.call(c, k);
    return c;
  }
}

/** A copy of a shell's variables: a layer stays a layer (sharing its base), a plain Map a Map. */
export function copyVars(vars: Map<string, string>): Map<string, string> {
  return vars instanceof LayeredVars ? vars.clone() : new Map(vars);
}

/** A copy of a shell's export list, as copyVars. */
export function copyNames(names: Set<string>): Set<string> {
  return names instanceof LayeredNames ? names.clone() : new Set(names);
}

/** An array index (a canonical uint32 below 2^32 - 1) comes first, ascending, in a record's key order. */
function isArrayIndex(k: string): boolean {
  return /^(?:0|[1-9][0-9]*)$/.test(k) && Number(k) < 4294967295;
}

const indexFree = new WeakMap<readonly string[], boolean>();

/**
 * The variables of a container's process as the plain copy of its environment record would hold
 * them (startContainer: the image's variables, then the kept environment's record, copied key by key
 * onto a null-prototype object, then read in its key order), laid over the shared Service variables.
 * Undefined when the environment was not kept as parts, or a Service variable is an array index.
 */
export function layeredEnv(imageEnv: Readonly<Record<string, string>>, env: Readonly<Record<string, string>> | EnvParts): LayeredVars | undefined {
  if (!(env instanceof EnvParts)) return undefined;
  const { base, baseKeys, own, hostname } = env;
  let free = indexFree.get(baseKeys);
  if (free === undefined) indexFree.set(baseKeys, (free = !baseKeys.some(isArrayIndex)));
  if (!free) return undefined;
  // the record's value of a key: own over base over HOSTNAME over the image's
  const value = (k: string): string =>
    own !== undefined && Object.hasOwn(own, k) ? own[k]! : Object.hasOwn(base, k) ? base[k]! : k === "HOSTNAME" ? hostname : imageEnv[k]!;
  const indices: string[] = [];
  const headNames: string[] = [];
  for (const k in imageEnv) if (Object.hasOwn(imageEnv, k)) (isArrayIndex(k) ? indices : headNames).push(k);
  if (!Object.hasOwn(imageEnv, "HOSTNAME")) headNames.push("HOSTNAME");
  const tailNames: string[] = [];
  if (own !== undefined) {
    for (const k in own) {
      if (!Object.hasOwn(own, k) || Object.hasOwn(imageEnv, k)) continue;
      if (isArrayIndex(k)) indices.push(k);
      else if (k !== "HOSTNAME") tailNames.push(k);
    }
  }
  indices.sort((a, b) => Number(a) - Number(b));
  const vars = new LayeredVars(base, baseKeys);
  const head = new Map<string, string>();
  for (const k of indices) head.set(k, value(k));
  for (const k of headNames) head.set(k, value(k));
  vars.head = head;
  // base keys placed by the image, HOSTNAME or the container's own variables are not in the base's run
  const dead = new Set<string>();
  for (const k of head.keys()) if (Object.hasOwn(base, k)) dead.add(k);
  for (const k of tailNames) if (Object.hasOwn(base, k)) dead.add(k);
  if (dead.size > 0) vars.dead = dead;
  for (const k of tailNames) Map.prototype.set.call(vars, k, value(k));
  return vars;
}
