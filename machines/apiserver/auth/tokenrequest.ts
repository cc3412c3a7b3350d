// The TokenRequest API (serviceaccounts/token, pkg/registry/core/serviceaccount/storage/token.go)
// and the authenticator of the tokens it issues (pkg/serviceaccount). The API server decides what a
// token says and whom it names; signing is the runtime's (its key never enters a machine), so a
// request waits for the signer's answer, and the API server then knows the token by its text, as
// a token file knows its tokens. Pure: state in, the next state out.

import type { Map as IMap } from "immutable";
import type { Status } from "kubernetes-types/meta/v1";
import { goQuote } from "../../common/goquote.js";
import { isValidPathSegmentName } from "../../common/names.js";
import { rfc3339 } from "../../common/time.js";
import * as S from "../status.js";
import type { UserInfo } from "./types.js";
import { mutant } from "../../common/mutation.js";

/** kind's --service-account-issuer and --api-audiences. */
export const serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local";

/** TokenRequestSpec's default expirationSeconds (SetDefaults_TokenRequestSpec): one hour. */
export const defaultExpirationSeconds = 3600;

/** claims.go's WarnOnlyBoundTokenExpirationSeconds (an hour and 7 s) and ExpirationExtensionSeconds (a year). */
export const warnOnlyBoundTokenExpirationSeconds = 60 * 60 + 7;
export const expirationExtensionSeconds = 24 * 365 * 60 * 60;

/** The object a token is bound to (BoundObjectReference): a Pod, a Secret or a Node, by name and uid. */
export interface BoundObject {
  kind: "Pod" | "Secret" | "Node";
  name: string;
  uid: string;
  /** a pod's node when it was scheduled (ServiceAccountTokenPodNodeInfo, GA in 1.32): its uid "" when the Node was not found */
  node?: { name: string; uid: string };
}

/** What the API server knows of a token it issued: whom it names and until when. */
export interface IssuedToken {
  namespace: string;
  serviceAccount: string;
  serviceAccountUid: string;
  /** ms since the epoch: the token's exp */
  expires: number;
  jti: string;
  /** the token's audiences include the API server's: only then does it authenticate here */
  forAPI: boolean;
  bound?: BoundObject;
  /** the part the signature signs (header.payload): a token that carries the signature with another one does not verify */
  signed?: string;
}

/**
 * How the API server knows an issued token: by its signature, the part no one can make without
 * the key. A map keyed by whole tokens would hold every audience list a client asked for.
 */
export function tokenKey(token: string): string {
  return token.slice(token.lastIndexOf(".") + 1);
}

/** The issued token a bearer token is, when its signature and the header and claims it signs are the ones issued (the JWT verifies). */
export function issuedToken(issued: { get(key: string): IssuedToken | undefined }, token: string): IssuedToken | undefined {
  const t = issued.get(tokenKey(token));
  return t !== undefined && t.signed === token.slice(0, token.lastIndexOf(".")) ? t : undefined;
}

/** The issued token as remembered once signed: with the part its signature signs. */
export function signedIssue(issued: IssuedToken, token: string): IssuedToken {
  return { ...issued, signed: token.slice(0, token.lastIndexOf(".")) };
}

/** The claims the signer signs (the JWT's payload), as pkg/serviceaccount's Claims builds them. */
export interface TokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  nbf: number;
  sub: string;
  "kubernetes.io": { namespace: string; serviceaccount: { name: string; uid: string }; pod?: { name: string; uid: string }; secret?: { name: string; uid: string }; node?: { name: string; uid?: string }; warnafter?: number };
}

/** A token request checked and ready to sign, with the TokenRequest the client gets back once signed. */
export interface PendingToken {
  claims: TokenClaims;
  issued: IssuedToken;
  /** the TokenRequest answered, without status.token (the signer's) */
  reply: any;
}

const groupKind = { kind: "TokenRequest", group: "authentication.k8s.io", resource: "tokenrequests" };

