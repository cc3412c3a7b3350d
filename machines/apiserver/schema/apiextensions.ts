// The Go types of apiextensions.k8s.io/v1 (k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1,
// types.go), in the shape of the generated table (types.ts), which reads only k8s.io/api. A
// JSONSchemaProps is kept as raw JSON: its own shape is checked by the CRD's validation.

import type { GoTypeDef } from "./model.js";

const p = "apiextensions/v1";

export const apiextensionsTypes: Record<string, GoTypeDef> = {
  [`${p}.CustomResourceDefinition`]: { fields: { kind: "string", apiVersion: "string", metadata: "meta/v1.ObjectMeta", spec: `${p}.CustomResourceDefinitionSpec`, status: `${p}.CustomResourceDefinitionStatus` }, omitempty: ["kind", "apiVersion", "metadata", "status"] },
  [`${p}.CustomResourceDefinitionSpec`]: { fields: { group: "string", names: `${p}.CustomResourceDefinitionNames`, scope: `${p}.ResourceScope`, versions: `[]${p}.CustomResourceDefinitionVersion`, conversion: `*${p}.CustomResourceConversion`, preserveUnknownFields: "bool" }, omitempty: ["conversion", "preserveUnknownFields"] },
  [`${p}.ResourceScope`]: { underlying: "string" },
  [`${p}.CustomResourceDefinitionNames`]: { fields: { plural: "string", singular: "string", shortNames: "[]string", kind: "string", listKind: "string", categories: "[]string" }, omitempty: ["singular", "shortNames", "listKind", "categories"] },
  [`${p}.CustomResourceConversion`]: { fields: { strategy: `${p}.ConversionStrategyType`, webhook: `*${p}.WebhookConversion` }, omitempty: ["webhook"] },
  [`${p}.ConversionStrategyType`]: { underlying: "string" },
  [`${p}.WebhookConversion`]: { fields: { clientConfig: `*${p}.WebhookClientConfig`, conversionReviewVersions: "[]string" }, omitempty: ["clientConfig"] },
  [`${p}.WebhookClientConfig`]: { fields: { url: "*string", service: `*${p}.ServiceReference`, caBundle: "[]uint8" }, omitempty: ["url", "service", "caBundle"] },
  [`${p}.ServiceReference`]: { fields: { namespace: "string", name: "string", path: "*string", port: "*int32" }, omitempty: ["path", "port"] },
  [`${p}.CustomResourceDefinitionVersion`]: {
    fields: { name: "string", served: "bool", storage: "bool", deprecated: "bool", deprecationWarning: "*string", schema: `*${p}.CustomResourceValidation`, subresources: `*${p}.CustomResourceSubresources`, additionalPrinterColumns: `[]${p}.CustomResourceColumnDefinition`, selectableFields: `[]${p}.SelectableField` },
    omitempty: ["deprecated", "deprecationWarning", "schema", "subresources", "additionalPrinterColumns", "selectableFields"],
  },
  [`${p}.CustomResourceValidation`]: { fields: { openAPIV3Schema: `*${p}.JSONSchemaProps` }, omitempty: ["openAPIV3Schema"] },
  [`${p}.JSONSchemaProps`]: { custom: "raw" },
  [`${p}.CustomResourceSubresources`]: { fields: { status: `*${p}.CustomResourceSubresourceStatus`, scale: `*${p}.CustomResourceSubresourceScale` }, omitempty: ["status", "scale"] },
  [`${p}.CustomResourceSubresourceStatus`]: { fields: {} },
  [`${p}.CustomResourceSubresourceScale`]: { fields: { specReplicasPath: "string", statusReplicasPath: "string", labelSelectorPath: "*string" }, omitempty: ["labelSelectorPath"] },
  [`${p}.CustomResourceColumnDefinition`]: { fields: { name: "string", type: "string", format: "string", description: "string", priority: "int32", jsonPath: "string" }, omitempty: ["format", "description", "priority"] },
  [`${p}.SelectableField`]: { fields: { jsonPath: "string" } },
  [`${p}.CustomResourceDefinitionStatus`]: { fields: { conditions: `[]${p}.CustomResourceDefinitionCondition`, acceptedNames: `${p}.CustomResourceDefinitionNames`, storedVersions: "[]string" }, omitempty: ["conditions"] },
  [`${p}.CustomResourceDefinitionCondition`]: { fields: { type: `${p}.CustomResourceDefinitionConditionType`, status: `${p}.ConditionStatus`, lastTransitionTime: "meta/v1.Time", reason: "string", message: "string" }, omitempty: ["lastTransitionTime", "reason", "message"] },
  [`${p}.CustomResourceDefinitionConditionType`]: { underlying: "string" },
  [`${p}.ConditionStatus`]: { underlying: "string" },
};
