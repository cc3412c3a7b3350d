// go-yaml v2's scalar resolution (sigs.k8s.io/yaml/goyaml.v2 resolve.go), which YAMLToJSON decodes
// a request body with: YAML 1.1's y/yes/on/off booleans, underscores in numbers, 0b/0o/0x/0 integer
// prefixes, no base-60 numbers, timestamps kept as the text written (decoding into interface{}),
// !!binary decoded to its bytes' string. The yaml library's own schemas resolve each of these
// differently, so a body meant `paused: yes` or `data: {a: yes}` would not be what kube-apiserver
// reads. The functions are self-contained: the deep-YAML worker gets their source (yamldeep.ts).

/**
 * The customTags of a yaml library parse that resolves scalars as go-yaml v2 does: `defaults` is the
 * library's yaml-1.1 tag list; the map, the seq, !!str and the merge key are kept, the scalar tags
 * replaced.
 */
export function goYamlTags(defaults: any[]): any[] {
  const Y = "tag:yaml.org,2002:";
  // go-yaml v2's resolve(): [short tag, value] of a plain scalar
  function plain(s: string): [string, unknown] {
    const known: Record<string, [string, unknown]> = {
      y: ["bool", true], Y: ["bool", true], yes: ["bool", true], Yes: ["bool", true], YES: ["bool", true],
      true: ["bool", true], True: ["bool", true], TRUE: ["bool", true], on: ["bool", true], On: ["bool", true], ON: ["bool", true],
      n: ["bool", false], N: ["bool", false], no: ["bool", false], No: ["bool", false], NO: ["bool", false],
      false: ["bool", false], False: ["bool", false], FALSE: ["bool", false], off: ["bool", false], Off: ["bool", false], OFF: ["bool", false],
      "": ["null", null], "~": ["null", null], null: ["null", null], Null: ["null", null], NULL: ["null", null],
      ".nan": ["float", NaN], ".NaN": ["float", NaN], ".NAN": ["float", NaN],
      ".inf": ["float", Infinity], ".Inf": ["float", Infinity], ".INF": ["float", Infinity],
      "+.inf": ["float", Infinity], "+.Inf": ["float", Infinity], "+.INF": ["float", Infinity],
      "-.inf": ["float", -Infinity], "-.Inf": ["float", -Infinity], "-.INF": ["float", -Infinity],
    };
    const c = s[0] ?? "";
    // the resolve table's hints: sign, digit, a letter of the map, '.'; any other first byte is a string
    const hint = s === "" ? "M" : c === "+" || c === "-" ? "S" : c >= "0" && c <= "9" ? "D" : "yYnNtTfFoO~".includes(c) ? "M" : c === "." ? "." : "";
    if (hint === "") return ["str", s];
    if (Object.hasOwn(known, s)) return known[s]!;
    if (hint === ".") {
      // strconv.ParseFloat: digits after the point, underscores only between digits
      if (/^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/.test(s)) {
        const f = Number(s.replace(/_/g, ""));
        if (Number.isFinite(f)) return ["float", f];
      }
      return ["str", s];
    }
    if (hint === "M") return ["str", s];
    const p = s.replace(/_/g, "");
    // strconv.ParseInt(p, 0, 64), then ParseUint: a sign, a 0x/0b/0o/0 prefix, int64 (uint64) range
    const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(p);
    if (m) {
      const body = m[2]!;
      const lit = /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body.replace(/^0([XBO])/, (_x, b: string) => `0${b.toLowerCase()}`);
      const v = BigInt(lit) * (m[1] === "-" ? -1n : 1n);
      // a bigint past 2^53: the decoder keeps it exact (int64 and uint64 values are, in Go)
      if (v >= -(2n ** 63n) && v < 2n ** 64n) return ["int", Number.isSafeInteger(Number(v)) ? Number(v) : v];
    }
    // yamlStyleFloat, then ParseFloat, which fails past float64's range (the text then stays a string)
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(p)) {
      const f = Number(p);
      if (Number.isFinite(f)) return ["float", f];
    }
    return ["str", s];
  }
  // an explicit !!bool, !!int, !!float or !!null: resolve() must agree, an int may be a float
  const explicit = (short: string) => ({
    tag: `${Y}${short}`,
    default: false,
    resolve(s: string) {
      const [got, v] = plain(s);
      if (got === short || (short === "float" && got === "int")) return v;
      throw new Error(`goyaml: cannot decode !!${got} \`${s}\` as a !!${short}`);
    },
  });
  // parseTimestamp: YYYY- then one of allowedTimestampFormats as time.Parse reads it (one- or
  // two-digit fields, a fraction of any length after . or ,; month, day and clock in range)
  function isTimestamp(s: string): boolean {
    const m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:([Tt])|( ))([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})?)?$/.exec(s);
    if (!m) return false;
    // the T and t forms end in a zone (Z07:00), the space-separated one has none
    if ((m[4] !== undefined && m[9] === undefined) || (m[5] !== undefined && m[9] !== undefined)) return false;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (month < 1 || month > 12 || day < 1 || day > days[month - 1]!) return false;
    return m[6] === undefined || (Number(m[6]) < 24 && Number(m[7]) < 60 && Number(m[8]) < 60);
  }
  /**
   * decoder.merge: a merge key's maps are decoded into the mapping where it stands, in document
   * order, so a merged key overwrites one set before the << and a key after it overwrites the
   * merged one (a merge list from its last map, so its earlier maps win). The yaml library's own
   * merge never overwrites.
   */
  function goMerge(ctx: any, map: any, value: any): void {
    const NODE_TYPE = Symbol.for("yaml.node.type");
    const resolved = (v: any) => (v?.[NODE_TYPE] === Symbol.for("yaml.alias") && ctx ? v.resolve(ctx.doc, ctx) : v);
    const source = resolved(value);
    const sources: any[] = source?.[NODE_TYPE] === Symbol.for("yaml.seq") ? [...source.items].reverse() : [source];
    for (const it of sources) {
      const m = resolved(it);
      if (m?.[NODE_TYPE] !== Symbol.for("yaml.map")) throw new Error("Merge sources must be maps or map aliases");
      for (const [k, v] of m.toJSON(null, ctx, Map) as Map<unknown, unknown>) {
        if (map instanceof Map) map.set(k, v);
        else Object.defineProperty(map, String(k), { value: v, writable: true, enumerable: true, configurable: true });
      }
    }
  }
  // go-yaml v2 knows no !!omap, !!pairs or !!set: such a collection decodes as its plain kind
  const kept = defaults.filter((t) => [`${Y}map`, `${Y}seq`, `${Y}str`].includes(t.tag));
  const merge = defaults.find((t) => t.tag === `${Y}merge`);
  return [
    ...kept,
    ...(merge ? [{ ...merge, resolve: (...args: unknown[]) => Object.assign(merge.resolve(...args), { addToJSMap: goMerge }) }] : []),
    { tag: "tag:podflow,2026:goyaml-plain", default: true, test: /^[\s\S]*$/, resolve: (s: string) => plain(s)[1] },
    explicit("bool"),
    explicit("int"),
    explicit("float"),
    explicit("null"),
    // decoded into interface{}, a timestamp is the text as written; under an explicit !!timestamp,
    // resolve() tries the timestamp before an int or a float, and what else it resolves to is its failf
    {
      tag: `${Y}timestamp`,
      default: false,
      resolve(s: string) {
        const c = s[0] ?? "";
        if ((c === "+" || c === "-" || (c >= "0" && c <= "9")) && isTimestamp(s)) return s;
        const [got] = plain(s);
        throw new Error(`goyaml: cannot decode !!${got} \`${s}\` as a !!timestamp`);
      },
    },
    {
      tag: `${Y}binary`,
      default: false,
      resolve(s: string) {
        // base64.StdEncoding.DecodeString: newlines skipped, padding required
        const b = s.replace(/[\r\n]/g, "");
        if (b.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:==|=)?$/.test(b)) throw new Error("goyaml: !!binary value contains invalid base64 data");
        return Buffer.from(b, "base64").toString("utf8");
      },
    },
  ];
}