/** ValidateTokenRequest: at least 10 minutes, at most 2^32 seconds. */
function validate(expirationSeconds: number): Status | undefined {
  const causes = [];
  if (mutant("tokenrequest.min-expiration-inclusive") ? expirationSeconds <= 600 : expirationSeconds < 600) causes.push(S.invalidValue("spec.expirationSeconds", expirationSeconds, "may not specify a duration less than 10 minutes"));
  if (expirationSeconds > 2 ** 32) causes.push(S.invalidValue("spec.expirationSeconds", expirationSeconds, "may not specify a duration larger than 2^32 seconds"));
  return causes.length ? S.invalid(groupKind as any, "", causes) : undefined;
}

/**
 * token.go's first check, before the service account is looked up: a name or namespace in the
 * TokenRequest's metadata must be the URL's (the account the token is asked for), else 422.
 */
export function tokenRequestTargetError(body: unknown, name: string, namespace: string): Status | undefined {
  const meta = body !== null && typeof body === "object" ? (body as { metadata?: unknown }).metadata : undefined;
  const m = meta !== null && typeof meta === "object" ? (meta as { name?: unknown; namespace?: unknown }) : {};
  if (typeof m.name === "string" && m.name !== "" && m.name !== name) return S.invalid(groupKind as any, name, [S.invalidValue("metadata.name", m.name, "must match the service account name if specified")]);
  if (typeof m.namespace === "string" && m.namespace !== "" && m.namespace !== namespace) return S.invalid(groupKind as any, name, [S.invalidValue("metadata.namespace", m.namespace, "must match the service account namespace if specified")]);
  return undefined;
}

const boundResources = { Pod: "pods", Secret: "secrets", Node: "nodes" } as const;

/**
 * token.go's Create for the service account `sa` (as stored): the body decoded and defaulted,
 * validated, its bound object looked up; the claims to sign, or the error the client gets.
 * `lookup` reads the watch cache. The token's id (jti) is drawn when it is signed (withTokenId).
 */
