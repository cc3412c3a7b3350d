import { describe, it, expect } from "vitest";
import { resourceForKind } from "./resources.js";
import {
  aggregateMessage, alreadyExists, conflict, duplicate, fieldErrorMessage, forbidden, forbiddenField, gone, internalError, invalid,
  invalidValue, methodNotSupported, namespaceNotFound, namespaceTerminating, notFound, notSupported, required, tooLong, tooMany,
  tooOldResourceVersionMessage, OptimisticLockErrorMsg, badRequest, unauthorized, goValue, type FieldError,
} from "./status.js";

const pods = resourceForKind("Pod")!;
const deployments = resourceForKind("Deployment")!;
const nodes = resourceForKind("Node")!;

describe("field error messages, as field.Error.Error() prints them", () => {
  const cases: [string, FieldError, string][] = [
    ["a required value prints only its type", required("spec.containers[0].image"), "spec.containers[0].image: Required value"],
    ["a required value with a detail appends it", required("metadata.name", "name or generateName is required"), "metadata.name: Required value: name or generateName is required"],
    ["an invalid string value is quoted", invalidValue("metadata.name", "Bad_Name", "oops"), 'metadata.name: Invalid value: "Bad_Name": oops'],
    ["an invalid number prints plainly", invalidValue("spec.replicas", -1, "must be greater than or equal to 0"), "spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
    ["a null value prints as null", invalidValue("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"), "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"],
    ["an unsupported value lists the supported ones quoted, in the given order", notSupported("spec.restartPolicy", "Sometimes", ["Always", "OnFailure", "Never"]), 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ["a duplicate prints its value", duplicate("spec.containers[1].name", "web"), 'spec.containers[1].name: Duplicate value: "web"'],
    ["a forbidden error hides its value", forbiddenField("spec", "pod updates may not add or remove containers"), "spec: Forbidden: pod updates may not add or remove containers"],
    ["too long hides its value and counts bytes", tooLong("metadata.annotations", "", 262144), "metadata.annotations: Too long: may not be more than 262144 bytes"],
    ["too many prints the count", tooMany("spec.containers", 3, 2), "spec.containers: Too many: 3: must have at most 2 items"],
    ["a Go-syntax value prints verbatim", invalidValue("spec.strategy.rollingUpdate.maxUnavailable", goValue("0"), "may not be 0 when `maxSurge` is 0"), "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"],
    ["a string with quotes is escaped as Go's %q", invalidValue("x", 'a"b', "bad"), 'x: Invalid value: "a\\"b": bad'],
    // ErrorBody since apimachinery v0.34 ("Nicer value rendering in API errors"): json.Marshal of a
    // non-scalar, maps with sorted keys and <, >, & escaped
    ["a list prints as its JSON", notSupported("dryRun", ["x", "<y>"], ["All"]), 'dryRun: Unsupported value: ["x","\\u003cy\\u003e"]: supported values: "All"'],
    ["a map prints as its JSON, keys sorted", invalidValue("spec.selector", { b: "2", a: "1" }, "bad"), 'spec.selector: Invalid value: {"a":"1","b":"2"}: bad'],
  ];
  for (const [name, err, msg] of cases) it(name, () => expect(fieldErrorMessage(err)).toBe(msg));

  it("aggregates several errors in brackets and drops repeated messages", () => {
    const a = required("a");
    const b = required("b");
    expect(aggregateMessage([a, b, a])).toBe("[a: Required value, b: Required value]");
  });
});

describe("Status builders, as apimachinery's errors package words them", () => {
  it("reports a missing pod as 404 NotFound with the resource in details.kind", () => {
    expect(notFound(pods, "x")).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'pods "x" not found', reason: "NotFound",
      details: { name: "x", kind: "pods" }, code: 404,
    });
  });

  it("qualifies a non-core resource with its group", () => {
    const s = alreadyExists(deployments, "web");
    expect(s.message).toBe('deployments.apps "web" already exists');
    expect(s.code).toBe(409);
    expect(s.reason).toBe("AlreadyExists");
    expect(s.details).toEqual({ name: "web", group: "apps", kind: "deployments" });
  });

  it("words an optimistic-lock conflict exactly", () => {
    const s = conflict(pods, "x");
    expect(s.message).toBe(`Operation cannot be fulfilled on pods "x": ${OptimisticLockErrorMsg}`);
    expect(OptimisticLockErrorMsg).toBe("the object has been modified; please apply your changes to the latest version and try again");
    expect(s.code).toBe(409);
    expect(s.reason).toBe("Conflict");
  });

  it("formats a one-error Invalid as NewInvalid does, with a cause per field error", () => {
    const err = invalidValue("metadata.name", "Bad_Name", "must be lower case");
    const s = invalid(pods, "Bad_Name", [err]);
    expect(s.code).toBe(422);
    expect(s.reason).toBe("Invalid");
    expect(s.message).toBe('Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": must be lower case');
    expect(s.details).toEqual({
      name: "Bad_Name", kind: "Pod",
      causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "Bad_Name": must be lower case', field: "metadata.name" }],
    });
  });

  it("formats a several-error Invalid with the bracketed list and the group-qualified kind", () => {
    const s = invalid(deployments, "d", [required("spec.selector"), required("spec.template.spec.containers")]);
    expect(s.message).toBe('Deployment.apps "d" is invalid: [spec.selector: Required value, spec.template.spec.containers: Required value]');
    expect(s.details?.group).toBe("apps");
  });

  it("words an RBAC denial in a namespace", () => {
    const s = forbidden("system:anonymous", "list", pods, "default");
    expect(s.message).toBe('pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
    expect(s.code).toBe(403);
    expect(s.reason).toBe("Forbidden");
  });

  it("words an RBAC denial at cluster scope, naming the object", () => {
    const s = forbidden("alice", "get", nodes, undefined, "n1");
    expect(s.message).toBe('nodes "n1" is forbidden: User "alice" cannot get resource "nodes" in API group "" at the cluster scope');
  });

  it("reports a missing namespace as namespaces \"foo\" not found", () => {
    const s = namespaceNotFound("foo");
    expect(s.message).toBe('namespaces "foo" not found');
    expect(s.code).toBe(404);
  });

  it("forbids creating into a terminating namespace with the NamespaceTerminating cause", () => {
    const s = namespaceTerminating(pods, "p", "foo");
    expect(s.message).toBe('pods "p" is forbidden: unable to create new content in namespace foo because it is being terminated');
    expect(s.details?.causes).toEqual([{ reason: "NamespaceTerminating", message: "namespace foo is being terminated", field: "metadata.namespace" }]);
  });

  it("reports an expired resourceVersion as 410 Expired", () => {
    const s = gone(tooOldResourceVersionMessage(5, 10));
    expect(s).toMatchObject({ code: 410, reason: "Expired", message: "too old resource version: 5 (10)" });
  });

  it("gives the remaining builders their codes and reasons", () => {
    expect(badRequest("nope")).toMatchObject({ code: 400, reason: "BadRequest", message: "nope" });
    expect(unauthorized()).toMatchObject({ code: 401, reason: "Unauthorized", message: "Unauthorized" });
    expect(methodNotSupported(pods, "deletecollection")).toMatchObject({ code: 405, reason: "MethodNotAllowed", message: 'deletecollection is not supported on resources of kind "pods"' });
    expect(internalError("boom")).toMatchObject({ code: 500, reason: "InternalError", message: "Internal error occurred: boom" });
  });
});

describe("content negotiation failures", () => {
  it("lists the accepted media types", async () => {
    const { notAcceptable, unsupportedMediaType } = await import("./status.js");
    expect(notAcceptable()).toMatchObject({ code: 406, reason: "NotAcceptable", message: "only the following media types are accepted: application/json, application/yaml" });
    expect(unsupportedMediaType()).toMatchObject({ code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml" });
  });
  it("omits causes from an Invalid with no field errors", () => {
    expect(invalid(pods, "x", [])).toMatchObject({ message: 'Pod "x" is invalid', details: { name: "x", kind: "Pod" } });
    expect(invalid(pods, "x", []).details?.causes).toBeUndefined();
  });
});
