// Shared by the table tests: a defaulted object to edit, and the two views of a cause list the Go
// tables compare (type and field, or the whole message).

import { mutate } from "../admission/index.js";
import { fieldErrorMessage, type FieldError } from "../status.js";


const now = "2026-01-01T00:00:00Z";

/** A Pod as it reaches validation: decoded, then defaulted by admission. */
export function defaultedPod(spec: any = {}): any {
  return mutate({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "nginx:1.27" }], ...spec } }, { now, operation: "CREATE" });
}

/** Any object defaulted as a create would default it. */
export function defaulted(obj: any): any {
  return mutate(obj, { now, operation: "CREATE" });
}

/** "<type> <field>", the pair the Go tables check. */
export const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);

/** The full message of each cause, as kubectl shows it. */
export const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);

/** podtest.MakeContainer: a container that passes validation without defaulting. */
export function makeContainer(name: string, edit: (c: any) => void = () => {}): any {
  const c: any = { name, image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File", terminationMessagePath: "/dev/termination-log" };
  edit(c);
  return c;
}

/** podtest.MakePod: the Go tables' pod (namespace default, one container "ctr"), edited by the row's tweaks. */
export function makePod(name: string, ...tweaks: ((p: any) => void)[]): any {
  const p: any = {
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
    spec: { containers: [makeContainer("ctr")], dnsPolicy: "ClusterFirst", restartPolicy: "Always", terminationGracePeriodSeconds: 30 },
  };
  for (const t of tweaks) t(p);
  return p;
}

/** errs.ToAggregate().Error(): what the Go tables' expectedError substrings are matched against. */
export const aggregate = (errs: FieldError[]) => (errs.length === 1 ? fieldErrorMessage(errs[0]) : `[${errs.map(fieldErrorMessage).join(", ")}]`);

/** makeValidService (the Service tables' base): a ClusterIP Service with one named TCP port and no cluster IP yet. */
export function makeValidService(): any {
  return {
    apiVersion: "v1", kind: "Service",
    metadata: { name: "valid", namespace: "valid", labels: {}, annotations: {}, resourceVersion: "1" },
    spec: { selector: { key: "val" }, sessionAffinity: "None", type: "ClusterIP", ports: [{ name: "p", protocol: "TCP", port: 8675, targetPort: 8675 }], internalTrafficPolicy: "Cluster" },
  };
}
