// Strategic merge patch rows from apimachinery's strategicpatch/patch_test.go (its MergeItem type,
// the patch applied to the original giving the modified object, or the three-way patch applied to
// the current object giving the result), then the served kinds' own merge keys.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { strategicMerge, strategicMergeBy, StrategicPatchError, StrategicPatchPanic } from "./strategicpatch.js";
// type MergeItem struct in patch_test.go, with its struct tags
import { mergeItemSchema } from "./strategicpatchtables.data.js";

const apply = (original: string, patch: string) => strategicMergeBy(mergeItemSchema, "MergeItem", parse(original) ?? {}, parse(patch) ?? {});

// [description, original (or current), patch (twoWay or threeWay), modified (or result)]
const rows: [string, string, string, string][] = [
  ["unique scalars when merging lists", "mergingIntList: [1, 2]", "mergingIntList: [2, 3]", "mergingIntList: [1, 2, 3]"],
  ["delete map from nested map", "simpleMap: {key1: 1, key2: 1}", "simpleMap: {$patch: delete}", "simpleMap: {}"],
  ["delete all items from merging list", "mergingList: [{name: 1}, {name: 2}]", "mergingList: [{$patch: replace}]", "mergingList: []"],
  ["merge empty merging lists", "mergingList: []", "mergingList: []", "mergingList: []"],
  ["delete all keys from map", "{name: 1, value: 1}", "$patch: replace", "{}"],
  ["add key and delete all keys from map", "{name: 1, value: 1}", "{other: a, $patch: replace}", "other: a"],
  ["de-duplicate entries in a merging list",
    "mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]",
    "mergingList: [{name: 1, $patch: delete}, {name: 3, $patch: delete}]",
    "mergingList: [{name: 2, value: a}]"],
  ["retainKeys map can add a field when no retainKeys directive present", "retainKeysMap: {name: foo}", "retainKeysMap: {value: bar}", "retainKeysMap: {name: foo, value: bar}"],
  ["retainKeys map can delete a field when no retainKeys directive present", "retainKeysMap: {name: foo, value: a}", "retainKeysMap: {value: null}", "retainKeysMap: {name: foo}"],
  ["retainKeys list can change a field when no retainKeys directive present",
    "retainKeysMergingList: [{name: bar}, {name: foo, value: a}]", "retainKeysMergingList: [{name: foo, value: b}]", "retainKeysMergingList: [{name: bar}, {name: foo, value: b}]"],
  ["preserve the order from the patch in a merging list",
    "mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]",
    "mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]",
    "mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, value: b, other: x}]"],
  ["preserve the order from the patch in a merging list 2",
    "mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]",
    "mergingList: [{name: 3, value: c}, {name: 1, value: a}]",
    "mergingList: [{name: 2, value: b}, {name: 3, value: c}, {name: 1, value: a}]"],
  ["preserve the order from the patch in a merging int list", "mergingIntList: [1, 2, 3]", "mergingIntList: [3, 1, 2]", "mergingIntList: [3, 1, 2]"],
  ["preserve the order from the patch in a merging int list (subset)", "mergingIntList: [1, 2, 3]", "mergingIntList: [3, 1]", "mergingIntList: [2, 3, 1]"],
  ["$setElementOrder contains item that is not present in the list to be merged",
    "mergingList: [{name: 1}, {name: 3}]",
    "{$setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}], mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}",
    "mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]"],
  ["$setElementOrder contains item that is not present in the int list to be merged", "mergingIntList: [1, 3]", "$setElementOrder/mergingIntList: [3, 2, 1]", "mergingIntList: [3, 1]"],
  ["nil original", "{name: 1, other: a}", "value: 1", "{name: 1, value: 1, other: a}"],
  ["delete field from nested map", "simpleMap: {key1: 1, key2: 1, other: a}", "simpleMap: {key2: null}", "simpleMap: {key1: 1, other: a}"],
  ["replace list of scalars", "nonMergingIntList: [1, 4]", "nonMergingIntList: [2, 3]", "nonMergingIntList: [2, 3]"],
  ["delete all maps from merging list with conflict",
    "mergingList: [{name: 1, other: a}, {name: 2, other: b}]", "mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]", "mergingList: []"],
  ["delete all maps from empty merging list", "mergingList: []", "mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]", "mergingList: []"],
  ["defined null values should propagate overwrite current fields (with conflict)", "{name: a, other: a}", "{name: 1, value: 1, other: null}", "{name: 1, value: 1}"],
  ["delete items in lists of scalars",
    "mergingIntList: [1, 2, 3, 4]", "{$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]}", "mergingIntList: [1, 2, 4]"],
  ["delete all duplicate items in lists of scalars",
    "mergingIntList: [1, 2, 3, 3, 4]", "{$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]}", "mergingIntList: [1, 2, 4]"],
  ["add and delete items in lists of scalars",
    "mergingIntList: [1, 2, 3]", "{$setElementOrder/mergingIntList: [1, 2, 4], $deleteFromPrimitiveList/mergingIntList: [3], mergingIntList: [4]}", "mergingIntList: [1, 2, 4]"],
  ["merge lists of maps",
    "mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]",
    "{$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}",
    "mergingList: [{name: 4, value: 4}, {name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]"],
  ["merge lists of maps with conflict",
    "mergingList: [{name: 1, other: a}, {name: 2, value: 3, other: b}]",
    "{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 2, value: 2}, {name: 3, value: 3}]}",
    "mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3, value: 3}]"],
  ["add field to map in merging list",
    "mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]",
    "{$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1, value: 1}]}",
    "mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2, other: b}]"],
  ["$deleteFromPrimitiveList of nonexistent item in primitive list should not add the item to the list", "mergingIntList: [1, 2]", "$deleteFromPrimitiveList/mergingIntList: [3]", "mergingIntList: [1, 2]"],
  ["$deleteFromPrimitiveList on empty primitive list should not add the item to the list", "mergingIntList: null", "$deleteFromPrimitiveList/mergingIntList: [3]", "mergingIntList: null"],
  ["$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive list", "foo: [bar]", "$deleteFromPrimitiveList/mergingIntList: [3]", "foo: [bar]"],
  ["$deleteFromPrimitiveList should delete item from a list without merge patch strategy", "nonMergingIntList: [1, 2, 3]", "$deleteFromPrimitiveList/nonMergingIntList: [2]", "nonMergingIntList: [1, 3]"],
  // TestUnknownField's two-way results: a value the original lacks is taken without its nulls
  ["discard nulls in nested and adds not nulls", "{name: foo}", "complex_nullable: {key: {keynotnull: value, keynull: null}}", "{name: foo, complex_nullable: {key: {keynotnull: value}}}"],
  ["discard if modified all nulls", "{}", "complex: {nested: null}", "complex: {}"],
  ["no diff even if modified null", "{name: foo}", "complex_nullable: {key: null}", "{name: foo, complex_nullable: {}}"],
];

