// go-yaml refuses a mapping key that is a collection (decoder.mapping: "invalid map key: %#v"),
// where the yaml library accepts it and stringifies it into a JSON key, each level re-stringifying
// the levels inside it: "- ? - ? ... x" of 400 levels held the server for seconds. The first such
// key in go-yaml's order (a key is decoded, depth first, before it is checked) is refused first.

/**
 * The first key of a mapping that is a collection, in go-yaml's decoding order (a mapping's pairs
 * in turn, each key, all of it, before its value), or undefined. Node shapes are the yaml
 * library's: collections have items, pairs key and value. An explicit stack: documents nest 10,000 deep.
 * The deep-YAML worker runs the same walk (yamldeep.ts).
 */
export function firstCollectionKey(root: unknown): unknown {
  const isCollection = (n: any) => n !== null && typeof n === "object" && Array.isArray(n.items);
  const isPair = (n: any) => n !== null && typeof n === "object" && !Array.isArray(n.items) && "key" in n && "value" in n;
  const stack: Array<{ node: any } | { checkKey: any }> = [{ node: root }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if ("checkKey" in top) return top.checkKey;
    const n = top.node;
    const frames: Array<{ node: any } | { checkKey: any }> = [];
    if (isPair(n)) {
      if (isCollection(n.key)) frames.push({ node: n.key }, { checkKey: n.key });
      frames.push({ node: n.value });
    } else if (isCollection(n)) for (const item of n.items) frames.push({ node: item });
    for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]!);
  }
  return undefined;
}

const quote = (s: string) => JSON.stringify(s).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

/** A decoded YAML value as Go's %#v prints an interface{} holding it. */
function goSyntax(v: unknown): string {
  if (v === null || v === undefined) return "interface {}(nil)";
  if (typeof v === "string") return quote(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSyntax).join(", ")}}`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[interface {}]interface {}{${entries.map(([k, x]) => `${quote(k)}:${goSyntax(x)}`).join(", ")}}`;
}

/** go-yaml's error for a key that decoded to a collection. */
export function invalidMapKey(key: unknown): string {
  return `yaml: invalid map key: ${goSyntax(key)}`;
}
