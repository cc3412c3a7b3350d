// Who a request is from and what it asks, as kube-apiserver's authorizers see it
// (user.Info and authorizer.Attributes).

import type { FieldRequirement } from "../../common/labels.js";

export interface UserInfo {
  name: string;
  groups: string[];
  uid?: string;
  /** user extras as [key, values] pairs (never an object keyed by client input) */
  extra?: Array<[string, string[]]>;
}

/** The user of a request without credentials (--anonymous-auth, on by default). */
export const anonymous: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

export interface Attributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection, impersonate; a non-resource request's lower-cased HTTP method */
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  /** the object's name; for a list or watch, the value of a metadata.name= field selector */
  name: string;
  /** a non-resource request's URL path */
  path: string;
  /** a list or watch's field selector, parsed */
  fieldSelector: FieldRequirement[];
}

/** An authorizer's answer: allowed, or no opinion with the reason it gives (appended to the Forbidden message). */
export interface Decision {
  allowed: boolean;
  reason: string;
}
