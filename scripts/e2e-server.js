// Starts the production build on a fresh embedded database for the browser tests, so every
// run begins from the seeded demo. Always builds first, so the tests see the current code.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'ramtavlan-e2e-'));
process.env.SEED_DEMO = 'true';
delete process.env.DATABASE_URL;
if (!process.env.E2E_SKIP_BUILD) process.argv.push('--build');
await import('./start.js');
