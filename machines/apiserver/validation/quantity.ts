// resource.Quantity as Go keeps it: the model lives in machines/common/goquantity.ts, shared with
// the quota evaluators (which machines/common holds and no component's internals may feed).
export * from "../../common/goquantity.js";
