// The Go type table every decoder reads: the generated one (k8s.io/api) and apiextensions.k8s.io's.

import type { SchemaData } from "./model.js";
import { schemaData as generated } from "./types.js";
import { apiextensionsTypes } from "./apiextensions.js";

export const schemaData: SchemaData = {
  roots: { ...generated.roots, CustomResourceDefinition: "apiextensions/v1.CustomResourceDefinition" },
  versioned: generated.versioned,
  types: { ...generated.types, ...apiextensionsTypes },
};
