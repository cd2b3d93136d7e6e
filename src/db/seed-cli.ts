import { loadConfig } from '../config';
import { openDatabase } from './database';
import { lockEmbeddedDir } from './embedded-lock';
import { migrate } from './migrator';
import { seedDemoUsers } from './seed';

async function main() {
  const config = loadConfig();
  const unlock = config.database.url ? () => {} : lockEmbeddedDir(config.database.embeddedDir);
  const db = await openDatabase(config.database);
  try {
    await migrate(db);
    const r = await seedDemoUsers(db);
    console.log(`demo users created: ${r.created.join(', ') || 'none'}; already there: ${r.existing.join(', ') || 'none'}` +
      (r.replaced.length ? `; generated profile replaced by the persona's report: ${r.replaced.join(', ')}` : ''));
  } finally {
    await db.close();
    unlock();
  }
}

main().catch((err) => { console.error(`❌ seeding failed: ${(err as Error).message}`); process.exit(1); });