/**
 * libyaml's parser takes a %YAML directive of version 1.1 only (yaml_parser_process_directives);
 * the first document's directives are the lines before its "---".
 */
export function incompatibleYamlVersion(text: string): string | undefined {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith("---")) return undefined;
    const m = /^%YAML[ \t]+([0-9]+)\.([0-9]+)(?:[ \t]|$)/.exec(l);
    // a parser error (not a scanner's) names its mark's 0-based line, and none for the first (parser.fail)
    if (m && (Number(m[1]) !== 1 || Number(m[2]) !== 1)) return `yaml: ${i > 0 ? `line ${i}: ` : ""}found incompatible YAML document`;
  }
  return undefined;
}

/** The parse options of a YAML body: YAML 1.1 with go-yaml v2's scalars. */
export const goYamlOptions = { version: "1.1" as const, customTags: goYamlTags };

/**
 * The first problem go-yaml v2 or YAMLToJSON has with a composed document that the yaml library
 * lets pass, in their order: an alias of an anchor not yet defined (the parser), an alias inside
 * the node its anchor names ("value contains itself", the decoder), a key that is null
 * (convertToJSONableObject), a float json.Marshal refuses. `doc` is a yaml library Document;
 * `value` its toJS() result, or undefined before toJS. An explicit stack: documents nest 10,000 deep.
 */
