import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { openStore } from './index.js';
import { describeStoreContract } from './testing/contract.js';

let sqliteDir = '';
describeStoreContract('sqlite', {
  open: async () => {
    sqliteDir = mkdtempSync(join(tmpdir(), 'wh-store-'));
    return openStore({ kind: 'sqlite' }, sqliteDir);
  },
  reopen: async () => openStore({ kind: 'sqlite' }, sqliteDir),
});

const pgUrl = process.env.WHEELHOUSE_TEST_PG_URL;
if (!pgUrl) {
  describe('store contract: postgres', () => {
    it.skip('skipped: set WHEELHOUSE_TEST_PG_URL to run the contract against PostgreSQL', () => {});
  });
  console.log('skipped: store contract on postgres (WHEELHOUSE_TEST_PG_URL is not set)');
} else {
  // Each test gets its own database, created and dropped through the admin URL.
  const created: string[] = [];
  let current = '';
  const admin = new pg.Pool({ connectionString: pgUrl, max: 2 });
  const urlFor = (db: string): string => {
    const u = new URL(pgUrl);
    u.pathname = `/${db}`;
    return u.toString();
  };
  describeStoreContract('postgres', {
    open: async () => {
      current = `wh_contract_${process.pid}_${created.length}`;
      await admin.query(`DROP DATABASE IF EXISTS ${current}`);
      await admin.query(`CREATE DATABASE ${current}`);
      created.push(current);
      return openStore({ kind: 'postgres', url: urlFor(current) }, '');
    },
    reopen: async () => openStore({ kind: 'postgres', url: urlFor(current) }, ''),
  });
  // Dozens of databases: dropping them can take a while on a busy machine.
  afterAll(async () => {
    for (const db of created) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }, 300_000);
}
