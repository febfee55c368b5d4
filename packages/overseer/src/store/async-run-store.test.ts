import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { sqliteRunStore } from './async-run-store.ts';
import { runStoreContract } from './run-store-contract-fixture.ts';
import { RunStore } from './run-store.ts';

const directory = mkdtempSync(join(tmpdir(), 'overseer-contract-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

runStoreContract({ open: async () => sqliteRunStore(RunStore.open(directory)) });
