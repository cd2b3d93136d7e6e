// The embedded engine is single-process: two servers on one data directory would corrupt it.
// A pid lock file turns that into a clear message at boot.
import fs from 'node:fs';
import path from 'node:path';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

export function lockEmbeddedDir(dir: string): () => void {
  const abs = path.resolve(dir);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const lock = `${abs}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => { try { if (fs.readFileSync(lock, 'utf8') === String(process.pid)) fs.unlinkSync(lock); } catch { /* gone */ } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lock, 'utf8'));
      if (holder && holder !== process.pid && alive(holder)) {
        throw new Error(`The embedded database in ${abs} is in use by process ${holder}. ` +
          'Stop that process, or set DATABASE_URL to a PostgreSQL server to run several instances.');
      }
      fs.unlinkSync(lock); // stale lock from a killed process
    }
  }
  throw new Error(`could not lock ${abs}`);
}
