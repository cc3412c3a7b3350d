// The CustomResourceDefinition's v1 defaults (SetDefaults_CustomResourceDefinitionSpec) and its
// strategy's PrepareForCreate and PrepareForUpdate: the storage version recorded in storedVersions.

type Obj = any;

/** singular defaults to the lower-cased kind, listKind to <kind>List, conversion to strategy None. */
export function defaultCustomResourceDefinition(o: Obj): void {
  const spec = o.spec;
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) return;
  const names = spec.names;
  if (names !== null && typeof names === "object" && !Array.isArray(names) && typeof names.kind === "string") {
    if (!names.singular) names.singular = names.kind.toLowerCase();
    if (!names.listKind && names.kind !== "") names.listKind = `${names.kind}List`;
  }
  if (spec.conversion == null) spec.conversion = { strategy: "None" };
  // a webhook's service port defaults to 443 (SetDefaults_ServiceReference)
  const svc = spec.conversion?.webhook?.clientConfig?.service;
  if (svc !== null && typeof svc === "object" && svc.port == null) svc.port = 443;
}

/** The storage version joins storedVersions when it is not there yet (the strategy's storage-version bookkeeping). */
function recordStorageVersion(o: Obj): void {
  const versions: Obj[] = Array.isArray(o.spec?.versions) ? o.spec.versions : [];
  const storage = versions.find((v) => v?.storage === true)?.name;
  const stored: string[] = Array.isArray(o.status?.storedVersions) ? o.status.storedVersions : [];
  if (typeof storage === "string" && !stored.includes(storage)) o.status = { ...(o.status ?? {}), storedVersions: [...stored, storage] };
}

/** PrepareForCreate: a fresh status (what a client sent is dropped), generation 1, the storage version stored. */
export function prepareCRDForCreate(o: Obj): void {
  o.metadata.generation = 1;
  o.status = { acceptedNames: { plural: "", kind: "" }, storedVersions: [] };
  recordStorageVersion(o);
}

/** PrepareForUpdate (after the stored status was kept): a new storage version is recorded. */
export function prepareCRDForUpdate(o: Obj): void {
  recordStorageVersion(o);
}