describe("strategic merge patch: apimachinery's patch_test.go rows", () => {
  it.each(rows)("%s", (_d, original, patch, want) => {
    expect(apply(original, patch)).toEqual(parse(want));
  });

  it.each([
    ["should check if order in $setElementOrder and patch list match", "mergingList: [{name: 1}, {name: 3}, {name: 2}]",
      "{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}", "doesn't match"],
    ["should check if order in $setElementOrder and patch int list match", "mergingIntList: [1, 3, 2]",
      "{$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3, 1]}", "doesn't match"],
    ["missing merge key should error out", "mergingList: [{name: 1, value: a}]", "mergingList: [{value: b}]", "does not contain declared merge key"],
    // TestUnknownField's "diff": a map the schema has no field for cannot be merged
    ["an unknown field both sides hold as maps", "complex: {nested: true}", "complex: {nested: false}", 'unable to find api field in struct MergeItem for the json field "complex"'],
  ])("%s", (_d, original, patch, want) => {
    expect(() => apply(original, patch)).toThrow(want);
  });

  it("a value the original lacks loses its directives (removeDirectives): a $patch map is dropped, with its key when it is the value", () => {
    expect(apply("{name: a}", "{simpleMap: {$patch: replace, key1: x}, mergingList: [{name: 1, $patch: delete}, {name: 2}]}")).toEqual({ name: "a", mergingList: [{ name: 2 }] });
    // a value held as another type is replaced the same way: a directive on a scalar deletes it
    expect(apply("{name: a, value: b}", "value: {$patch: delete}")).toEqual({ name: "a" });
  });

  it("$setElementOrder names a list field of the struct: an unknown one, or one that is no list, is an error", () => {
    expect(() => apply("{}", "$setElementOrder/nope: [a]")).toThrow('unable to find api field in struct MergeItem for the json field "nope"');
    expect(() => apply("{}", "$setElementOrder/simpleMap: [a]")).toThrow("expected slice or array type, but got: struct");
    // the lookup folds case as encoding/json does
    expect(apply("mergingIntList: [1, 2]", "$setElementOrder/MergingIntList: [2, 1]")).toEqual({ mergingIntList: [1, 2] });
  });

  it("a $retainKeys list keeps only the keys it names, and refuses a patch setting another", () => {
    expect(apply("retainKeysMap: {name: foo, value: a, other: b}", "retainKeysMap: {$retainKeys: [name, value], value: c}")).toEqual({ retainKeysMap: { name: "foo", value: "c" } });
    expect(() => apply("retainKeysMap: {name: foo}", "retainKeysMap: {$retainKeys: [name], value: c}")).toThrow("invalid patch format of retainKeys");
  });

  it("inputs Go panics on are StrategicPatchPanic, not an error value: an unhashable $retainKeys element, a merged list led by null", () => {
    // applyRetainKeysDirective's map[interface{}]struct{} and sliceElementType's reflect.TypeOf(nil).Kind()
    expect(() => apply("retainKeysMap: {name: foo}", "retainKeysMap: {$retainKeys: [{}]}")).toThrow(StrategicPatchPanic);
    expect(() => apply("retainKeysMap: {name: foo}", "retainKeysMap: {$retainKeys: [name, [a]]}")).toThrow("runtime error: hash of unhashable type []interface {}");
    expect(() => apply("{}", "$setElementOrder/mergingIntList: [null]\nmergingIntList: [null]")).toThrow("runtime error: invalid memory address or nil pointer dereference");
    // the same null after a typed element is sliceElementType's error value
    expect(() => apply("mergingIntList: [1]", "mergingIntList: [null]")).toThrow(StrategicPatchError);
  });
});

