// `npm run customers:import -- customers.csv`: loads the company's customers (id, name, phone,
// email) so their WhatsApp numbers are answered with their own credit data. Safe to run again:
// rows are updated by id. With the embedded database, stop the server first (it holds the files).
import fs from 'node:fs';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { lockEmbeddedDir } from '../db/embedded-lock';
import { migrate } from '../db/migrator';
import { importCustomers } from '../identity/customer-import';

const USAGE = 'Usage: npm run customers:import -- <file.csv>\n  columns (header line, any order): id (required), name, phone, email';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file || file === '--help') { console.log(USAGE); return file ? 0 : 2; }
  if (!fs.existsSync(file)) { console.error(`✗ ${file}: no such file\n${USAGE}`); return 2; }
  const config = loadConfig();
  const unlock = config.database.url ? () => {} : lockEmbeddedDir(config.database.embeddedDir);
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    const r = await importCustomers(db, fs.readFileSync(file, 'utf8'));
    console.log(`customers imported: ${r.imported}, updated: ${r.updated}, earlier WhatsApp messages moved to their customer: ${r.conversationsMoved}`);
    for (const e of r.errors) console.error(`✗ line ${e.line}: ${e.message}`);
    return r.errors.length ? 1 : 0;
  } finally {
    await db.close();
    unlock();
  }
}

main().then((code) => process.exit(code), (err) => { console.error(`❌ import failed: ${(err as Error).message}`); process.exit(1); });