export function goYamlProblem(doc: any, value?: unknown): string | undefined {
  const isNode = (n: any) => n !== null && typeof n === "object";
  if (value === undefined) {
    const anchors = new Map<string, any>();
    // each alias's node: the anchor defined last before it, as go-yaml's parser resolves it
    const targets = new Map<any, any>();
    const open = new Set<any>();
    const stack: Array<{ node: any; leave?: boolean }> = [{ node: doc.contents }];
    let selfContaining: string | undefined;
    while (stack.length > 0) {
      const { node: n, leave } = stack.pop()!;
      if (!isNode(n)) continue;
      if (leave) {
        open.delete(n);
        continue;
      }
      if (typeof n.source === "string" && n.constructor?.name === "Alias") {
        const target = anchors.get(n.source);
        if (target === undefined) return `yaml: unknown anchor '${n.source}' referenced`;
        if (open.has(target)) selfContaining ??= `yaml: anchor '${n.source}' value contains itself`;
        targets.set(n, target);
        continue;
      }
      if (typeof n.anchor === "string") anchors.set(n.anchor, n);
      open.add(n);
      stack.push({ node: n, leave: true });
      const children: any[] = [];
      if (Array.isArray(n.items)) for (const item of n.items) children.push(item);
      else if ("key" in n && "value" in n) children.push(n.key, n.value);
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] });
    }
    if (selfContaining !== undefined) return selfContaining;
    if (mergesAliasOfNoMap(doc.contents, targets)) return "yaml: map merge requires map or sequence of maps as the value";
    if (excessiveAliasing(doc.contents, targets)) return "yaml: document contains excessive aliasing";
    const pairs: any[] = [doc.contents];
    while (pairs.length > 0) {
      const n = pairs.pop();
      if (!isNode(n)) continue;
      if (Array.isArray(n.items)) for (const item of n.items) pairs.push(item);
      else if ("key" in n && "value" in n) {
        const k = n.key;
        if (k === null || (isNode(k) && k.constructor?.name === "Scalar" && k.value === null)) {
          const v = isNode(n.value) && typeof n.value.toJS === "function" ? n.value.toJS(doc, { maxAliasCount: -1 }) : null;
          return `Unsupported map key of type: %!s(<nil>), key: <nil>, value: ${goPlusSyntax(v)}`;
        }
        pairs.push(n.key, n.value);
      }
    }
    return undefined;
  }
  // json.Marshal: map keys in sorted order, depth first
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === "number" && !Number.isFinite(x)) return `json: unsupported value: ${Number.isNaN(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf"}`;
    if (x === null || typeof x !== "object") continue;
    const children = Array.isArray(x) ? x : Object.keys(x).sort().map((k) => (x as Record<string, unknown>)[k]);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return undefined;

  /**
   * decoder.merge takes an alias only of a mapping (failWantMap), where the yaml library also
   * merges the maps of an aliased sequence.
   */
  function mergesAliasOfNoMap(root: any, targets: Map<any, any>): boolean {
    const isMap = (n: any) => isNode(n) && n.constructor?.name === "YAMLMap";
    const stack: any[] = [root];
    while (stack.length > 0) {
      const n = stack.pop();
      if (!isNode(n) || !Array.isArray(n.items)) continue;
      for (const item of n.items) {
        if (!isNode(item) || !("key" in item && "value" in item)) {
          stack.push(item);
          continue;
        }
        const k = item.key;
        const v = item.value;
        const isMerge = isNode(k) && k.constructor?.name === "Scalar" && k.source === "<<" && (k.type === undefined || k.type === "PLAIN");
        if (isMerge) {
          const sources = isNode(v) && v.constructor?.name === "YAMLSeq" ? v.items : [v];
          for (const src of sources) if (targets.has(src) && !isMap(targets.get(src))) return true;
        }
        stack.push(k, v);
      }
    }
    return false;
  }

  /**
   * go-yaml v2's decoder.unmarshal bound on alias expansion: it counts every node it decodes, and
   * those decoded inside an alias; past 100 aliased of over 1,000 decodes, the aliased share may
   * not pass allowedAliasRatio (99% up to 400,000 decodes, falling to 10% at 4,000,000). The walk
   * decodes in go-yaml's order (a pair's key, then its value; a merge list from its last map).
   */
  function excessiveAliasing(root: any, targets: Map<any, any>): boolean {
    const low = 400_000;
    const high = 4_000_000;
    const allowed = (n: number) => (n <= low ? 0.99 : n >= high ? 0.1 : 0.99 - (0.89 * (n - low)) / (high - low));
    let decodes = 1; // the document node
    let aliased = 0;
    const stack: Array<[any, number]> = [[root, 0]];
    while (stack.length > 0) {
      const [n, depth] = stack.pop()!;
      decodes++;
      if (depth > 0) aliased++;
      if (aliased > 100 && decodes > 1000 && aliased / decodes > allowed(decodes)) return true;
      // the ratio bounds the walk to a few times the document; this bound only names it
      if (decodes > 2 * high) return true;
      if (!isNode(n)) continue;
      const target = targets.get(n);
      if (target !== undefined) {
        stack.push([target, depth + 1]);
        continue;
      }
      if (!Array.isArray(n.items)) continue;
      const frames: Array<[any, number]> = [];
      for (const item of n.items) {
        if (isNode(item) && "key" in item && "value" in item) {
          const k = item.key;
          const isMerge = isNode(k) && k.constructor?.name === "Scalar" && k.source === "<<" && (k.type === undefined || k.type === "PLAIN");
          if (!isMerge) frames.push([k, depth], [item.value, depth]);
          else if (isNode(item.value) && Array.isArray(item.value.items) && item.value.constructor?.name === "YAMLSeq") {
            for (let i = item.value.items.length - 1; i >= 0; i--) frames.push([item.value.items[i], depth]);
          } else frames.push([item.value, depth]);
        } else frames.push([item, depth]);
      }
      for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]!);
    }
    return false;
  }

  // fmt's %+#v of a decoded value (nil at the top is <nil>, inside a collection interface {}(nil))
  function goPlusSyntax(v: unknown, inner = false): string {
    if (v === null || v === undefined) return inner ? "interface {}(nil)" : "<nil>";
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v !== "object") return String(v);
    if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goPlusSyntax(x, true)).join(", ")}}`;
    const keys = Object.keys(v).sort();
    return `map[interface {}]interface {}{${keys.map((k) => `${JSON.stringify(k)}:${goPlusSyntax((v as Record<string, unknown>)[k], true)}`).join(", ")}}`;
  }
}

/**
 * go-yaml's reader (readerc.go) over a body's bytes: a UTF-16 byte order mark selects UTF-16, a
 * UTF-8 one is skipped; a malformed sequence, or a character YAML does not allow (a C0 or C1
 * control other than tab, newline, return and NEL; DEL; a surrogate; U+FFFE and U+FFFF), is its
 * reader error, which names no line (parser.fail). The text is what the scanner reads.
 */
export function goYamlReader(raw: Buffer): { text: string } | { error: string } {
  const fail = (problem: string) => ({ error: `yaml: ${problem}` });
  const allowed = (v: number) => v === 0x09 || v === 0x0a || v === 0x0d || (v >= 0x20 && v <= 0x7e) || v === 0x85 || (v >= 0xa0 && v <= 0xd7ff) || (v >= 0xe000 && v <= 0xfffd) || (v >= 0x10000 && v <= 0x10ffff);
  const le = raw.length >= 2 && raw[0] === 0xff && raw[1] === 0xfe;
  const be = raw.length >= 2 && raw[0] === 0xfe && raw[1] === 0xff;
  if (le || be) {
    const units: number[] = [];
    for (let i = 2; i < raw.length; ) {
      if (raw.length - i < 2) return fail("incomplete UTF-16 character");
      const unit = (i: number) => (le ? raw[i]! + (raw[i + 1]! << 8) : (raw[i]! << 8) + raw[i + 1]!);
      let v = unit(i);
      if ((v & 0xfc00) === 0xdc00) return fail("unexpected low surrogate area");
      let width = 2;
      if ((v & 0xfc00) === 0xd800) {
        if (raw.length - i < 4) return fail("incomplete UTF-16 surrogate pair");
        const v2 = unit(i + 2);
        if ((v2 & 0xfc00) !== 0xdc00) return fail("expected low surrogate area");
        v = 0x10000 + ((v & 0x3ff) << 10) + (v2 & 0x3ff);
        width = 4;
      }
      if (!allowed(v)) return fail("control characters are not allowed");
      units.push(v);
      i += width;
    }
    // String.fromCodePoint takes its arguments on the stack: a chunk at a time
    let text = "";
    for (let i = 0; i < units.length; i += 8_192) text += String.fromCodePoint(...units.slice(i, i + 8_192));
    return { text: nelAsBreak(text) };
  }
  const start = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  for (let i = start; i < raw.length; ) {
    const o = raw[i]!;
    const width = (o & 0x80) === 0 ? 1 : (o & 0xe0) === 0xc0 ? 2 : (o & 0xf0) === 0xe0 ? 3 : (o & 0xf8) === 0xf0 ? 4 : 0;
    if (width === 0) return fail("invalid leading UTF-8 octet");
    if (width > raw.length - i) return fail("incomplete UTF-8 octet sequence");
    let v = width === 1 ? o & 0x7f : width === 2 ? o & 0x1f : width === 3 ? o & 0x0f : o & 0x07;
    for (let k = 1; k < width; k++) {
      const t = raw[i + k]!;
      if ((t & 0xc0) !== 0x80) return fail("invalid trailing UTF-8 octet");
      v = (v << 6) + (t & 0x3f);
    }
    if (!(width === 1 || (width === 2 && v >= 0x80) || (width === 3 && v >= 0x800) || (width === 4 && v >= 0x10000))) return fail("invalid length of a UTF-8 sequence");
    if ((v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) return fail("invalid Unicode character");
    if (!allowed(v)) return fail("control characters are not allowed");
    i += width;
  }
  return { text: nelAsBreak(raw.toString("utf8", start)) };
}

/**
 * YAML 1.1's NEL (U+0085) is a line break to go-yaml (is_break), which its read_line reads as "\n":
 * it ends a plain scalar's line or a comment and folds in a quoted scalar. The yaml library reads
 * YAML 1.2, where it is content. A CR before it is a break of its own (is_crlf is CR LF only), and
 * the text keeps its length so that positions hold.
 */
function nelAsBreak(text: string): string {
  return text.includes("\u0085") ? text.replace(/\r?\u0085/g, (m) => (m.length === 2 ? "\n\n" : "\n")) : text;
}
