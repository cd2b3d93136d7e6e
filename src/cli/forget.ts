// `npm run forget -- <userId|phone>`: erases one person everywhere (every table of
// src/privacy/registry.ts, and the chat log wherever it is stored) and prints the count per table.
// `npm run forget -- --tables` lists the tables that hold personal data. With the embedded
// database, stop the server first (one process at a time) or use DELETE /api/privacy/users/<id>.
import { loadConfig, type Config } from '../config';
import { createChatLogTransport } from '../chatlog/chatlog-module';
import { createPostgresChatLogTransport } from '../chatlog/chatlog-repository';
import { openDatabase, type Database } from '../db/database';
import { lockEmbeddedDir } from '../db/embedded-lock';
import { migrate } from '../db/migrator';
import { createPrivacyService } from '../privacy/privacy-service';
import { PERSONAL_DATA_TABLES } from '../privacy/registry';
import { createLogger, type Logger } from '../shared/logger';

const USAGE = 'Usage: npm run forget -- <userId | phone number>   (e.g. whatsapp_6281234567890, +6281234567890, google_1234)\n       npm run forget -- --tables';

export interface ForgetIo { out(line: string): void; err(line: string): void }

/** Returns the exit code: 0 erased (or nothing found), 1 failed, 2 usage. */
export async function runForget(argv: string[], deps: { config: Config; db: Database; logger: Logger; io: ForgetIo }): Promise<number> {
  const { io } = deps;
  if (argv.includes('--tables')) {
    for (const t of PERSONAL_DATA_TABLES) io.out(`${t.table.padEnd(24)} ${t.holds}${t.retention ? ` (kept ${t.retention.kind === 'expiry' ? 'until it expires' : `${deps.config.privacy.retentionDays} days`})` : ''}`);
    io.out(`${'chat_sessions/messages'.padEnd(24)} chat log (${deps.config.chatLog.enabled ? 'on' : 'off'})`);
    return 0;
  }
  const who = argv.filter((a) => !a.startsWith('--'));
  if (who.length !== 1 || argv.includes('--help')) { io.err(USAGE); return 2; }
  const chatLog = deps.config.chatLog.enabled
    ? createChatLogTransport(deps.config, deps.logger, deps.db)
    : createPostgresChatLogTransport({ db: deps.db });
  try {
    const service = createPrivacyService({ db: deps.db, logger: deps.logger, retentionDays: deps.config.privacy.retentionDays, chatLog });
    const r = await service.forget(who[0]);
    io.out(JSON.stringify(r, null, 2));
    io.out(r.total ? `🗑️ erased ${r.total} row(s) about ${who[0]}` : `nothing was stored about ${who[0]}`);
    return 0;
  } catch (err) {
    io.err(`❌ erasure failed: ${(err as Error).message} (nothing is half-deleted in the main database; run it again)`);
    return 1;
  } finally {
    await chatLog.close();
  }
}

async function main() {
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', format: 'pretty' });
  const unlock = config.database.url ? () => {} : lockEmbeddedDir(config.database.embeddedDir);
  const db = await openDatabase(config.database);
  let code = 1;
  try {
    await migrate(db);
    code = await runForget(process.argv.slice(2), { config, db, logger, io: { out: (l) => console.log(l), err: (l) => console.error(l) } });
  } finally {
    await db.close();
    unlock();
  }
  process.exit(code);
}

if (require.main === module) main().catch((err) => { console.error(`❌ ${(err as Error).message}`); process.exit(1); });
