// pkg/apis/core/v1/helper/helpers_test.go: TestIsNativeResource and TestIsOvercommitAllowed, every row.
import { describe, expect, it } from "vitest";
import { isNativeResource, isOvercommitAllowed } from "./resources.js";

describe("TestIsNativeResource", () => {
  it.each<[string, boolean]>([
    ["pod.alpha.kubernetes.io/opaque-int-resource-foo", true], ["kubernetes.io/resource-foo", true], ["foo", true], ["a/b", false], ["", true],
  ])("%j: %s", (name, want) => expect(isNativeResource(name)).toBe(want));
});

describe("TestIsOvercommitAllowed", () => {
  it.each<[string, boolean]>([
    ["pod.alpha.kubernetes.io/opaque-int-resource-foo", true], ["kubernetes.io/resource-foo", true], ["hugepages-100m", false], ["", true],
  ])("%j: %s", (name, want) => expect(isOvercommitAllowed(name)).toBe(want));
});
