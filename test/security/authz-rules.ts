// The authorization rules, one line each: what every kind of caller gets from a route that follows
// the rule. "ok" is the route's own success status (given in its row of authz-matrix.test.ts).
// The target of per-server routes is acme/secret, a PRIVATE server of team acme, so "can't see it"
// is 404, never 403. Keys belong to acme's publisher (a plain user, not an instance admin).

/** WHO lists the callers of the matrix, in column order. */
export const WHO = [
  "anonymous",
  "outsider", // signed in, owner of another team
  "member",
  "publisher",
  "owner",
  "admin",
  "key:read",
  "key:connect",
  "key:publish",
  "key:admin",
  "key:expired",
  "key:revoked",
] as const;

/** Who is one caller of the matrix. */
export type Who = (typeof WHO)[number];

/** Outcome is an exact status, or "ok" for the row's success status. */
export type Outcome = number | "ok";

type Row = [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

// prettier-ignore
const TABLE = {
  //                       anon  outsdr member  publ  owner admin  k:read k:conn k:publ k:adm k:exp k:rev
  /** open: operations, docs, assets, CORS preflight; no credential is even looked at. */
  "open":                 ["ok", "ok", "ok",  "ok", "ok", "ok",  "ok",  "ok",  "ok",  "ok", "ok", "ok"],
  /** public: the catalog, readable by anyone (public-read); a bad key is refused, never downgraded. */
  "public":               ["ok", "ok", "ok",  "ok", "ok", "ok",  "ok",  "ok",  "ok",  "ok", 401,  401],
  /** visible: reading a private server: its team and admins; any valid key of a member reads. */
  "visible":              [404,  404,  "ok",  "ok", "ok", "ok",  "ok",  "ok",  "ok",  "ok", 401,  401],
  /** signed-in: any user; a key needs the read scope (admin implies every scope). */
  "signed-in":            [401,  "ok", "ok",  "ok", "ok", "ok",  "ok",  403,   403,   "ok", 401,  401],
  /** account-write: changing accounts data as oneself; a key needs the admin scope. */
  "account-write":        [401,  "ok", "ok",  "ok", "ok", "ok",  403,   403,   403,   "ok", 401,  401],
  /** team-read: a team is visible to its members and admins, 404 to others. */
  "team-read":            [401,  404,  "ok",  "ok", "ok", "ok",  "ok",  403,   403,   "ok", 401,  401],
  /** team-manage: owners and admins change members; keys need admin scope and an owner behind them. */
  "team-manage":          [401,  404,  403,   403,  "ok", "ok",  403,   403,   403,   403,  401,  401],
  /** publish: publisher or owner in the namespace, or admin; a key needs the publish scope. */
  "publish":              [401,  403,  403,   "ok", "ok", "ok",  403,   403,   "ok",  "ok", 401,  401],
  /** deploy: like publish, on a private server outsiders get 404. */
  "deploy":               [401,  404,  403,   "ok", "ok", "ok",  403,   403,   "ok",  "ok", 401,  401],
  /** manage-read: deployment state and logs over the API: publishers, owners, admins; read scope. */
  "manage-read":          [401,  404,  403,   "ok", "ok", "ok",  "ok",  403,   403,   "ok", 401,  401],
  /** connect: sessions to a private server: its team and admins; a key needs the connect scope. */
  "connect":              [401,  404,  "ok",  "ok", "ok", "ok",  403,   "ok",  403,   "ok", 401,  401],
  /** instance-admin: instance administrators only (a key's admin scope doesn't make its user one). */
  "instance-admin":       [401,  403,  403,   403,  403,  "ok",  403,   403,   403,   403,  401,  401],
  /** admin-page: the admin pages; anonymous visitors are sent to sign in. */
  "admin-page":           [303,  403,  403,   403,  403,  "ok",  403,   403,   403,   403,  401,  401],
  /** session-page: pages for signed-in browsers (keys are for the API: sent to sign in). */
  "session-page":         [303,  "ok", "ok",  "ok", "ok", "ok",  303,   303,   303,   303,  401,  401],
  /** team-page: a team's page: its members and admins; 404 to other users. */
  "team-page":            [303,  404,  "ok",  "ok", "ok", "ok",  303,   303,   303,   303,  401,  401],
  /** session-form: a state-changing form: a signed-in browser with its CSRF token, nothing else. */
  "session-form":         [401,  "ok", "ok",  "ok", "ok", "ok",  401,   401,   401,   401,  401,  401],
  /** publish-form: the publish form; a refused namespace is shown on the form (422). */
  "publish-form":         [401,  422,  422,   "ok", "ok", "ok",  401,   401,   401,   401,  401,  401],
  /** team-form: member changes through the team page. */
  "team-form":            [401,  404,  403,   403,  "ok", "ok",  401,   401,   401,   401,  401,  401],
  /** visible-form: a form on a private server's page (playground). */
  "visible-form":         [401,  404,  "ok",  "ok", "ok", "ok",  401,   401,   401,   401,  401,  401],
  /** manage-page: deployments and logs pages: publishers, owners, admins (pages act as a key's user). */
  "manage-page":          [404,  404,  403,   "ok", "ok", "ok",  "ok",  "ok",  "ok",  "ok", 401,  401],
  /** manage-form: deploying from the deployments page. */
  "manage-form":          [401,  404,  403,   "ok", "ok", "ok",  401,   401,   401,   401,  401,  401],
  /** login-page: the sign-in page; a signed-in browser is sent on. */
  "login-page":           ["ok", 303,  303,   303,  303,  303,   "ok",  "ok",  "ok",  "ok", 401,  401],
  /** login-form: a sign-in post without the form's own cookie is refused, whoever sends it. */
  "login-form":           [403,  403,  403,   403,  403,  403,   403,   403,   403,   403,  401,  401],
  /** own-key-form: revoking a key through the account page: only its owner (acme's publisher); anyone else's "no such key" is 404. */
  "own-key-form":         [401,  404,  404,   "ok", 404,  404,   401,   401,   401,   401,  401,  401],
  /** admin-form: a state-changing form of the admin pages (invitations). */
  "admin-form":           [401,  403,  403,   403,  403,  "ok",  401,   401,   401,   401,  401,  401],
  /** profiles: one's own saved configs; a key needs the connect scope. */
  "profiles":             [401,  "ok", "ok",  "ok", "ok", "ok",  403,   "ok",  403,   "ok", 401,  401],
  /** profile-create: saving a config for a server one can see (acme/secret is private: 404 to outsiders). */
  "profile-create":       [401,  404,  "ok",  "ok", "ok", "ok",  403,   "ok",  403,   "ok", 401,  401],
  /** own-profile: a profile (acme's publisher's): its owner and admins; anyone else's is 404. */
  "own-profile":          [401,  404,  404,   "ok", 404,  "ok",  403,   "ok",  403,   "ok", 401,  401],
  /** own-profile-form: deleting that profile from the Connect tab. */
  "own-profile-form":     [401,  404,  404,   "ok", 404,  "ok",  401,   401,   401,   401,  401,  401],
  /** key-derive: making a key that can do less than the caller (here connect-only): any user; a key needs the scopes it gives and more (a connect-only key makes none). */
  "key-derive":           [401,  "ok", "ok",  "ok", "ok", "ok",  403,   403,   403,   "ok", 401,  401],
  /** key-self: reading or revoking the key the request is made with: any valid key; a session has none (400). */
  "key-self":             [401,  400,  400,   400,  400,  400,   "ok",  "ok",  "ok",  "ok", 401,  401],
  /** gone: first-run setup, closed once an administrator exists; an invitation link that was never made. */
  "gone":                 [404,  404,  404,   404,  404,  404,   404,   404,   404,   404,  404,  404],
} satisfies Record<string, Row>;

/** Rule names one line of the table. */
export type Rule = keyof typeof TABLE;

/** expected is what `who` must get from a route with `rule` whose success status is `ok`. */
export function expected(rule: Rule, who: Who, ok: number): number {
  const o = (TABLE[rule] as Row)[WHO.indexOf(who)]!;
  return o === "ok" ? ok : o;
}
