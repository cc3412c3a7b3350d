import { describe, it, expect } from "vitest";
import { expand, mappingFuncFor } from "./expansion.js";

// Rows from third_party/forked/golang/expansion/expand_test.go (TestMapping).
describe("expand: $(VAR) references as the kubelet expands env, command and args", () => {
  const context = { VAR_A: "A", VAR_B: "B", VAR_C: "C", VAR_REF: "$(VAR_A)", VAR_EMPTY: "" };
  const mapping = mappingFuncFor(context);
  const rows: [string, string, string][] = [
    ["whole string", "$(VAR_A)", "A"],
    ["repeat", "$(VAR_A)-$(VAR_A)", "A-A"],
    ["middle", "___$(VAR_B)___", "___B___"],
    ["compound", "$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C"],
    ["escape & expand", "$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"],
    ["compound escape", "$$(VAR_A)_$$(VAR_B)", "$(VAR_A)_$(VAR_B)"],
    ["mixed in escapes", "f000-$$VAR_A", "f000-$VAR_A"],
    ["backslash escape ignored", "foo\\$(VAR_C)bar", "foo\\Cbar"],
    ["nested var references", "$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))"],
    ["value is a reference (not expanded again)", "$(VAR_REF)", "$(VAR_A)"],
    ["empty var", "foo$(VAR_EMPTY)bar", "foobar"],
    ["unterminated expression", "foo$(VAR_Awhoops!", "foo$(VAR_Awhoops!"],
    ["shell special vars pass through", "$?_boo_$!", "$?_boo_$!"],
    ["bare operators are ignored", "$VAR_A", "$VAR_A"],
    ["undefined vars are passed through", "$(VAR_DNE)", "$(VAR_DNE)"],
    ["multiple (even) operators, var undefined", "$$$$$$(BIG_MONEY)", "$$$(BIG_MONEY)"],
    ["multiple (odd) operators, var defined", "$$$$$$$(VAR_A)", "$$$A"],
    ["shell syntax ignored", "${VAR_A}", "${VAR_A}"],
    ["trailing incomplete expression not consumed", "$(VAR_B)_______$(A", "B_______$(A"],
    ["operator at end of input string is preserved", "$(VAR_A)foobarzab$", "Afoobarzab$"],
    ["lots of $( in middle", "--$($($($($--", "--$($($($($--"],
    ["escaped operators in variable names are not escaped", "$(foo$$var)", "$(foo$$var)"],
  ];
  it.each(rows)("%s", (_name, input, want) => expect(expand(input, mapping)).toBe(want));

  it("the first map holding the name wins (declared env before service env)", () => {
    expect(expand("$(X)", mappingFuncFor({ X: "declared" }, { X: "service" }))).toBe("declared");
  });

  it("an inherited property name is not a variable", () => {
    expect(expand("$(constructor)$(__proto__)", mappingFuncFor({}))).toBe("$(constructor)$(__proto__)");
  });
});

// third_party/forked/golang/expansion/expand_test.go TestMapReference: the mapping reads the declared variables as
// they are being expanded, so a later variable sees the expanded value of an earlier one.
describe("TestMapReference", () => {
  it("ZOO sees FOO expanded, BLU sees ZOO expanded", () => {
    const envs = [{ name: "FOO", value: "bar" }, { name: "ZOO", value: "$(FOO)-1" }, { name: "BLU", value: "$(ZOO)-2" }];
    const declaredEnv: Record<string, string> = { FOO: "bar", ZOO: "$(FOO)-1", BLU: "$(ZOO)-2" };
    const mapping = mappingFuncFor(declaredEnv, {});
    for (const env of envs) declaredEnv[env.name] = expand(env.value, mapping);
    expect(declaredEnv).toEqual({ FOO: "bar", ZOO: "bar-1", BLU: "bar-1-2" });
  });
});
