/** Headers of a console request from a signed-in member of staff, as App Service Authentication and the console's client send them. */
export function staffHeaders(name = 'Sam Staff', roles: readonly string[] = ['staff']): Record<string, string> {
  const principal = { auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims: [{ typ: 'oid', val: `oid-${name}` }, { typ: 'name', val: name }, ...roles.map((val) => ({ typ: 'roles', val }))] };
  return { 'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64'), 'x-requested-with': 'repair-relay-console' };
}
