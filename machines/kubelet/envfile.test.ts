// ParseEnv's table (pkg/kubelet/util/env/env_util_test.go, the single-quote format of v1.35) and
// makeEnvironmentVariables' fileKeyRef branch (kubelet_pods.go): its three error texts.

import { describe, expect, it } from "vitest";
import { emptyDirHostPath, envFileRefs, fileKeyValue, parseEnv, secureJoin } from "./envfile.js";

describe("ParseEnv", () => {
  it.each<[string, string, string, string]>([
    ["ignore leading whitespace", "   KEY1='val1'\n\t\tKEY2='val2'\nKEY3='val3'\n", "KEY2", "val2"],
    ["ignore blank and comment lines", "# comment\n\nKEY1='foo'\n   # another comment\n\nKEY2='bar'\n", "KEY2", "bar"],
    ["key not found returns empty", "KEY1='foo'\nKEY2='bar'\n", "KEY3", ""],
    ["value with embedded #", "KEY1='foo#notcomment'\nKEY2='bar'\n", "KEY1", "foo#notcomment"],
    ["value with leading and trailing whitespace", "KEY1='   foo bar   '\nKEY2='bar'\n", "KEY1", "   foo bar   "],
    ["empty value", "KEY1='foo'\nKEY2=''\nKEY3='bar'\n", "KEY2", ""],
    ["multiple = in value", "KEY1='foo=bar=baz'\nKEY2='bar'\n", "KEY1", "foo=bar=baz"],
    ["comment after key value pair", "KEY1='foo'\nKEY2='bar' # comment\n", "KEY2", "bar"],
    ["value contains mixed shell variable syntax, should not expand", "KEY1='foo$BAR-${HOME}_$'\nKEY2='bar'", "KEY1", "foo$BAR-${HOME}_$"],
    ["newlines and tabs in value (backslash sequences kept)", String.raw`KEY1='line1\nline2\tline3'` + "\nKEY2='bar'\n", "KEY1", String.raw`line1\nline2\tline3`],
    ["double quotes within value quotes", `KEY1='value with "nested" quotes'\nKEY2='bar'\n`, "KEY1", `value with "nested" quotes`],
    ["unicode characters in value", "KEY1='中文 Español Français 🌍'\nKEY2='bar'\n", "KEY1", "中文 Español Français 🌍"],
    ["multi-line value with empty lines", "KEY1='line1\n\nline3 after empty line\n\nline5 after another empty'\nKEY2='bar'\n", "KEY1", "line1\n\nline3 after empty line\n\nline5 after another empty"],
    ["multi-line value with trailing spaces", "KEY1='line1\nline2 with trailing spaces\nline3   '\nKEY2='bar'\n", "KEY1", "line1\nline2 with trailing spaces\nline3   "],
    ["whitespace after = makes the value empty, as bash reads it", "KEY1= 'val1'\n", "KEY1", ""],
    ["CRLF line ends: bufio.ScanLines drops the \\r", "KEY1='a'\r\nKEY2='b'\r\n", "KEY2", "b"],
    ["the first assignment wins: the scan stops at it, an error after it unseen", "KEY1='a'\nKEY1='b'\nnot an assignment\n", "KEY1", "a"],
  ])("%s", (_name, content, key, want) => {
    expect(parseEnv(content, key)).toEqual({ value: want });
  });

  it.each<[string, string, string, string]>([
    ["whitespace around = and not allowed", "KEY1 = 'val1'\nKEY2=   'val2'\nKEY3='val3'\n", "KEY2", "invalid environment variable format at line 1: whitespace before '=' is not allowed"],
    ["key is empty", "='foo'\nKEY2='bar'\n", "KEY2", "invalid environment variable format at line 1: empty variable name"],
    ["invalid line triggers error with line number", "KEY1='foo'\nINVALID_LINE\nKEY2='bar'\n", "KEY2", "invalid environment variable format at line 2: missing '='"],
    ["unquoted value", "KEY1='foo'\nKEY2=bar\nKEY3='baz'\n", "KEY2", "invalid environment variable format at line 2: value must be enclosed in single quotes"],
    ["double quoted value", `KEY1='foo'\nKEY2="bar"\n`, "KEY2", "invalid environment variable format at line 2: value must be enclosed in single quotes"],
    ["value with multiple adjacent quoted strings", "KEY1='foo''bar'", "KEY1", "invalid environment variable format at line 1: unexpected content after closing quote"],
    ["unclosed single quote runs into the next line's quote", "KEY1='foo'\nKEY2='bar\nKEY3='baz'\n", "KEY2", "invalid environment variable format at line 3: unexpected content after closing quote"],
    ["a quote never closed", "KEY1='foo\nbar\n", "KEY1", "invalid environment variable format starting at line 1: unclosed single quote"],
    ["a quoted value running into a line of 64 KiB or more", `A='x\n${"x".repeat(70_000)}'\nKEY='v'\n`, "KEY", "invalid environment variable format starting at line 1: unclosed single quote"],
  ])("%s: an error", (_name, content, key, want) => {
    expect(parseEnv(content, key)).toEqual({ error: want });
  });

  it("an overlong line after the key's never stops it; before the end it is ErrTooLong", () => {
    expect(parseEnv(`KEY='v'\n${"#".repeat(70_000)}\n`, "KEY")).toEqual({ value: "v" });
    expect(parseEnv(`${"#".repeat(70_000)}\nKEY='v'\n`, "KEY")).toEqual({ error: "bufio.Scanner: token too long" });
    expect(parseEnv(`${"#".repeat(65_535)}\nKEY='v'\n`, "KEY")).toEqual({ value: "v" });
  });
});

