/** SQLite schema of the alerts area (versions 300–399). Never edit an applied entry: add a new one. */
import type { Migration } from '../../migration.js';

export const alertsMigrations: Migration[] = [];
