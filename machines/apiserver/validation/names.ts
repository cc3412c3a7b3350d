// The name and label rules (k8s.io/apimachinery/pkg/util/validation) live in common/, where
// label selectors parse too; validation imports them from here as before.
export * from "../../common/names.js";
