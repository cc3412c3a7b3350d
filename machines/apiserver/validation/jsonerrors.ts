// Go's encoding/json error text for the few places validation unmarshals a string (docker config
// Secrets, node annotations). Syntax errors name the first offending character as Go's scanner
// does for a bad value start; deeper syntax errors are reported at their first character.

const valueStart = /^[\s]*[{["\-0-9tfn]/;

/** The error json.Unmarshal returns for text into a Go value of the given kind, or undefined when it decodes. */
export function goJsonUnmarshalError(text: string, want: "object" | "array", goType: string): string | undefined {
  if (text.trim() === "") return "unexpected end of JSON input";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const first = text.trimStart()[0]!;
    if (!valueStart.test(text)) return `invalid character '${first}' looking for beginning of value`;
    return "unexpected end of JSON input";
  }
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "object" ? "object" : typeof value === "string" ? "string" : typeof value === "number" ? "number" : "bool";
  // null decodes into anything; every other mismatch is an UnmarshalTypeError.
  if (kind === "null" || kind === want) return undefined;
  return `json: cannot unmarshal ${kind} into Go value of type ${goType}`;
}
