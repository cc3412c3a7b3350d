// parseManifests' YAML errors as kubectl 1.32 prints them for the same files (run against
// `kubectl apply --validate=false --dry-run=client -f`): go-yaml sees one document at a time,
// as kubectl's YAMLReader cuts them, so a line is counted from its document's start.

import { describe, expect, it } from "vitest";
import { documentLine, parseManifests } from "./manifests.js";

const message = (text: string): string => {
  try {
    parseManifests(text, "t.yaml");
  } catch (e) {
    return (e as Error).message;
  }
  return "";
};

describe("YAML errors count lines within their document", () => {
  it("a tab in the second document: counted from the line after the separator", () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n\tx: y\n";
    expect(message(text)).toBe("error parsing t.yaml: error converting YAML to JSON: yaml: line 6: found character that cannot start any token");
  });
  it("a leading separator opens the first document and is its line 1", () => {
    const text = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n\tx: y\n";
    expect(message(text)).toBe("error parsing t.yaml: error converting YAML to JSON: yaml: line 7: found character that cannot start any token");
  });
  it.each([
    ["no separator", "a: 1\nb: 2\nc: 3\n", 3, 3],
    ["after a document and its separator", "a: 1\n---\nb: 2\nc: 3\n", 4, 2],
    ["a separator with a comment ends a document too", "a: 1\n--- # two\nb: 2\n", 3, 1],
    ["separators with nothing between: the second opens the next document", "a: 1\n---\n---\nb: 2\n", 4, 2],
  ])("%s", (_n, text, line, want) => {
    expect(documentLine(text, line)).toBe(want);
  });
});
