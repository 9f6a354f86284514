/** PostgreSQL schema of the metrics area (versions 200–299). Never edit an applied entry: add a new one. */
import type { Migration } from '../../migration.js';

export const metricsMigrations: Migration[] = [];