describe("strategic merge patch by the served kinds' merge keys", () => {
  const svc = () => ({
    apiVersion: "v1", kind: "Service", metadata: { name: "web" },
    spec: { ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }, { name: "https", port: 443, protocol: "TCP", targetPort: 8443 }] },
  });

  it("Service spec.ports merge by port: changing one targetPort keeps the other port", () => {
    const out = strategicMerge("Service", svc(), { spec: { ports: [{ port: 80, targetPort: 9090 }] } });
    expect(out.spec.ports).toEqual([{ name: "http", port: 80, protocol: "TCP", targetPort: 9090 }, { name: "https", port: 443, protocol: "TCP", targetPort: 8443 }]);
  });

  it("kubectl apply's patch of a two-port Service with one targetPort changed yields two ports, not a duplicate", () => {
    const patch = { spec: { "$setElementOrder/ports": [{ port: 80 }, { port: 443 }], ports: [{ port: 443, targetPort: 9443 }] } };
    expect(strategicMerge("Service", svc(), patch).spec.ports.map((p: any) => [p.port, p.targetPort])).toEqual([[80, 8080], [443, 9443]]);
  });

  it("container ports merge by containerPort, containers by name, and a port without the key is refused", () => {
    const pod = { kind: "Pod", spec: { containers: [{ name: "a", image: "nginx", ports: [{ containerPort: 80, name: "http" }, { containerPort: 81 }] }] } };
    const out = strategicMerge("Pod", pod, { spec: { containers: [{ name: "a", ports: [{ containerPort: 81, name: "alt" }] }] } });
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80, name: "http" }, { containerPort: 81, name: "alt" }]);
    expect(out.spec.containers[0].image).toBe("nginx");
    let err: unknown;
    try {
      strategicMerge("Pod", pod, { spec: { containers: [{ name: "a", ports: [{ name: "x" }] }] } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StrategicPatchError);
    expect((err as StrategicPatchError).message).toBe("map: map[name:x] does not contain declared merge key: containerPort");
  });

  it("lists without a merge strategy are replaced (tolerations, a container's args)", () => {
    const pod = { kind: "Pod", spec: { tolerations: [{ key: "a", operator: "Exists" }], containers: [{ name: "c", args: ["1", "2"] }] } };
    const out = strategicMerge("Pod", pod, { spec: { tolerations: [{ key: "b", operator: "Exists" }], containers: [{ name: "c", args: ["3"] }] } });
    expect(out.spec.tolerations).toEqual([{ key: "b", operator: "Exists" }]);
    expect(out.spec.containers[0].args).toEqual(["3"]);
  });

  it("a Deployment's strategy honours $retainKeys: switching to Recreate drops rollingUpdate", () => {
    const d = { kind: "Deployment", spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } } } };
    expect(strategicMerge("Deployment", d, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }).spec.strategy).toEqual({ type: "Recreate" });
  });

  it("metadata.finalizers is a merging list of scalars (a new item goes first, as mergeSortedSlice places it); $deleteFromPrimitiveList removes one", () => {
    const o = { kind: "ConfigMap", metadata: { finalizers: ["a", "b"] } };
    expect(strategicMerge("ConfigMap", o, { metadata: { finalizers: ["c"] } }).metadata.finalizers).toEqual(["c", "a", "b"]);
    expect(strategicMerge("ConfigMap", o, { metadata: { "$setElementOrder/finalizers": ["a", "b", "c"], finalizers: ["c"] } }).metadata.finalizers).toEqual(["a", "b", "c"]);
    expect(strategicMerge("ConfigMap", o, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } }).metadata.finalizers).toEqual(["b"]);
  });

  it("$patch: delete removes a container by name; $patch: replace replaces the volumes", () => {
    const pod = { kind: "Pod", spec: { containers: [{ name: "a" }, { name: "b" }], volumes: [{ name: "v", emptyDir: {} }] } };
    const out = strategicMerge("Pod", pod, { spec: { containers: [{ name: "a", $patch: "delete" }], volumes: [{ $patch: "replace" }, { name: "w", emptyDir: {} }] } });
    expect(out.spec.containers).toEqual([{ name: "b" }]);
    expect(out.spec.volumes).toEqual([{ name: "w", emptyDir: {} }]);
  });
});
