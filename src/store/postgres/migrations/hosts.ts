/** PostgreSQL schema of the hosts area (versions 100–199). Never edit an applied entry: add a new one. */
import type { Migration } from '../../migration.js';

export const hostsMigrations: Migration[] = [];
