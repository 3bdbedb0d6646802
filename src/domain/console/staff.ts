/** The app roles of the console's app registration (docs/deploy.md): `owner` can do what `staff` can. */
export const STAFF_ROLES = ['staff', 'owner'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A signed-in member of staff, as App Service Authentication (or the local host) names them. */
export interface StaffUser {
  /** The Entra ID object id (oid) or the platform's principal id; `local-owner` on a local host. */
  id: string;
  name: string;
  roles: string[];
}

/** Who `npm start` signs in when a request carries no principal (CONSOLE_LOCAL_OWNER=true). */
export const LOCAL_OWNER: StaffUser = { id: 'local-owner', name: 'Local owner', roles: ['owner'] };

export function isStaff(user: StaffUser): boolean {
  return user.roles.some((role) => (STAFF_ROLES as readonly string[]).includes(role));
}

/** The role an audit row records: the strongest the user holds. */
export function staffRole(user: StaffUser): StaffRole {
  return user.roles.includes('owner') ? 'owner' : 'staff';
}
