// The CertificateSigningRequest strategies (pkg/registry/certificates/certificates/strategy.go):
// PrepareForCreate empties the status ("users cannot create pre-approved certificate requests") and
// writes the requester into the spec; the /status strategy keeps the stored Approved and Denied
// instances when the writer kept their number (preserveConditionInstances), so a signer writing the
// certificate cannot change an approval, and its write is not refused for it.

import { describe, expect, it } from "vitest";
import { validateCertificateSigningRequestStatusUpdate } from "../validation/certificates.js";
import { prepareCSRForCreate, prepareCSRStatusForUpdate } from "./certificates.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const approved = { type: "Approved", status: "True", reason: "AutoApproved", message: "approved by the admin", lastUpdateTime: "2026-01-01T00:00:00Z", lastTransitionTime: "2026-01-01T00:00:00Z" };
const stored = (): any => ({
  apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest",
  metadata: { name: "csr", uid: "u", resourceVersion: "7", creationTimestamp: "2026-01-01T00:00:00Z" },
  spec: { request: "", signerName: "example.com/signer", usages: ["client auth"], username: "alice" },
  status: { conditions: [approved] },
});

describe("csrStrategy.PrepareForCreate", () => {
  it("a request sent with an Approved condition is stored with an empty status, and its requester as the writer", () => {
    const csr: any = { spec: { signerName: "example.com/signer", username: "mallory", groups: ["system:masters"] }, status: { conditions: [approved], certificate: "Y2VydA==" } };
    prepareCSRForCreate(csr, { name: "alice", groups: ["system:authenticated"] });
    expect(csr.status).toEqual({});
    expect(csr.spec).toEqual({ signerName: "example.com/signer", username: "alice", groups: ["system:authenticated"] });
  });
});

describe("csrStatusStrategy.PrepareForUpdate", () => {
  it("keeps the stored Approved instance when the writer changed it, and the conditions validate", () => {
    const old = stored();
    const next = stored();
    next.status.conditions = [{ type: "Approved", status: "True", reason: "Forged", message: "changed by the signer" }];
    prepareCSRStatusForUpdate(next, old, "2026-01-02T00:00:00Z");
    expect(next.status.conditions).toEqual([approved]);
    // (the request bytes are not a real CSR here: only the conditions' rules are looked at)
    expect(validateCertificateSigningRequestStatusUpdate(next, old).filter((e) => e.field.startsWith("status"))).toEqual([]);
  });
});
