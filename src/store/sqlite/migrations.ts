/**
 * sqlite schema, assembled from one file per area so areas evolve independently. Each
 * area owns a version range; migrations apply in version order. Never edit an applied
 * entry: add a new one. (Logs and metrics live in files of their own, logs.db and
 * metrics.db, each with its own migrations.)
 */
import type { Migration } from '../migration.js';
import { alertsMigrations } from './migrations/alerts.js';
import { authMigrations } from './migrations/auth.js';
import { coreMigrations } from './migrations/core.js';
import { hostsMigrations } from './migrations/hosts.js';

export const sqliteMigrations: Migration[] = [...coreMigrations, ...hostsMigrations, ...alertsMigrations, ...authMigrations].sort((a, b) => a.version - b.version);