describe("makeEnvironmentVariables' fileKeyRef", () => {
  const ref = { volumeName: "config", path: "config.env", key: "DB_ADDRESS", optional: false };
  const read = (content: string) => ({ volume: "config", path: "config.env", content });

  it("the key's value, from the docs' env file", () => {
    expect(fileKeyValue(ref, read("DB_ADDRESS='address'\nREST_ENDPOINT='endpoint'\n"), "u-1")).toEqual({ value: "address" });
  });

  it("a key the file does not set (or sets empty): the error names the file on the node, unless optional", () => {
    const message = `environment variable key "DB_ADDRESS" not found in file "/var/lib/kubelet/pods/u-1/volumes/kubernetes.io~empty-dir/config/config.env"`;
    expect(fileKeyValue(ref, read("OTHER='x'\n"), "u-1")).toEqual({ error: message });
    expect(fileKeyValue(ref, read("DB_ADDRESS=''\n"), "u-1")).toEqual({ error: message });
    expect(fileKeyValue({ ...ref, optional: true }, read("OTHER='x'\n"), "u-1")).toEqual({ skip: true });
  });

  it("a file that is missing or does not parse: couldn't parse env file, even when optional", () => {
    expect(fileKeyValue({ ...ref, optional: true }, { volume: "config", path: "config.env", error: "unreadable" }, "u-1")).toEqual({ error: "couldn't parse env file" });
    expect(fileKeyValue(ref, read("DB_ADDRESS=address\n"), "u-1")).toEqual({ error: "couldn't parse env file" });
  });

  it("a volume the pod does not have mounted", () => {
    expect(fileKeyValue({ ...ref, volumeName: "nope" }, { volume: "nope", path: "config.env", error: "noVolume" }, "u-1")).toEqual({ error: `cannot find the volume "nope" referenced by FileKeyRef` });
  });

  it("SecureJoin keeps the path inside the volume", () => {
    const root = emptyDirHostPath("u-1", "config");
    expect(secureJoin(root, "../../x/./y")).toBe(`${root}/x/y`);
    expect(secureJoin(root, "/abs")).toBe(`${root}/abs`);
    expect(secureJoin(root, "")).toBe(root);
  });

  it("the files to read: each (volume, path) once", () => {
    const env = [
      { name: "A", valueFrom: { fileKeyRef: { volumeName: "v", path: "a.env", key: "A" } } },
      { name: "B", valueFrom: { fileKeyRef: { volumeName: "v", path: "a.env", key: "B" } } },
      { name: "C", value: "c" },
      { name: "D", valueFrom: { fileKeyRef: { volumeName: "w", path: "a.env", key: "D" } } },
    ];
    expect(envFileRefs(env as never)).toEqual([{ volume: "v", path: "a.env" }, { volume: "w", path: "a.env" }]);
  });
});