export function prepareTokenRequest(sa: any, body: unknown, now: number, lookup: (resource: string, namespace: string | undefined, name: string) => any): PendingToken | { error: Status } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return { error: S.badRequest("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml") };
  const b = body as { kind?: unknown; apiVersion?: unknown; spec?: any };
  if (b.kind !== undefined && b.kind !== "TokenRequest") return { error: S.badRequest(`the kind in the data (${String(b.kind)}) does not match the expected kind (TokenRequest)`) };
  if (b.apiVersion !== undefined && b.apiVersion !== "authentication.k8s.io/v1") return { error: S.badRequest(`the API version in the data (${String(b.apiVersion)}) does not match the expected API version (authentication.k8s.io/v1)`) };
  const spec = b.spec !== null && typeof b.spec === "object" && !Array.isArray(b.spec) ? b.spec : {};
  const rawExp = spec.expirationSeconds;
  if (rawExp !== undefined && rawExp !== null && !Number.isSafeInteger(rawExp)) return { error: S.badRequest(`json: cannot unmarshal ${typeof rawExp} into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64`) };
  const expirationSeconds: number = rawExp ?? defaultExpirationSeconds;
  const rawAud = spec.audiences;
  if (rawAud !== undefined && rawAud !== null && (!Array.isArray(rawAud) || rawAud.some((a: unknown) => typeof a !== "string"))) return { error: S.badRequest("json: cannot unmarshal into Go struct field TokenRequestSpec.spec.audiences of type []string") };
  const audiences: string[] = rawAud && rawAud.length > 0 ? [...rawAud] : [serviceAccountIssuer];
  const invalid = validate(expirationSeconds);
  if (invalid) return { error: invalid };
  const namespace: string = sa.metadata.namespace;
  const name: string = sa.metadata.name;
  let bound: BoundObject | undefined;
  const ref = spec.boundObjectRef;
  if (ref !== undefined && ref !== null) {
    if (typeof ref !== "object" || Array.isArray(ref)) return { error: S.badRequest("json: cannot unmarshal into Go struct field TokenRequestSpec.spec.boundObjectRef") };
    // token.go switches on schema.FromAPIVersionAndKind: only the core group's Pod, Node and Secret
    // bind (apps/v1 Pod is refused; an apiVersion ParseGroupVersion refuses has no group, so binds)
    const gvk = groupVersionKind(ref.apiVersion, ref.kind);
    if (gvk.group !== "" || (gvk.kind !== "Pod" && gvk.kind !== "Secret" && gvk.kind !== "Node")) return { error: S.badRequest(`cannot bind token to object of type ${gvk.group}/${gvk.version}, Kind=${gvk.kind}`) };
    const kind: BoundObject["kind"] = gvk.kind;
    const resource = boundResources[kind];
    const refName = typeof ref.name === "string" ? ref.name : "";
    // the registry's Get keys the object first (NamespaceKeyFunc, NoNamespaceKeyFunc)
    if (refName === "") return { error: S.badRequest("Name parameter required.") };
    const segment = isValidPathSegmentName(refName);
    if (segment.length > 0) return { error: S.badRequest(`Name parameter invalid: ${goQuote(refName)}: ${segment.join(";")}`) };
    const obj = lookup(resource, kind === "Node" ? undefined : namespace, refName);
    if (!obj) return { error: S.notFound({ resource, group: "" } as any, refName) };
    // a pod's token is its own account's: another account's token may not claim the pod
    if (kind === "Pod" && obj.spec?.serviceAccountName !== name) return { error: S.badRequest(`cannot bind token for serviceaccount ${goQuote(name)} to pod running with different serviceaccount name.`) };
    if (typeof ref.uid === "string" && ref.uid !== "" && ref.uid !== obj.metadata.uid) {
      // token.go names the kind where a resource would be: Operation cannot be fulfilled on Pod "x"
      return { error: S.conflict({ resource: kind, group: "" } as any, refName, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`) };
    }
    bound = { kind, name: refName, uid: obj.metadata.uid };
    // token.go embeds a scheduled pod's node; a Node that is not found is named without its uid
    const nodeName = kind === "Pod" && typeof obj.spec?.nodeName === "string" ? obj.spec.nodeName : "";
    if (nodeName !== "") bound = { ...bound, node: { name: nodeName, uid: lookup("nodes", undefined, nodeName)?.metadata?.uid ?? "" } };
  }
  const iat = Math.floor(now / 1000);
  // token.go (--service-account-extend-token-expiration, on by default): a pod-bound token asked for
  // 3607 s (what the kubelet projects) for the API server's audiences lives a year, with a warnafter claim
  const extended = bound?.kind === "Pod" && expirationSeconds === warnOnlyBoundTokenExpirationSeconds && audiences.every((a) => a === serviceAccountIssuer);
  const exp = iat + (extended ? expirationExtensionSeconds : expirationSeconds);
  const scope: TokenClaims["kubernetes.io"] = { namespace, serviceaccount: { name, uid: sa.metadata.uid } };
  if (bound?.kind === "Pod") scope.pod = { name: bound.name, uid: bound.uid };
  if (bound?.kind === "Secret") scope.secret = { name: bound.name, uid: bound.uid };
  if (bound?.kind === "Node") scope.node = { name: bound.name, uid: bound.uid };
  // claims.go's ref: name and uid omitempty
  if (bound?.node) scope.node = bound.node.uid !== "" ? { ...bound.node } : { name: bound.node.name };
  if (extended) scope.warnafter = iat + expirationSeconds;
  const claims: TokenClaims = { aud: audiences, exp, iat, iss: serviceAccountIssuer, jti: "", nbf: iat, sub: `system:serviceaccount:${namespace}:${name}`, "kubernetes.io": scope };
  const issued: IssuedToken = { namespace, serviceAccount: name, serviceAccountUid: sa.metadata.uid, expires: exp * 1000, jti: "", forAPI: audiences.includes(serviceAccountIssuer), ...(bound ? { bound } : {}) };
  const reply = {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    // token.go answers req.DeepCopy(): its creationTimestamp the time of the request, the reference as it was sent
    metadata: { name, namespace, creationTimestamp: rfc3339(now) },
    spec: { audiences, expirationSeconds, boundObjectRef: bound ? sentReference(ref) : null },
    // the expiration asked for, even when the token lives longer
    status: { token: "", expirationTimestamp: rfc3339(now + expirationSeconds * 1000) },
  };
  return { claims, issued, reply };
}

/** schema.FromAPIVersionAndKind: ParseGroupVersion's group and version ("" and "/" are none; more than one "/" does not parse, so none). */
function groupVersionKind(apiVersion: unknown, kind: unknown): { group: string; version: string; kind: string } {
  const av = typeof apiVersion === "string" ? apiVersion : "";
  const k = typeof kind === "string" ? kind : "";
  const slash = av.indexOf("/");
  if (av === "" || av === "/" || (slash >= 0 && av.indexOf("/", slash + 1) >= 0)) return { group: "", version: "", kind: k };
  return slash < 0 ? { group: "", version: av, kind: k } : { group: av.slice(0, slash), version: av.slice(slash + 1), kind: k };
}

/** A BoundObjectReference as decoded and written back: its string fields, empty ones omitted (omitempty). */
function sentReference(ref: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of ["kind", "apiVersion", "name", "uid"]) {
    const v = ref[f];
    if (typeof v === "string" && v !== "") out[f] = v;
  }
  return out;
}

/** The pending token with its id (jti, the credential-id an audit log names it by). */
export function withTokenId(p: PendingToken, jti: string): PendingToken {
  return { ...p, claims: { ...p.claims, jti }, issued: { ...p.issued, jti } };
}

/**
 * The service account authenticator (pkg/serviceaccount's validator): a token the API server issued
 * names its account while it is meant for the API server (its audiences), has not expired, the account still exists with the uid it was issued
 * for, and so does the object it is bound to; then the user is the account, in its groups. Expiry and
 * deletion count only past go-jose's DefaultLeeway (claims.go: public.Validate, invalidIfDeletedBefore):
 * a pod's token works through its graceful termination and a minute beyond.
 */
export function serviceAccountUser(t: IssuedToken, now: number, lookup: (resource: string, namespace: string | undefined, name: string) => any): UserInfo | undefined {
  // a token for another audience (kubectl create token --audience=vault) is not the API server's to accept
  if (!t.forAPI || serviceAccountRefusal(t, now, lookup) !== undefined) return undefined;
  const extra: Array<[string, string[]]> = [["authentication.kubernetes.io/credential-id", [`JTI=${t.jti}`]]];
  if (t.bound?.kind === "Pod") extra.push(["authentication.kubernetes.io/pod-name", [t.bound.name]], ["authentication.kubernetes.io/pod-uid", [t.bound.uid]]);
  // ServiceAccountInfo.UserInfo: the node of a Node-bound token, or the node claims of a pod-bound one (never looked up); the uid only when known
  const node = t.bound?.kind === "Node" ? { name: t.bound.name, uid: t.bound.uid } : t.bound?.node;
  if (node) extra.push(["authentication.kubernetes.io/node-name", [node.name]], ...(node.uid !== "" ? [["authentication.kubernetes.io/node-uid", [node.uid]] as [string, string[]]] : []));
  extra.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { name: `system:serviceaccount:${t.namespace}:${t.serviceAccount}`, uid: t.serviceAccountUid, groups: ["system:serviceaccounts", `system:serviceaccounts:${t.namespace}`, "system:authenticated"], extra };
}

/**
 * Why the validator refuses a token the API server issued, in its own words (pkg/serviceaccount/claims.go
 * validator.Validate); undefined when it accepts it. The account is looked up through a client, so its
 * absence is the API's NotFound; a bound object's absence or deletion only "has been invalidated".
 */
export function serviceAccountRefusal(t: IssuedToken, now: number, lookup: (resource: string, namespace: string | undefined, name: string) => any): string | undefined {
  if (isExpired(t, now)) return "service account token has expired";
  const sa = lookup("serviceaccounts", t.namespace, t.serviceAccount);
  if (!sa) return `serviceaccounts ${goQuote(t.serviceAccount)} not found`;
  if (sa.metadata.uid !== t.serviceAccountUid) return `service account UID (${sa.metadata.uid ?? ""}) does not match claim (${t.serviceAccountUid})`;
  if (deletedBefore(sa, now - jwtLeewayMs)) return `service account ${t.namespace}/${t.serviceAccount} has been deleted`;
  if (t.bound) {
    const obj = lookup(boundResources[t.bound.kind], t.bound.kind === "Node" ? undefined : t.namespace, t.bound.name);
    if (!obj) return "service account token has been invalidated";
    if (obj.metadata.uid !== t.bound.uid) return `${t.bound.kind.toLowerCase()} UID (${obj.metadata.uid ?? ""}) does not match service account ${t.bound.kind.toLowerCase()} ref claim (${t.bound.uid})`;
    if (deletedBefore(obj, now - jwtLeewayMs)) return "service account token has been invalidated";
  }
  return undefined;
}

/** go-jose's jwt.DefaultLeeway, which the validator allows on expiry and on deletion. */
export const jwtLeewayMs = 60_000;

/** Claims.Validate's ErrExpired: the time less the leeway is after the expiry. */
function isExpired(t: IssuedToken, now: number): boolean {
  return now - jwtLeewayMs > t.expires;
}

/** An object whose deletionTimestamp is before `before`. */
function deletedBefore(obj: any, before: number): boolean {
  const ts = obj.metadata.deletionTimestamp;
  return typeof ts === "string" && Date.parse(ts) < before;
}

/** The issued tokens with the expired ones forgotten (they can never authenticate again). */
export function forgetExpired(issued: IMap<string, IssuedToken>, now: number): IMap<string, IssuedToken> {
  // none has expired while the earliest expiry has not: no walk of every token per request
  if (!(now - jwtLeewayMs > earliestExpiry(issued))) return issued;
  const kept = issued.filter((t) => !isExpired(t, now));
  earliest.set(kept, walkEarliest(kept));
  return kept;
}

/** forgetExpired, then `token` known by `key`: the API server's issued tokens after it signed one. */
export function withIssued(issued: IMap<string, IssuedToken>, key: string, token: IssuedToken, now: number): IMap<string, IssuedToken> {
  const kept = forgetExpired(issued, now);
  const next = kept.set(key, token);
  // a key issued again (a signature is not drawn twice, but a map allows it) replaces a token: walk then
  earliest.set(next, kept.has(key) ? walkEarliest(next) : lesser(earliestExpiry(kept), token.expires));
  return next;
}

// The earliest expiry of each issued-token map a request made (a memo: a map without one is walked
// once). Weak: a map the API server moved past is not kept for it.
const earliest = new WeakMap<IMap<string, IssuedToken>, number>();

function earliestExpiry(issued: IMap<string, IssuedToken>): number {
  let e = earliest.get(issued);
  if (e === undefined) earliest.set(issued, (e = walkEarliest(issued)));
  return e;
}

function walkEarliest(issued: IMap<string, IssuedToken>): number {
  let e = Number.POSITIVE_INFINITY;
  for (const t of issued.values()) e = lesser(e, t.expires);
  return e;
}

// a NaN expiry never expires (isExpired compares false), so it is passed over, where Math.min would answer NaN
const lesser = (e: number, x: number): number => (Number.isNaN(x) ? e : Math.min(e, x));
