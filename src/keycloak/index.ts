/**
 * Keycloak administration (seed 000 "Keycloak Management"): users, temporary passwords and
 * group membership of one realm, through Keycloak's Admin REST API with a cached admin token.
 */
export { KeycloakAdmin, idFromLocation, type GroupChange, type KeycloakGroup, type KeycloakUser, type NewUser, type UserChanges, type UserQuery } from './admin.js';
export { segment, type KeycloakSettings } from './client.js';
export { KeycloakError, type KeycloakErrorCode } from './errors.js';
export { renewalMargin } from './token.js';
