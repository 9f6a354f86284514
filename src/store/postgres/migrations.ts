/**
 * postgres schema, assembled from one file per area so areas evolve independently. Each
 * area owns a version range; migrations apply in version order. Never edit an applied
 * entry: add a new one.
 */
import type { Migration } from '../migration.js';
import { alertsMigrations } from './migrations/alerts.js';
import { authMigrations } from './migrations/auth.js';
import { coreMigrations } from './migrations/core.js';
import { hostsMigrations } from './migrations/hosts.js';
import { metricsMigrations } from './migrations/metrics.js';

export const postgresMigrations: Migration[] = [...coreMigrations, ...hostsMigrations, ...metricsMigrations, ...alertsMigrations, ...authMigrations].sort((a, b) => a.version - b.version);
