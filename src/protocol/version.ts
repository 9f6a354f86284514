/**
 * Constants of the agent ↔ hub report protocol, in a file with no imports so the agent can
 * read them without loading the schema library.
 */

/** The report protocol version this build speaks (`version` of every report and batch). */
export const reportProtocolVersion = 1;

/** Most reports one request may carry (a replay after an outage is sent in batches of this size or fewer). */
export const maxReportsPerRequest = 500;

/** Most samples one report may carry. */
export const maxSamplesPerReport = 4000;

/** Samples stamped further ahead than this (by the agent's clock) are refused. */
export const maxFutureSkewMs = 3_600_000;

/** Host ids: what `wheelhouse hosts add` accepts, and the CN of a client certificate. */
export const hostIdPattern = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';
