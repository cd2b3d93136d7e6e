// `npm install` runs this (via prepare): creates and migrates the embedded database ahead of time,
// because Postgres initdb takes seconds and the first `npm start` should not.
import { loadConfig } from '../config';
import { createEmbeddedDatabase } from './database';
import { lockEmbeddedDir } from './embedded-lock';
import { migrate } from './migrator';

async function main() {
  let config;
  try { config = loadConfig(); } catch { return; } // a broken .env is reported by npm start, not by install
  if (config.database.url) return;
  let unlock: () => void;
  try { unlock = lockEmbeddedDir(config.database.embeddedDir); } catch { return; } // a server is running on it
  try {
    const db = await createEmbeddedDatabase({ dataDir: config.database.embeddedDir });
    await migrate(db);
    await db.close();
    console.log(`embedded database ready in ${config.database.embeddedDir}`);
  } finally { unlock(); }
}

main().catch((err) => { console.warn(`(embedded database not prepared: ${(err as Error).message})`); });
