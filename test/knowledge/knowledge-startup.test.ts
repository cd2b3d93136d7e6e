// The knowledge base in a real server process: loaded in the background after listen, and
// served from the disk cache on the next start.
import path from 'node:path';
import { spawnServer } from '../helpers/server-process';
import { SAMPLE_PDF, tempDir } from '../helpers/kb-fixtures';

// Real server processes: a start can take 40 s on a loaded machine.
jest.setTimeout(120_000);

async function waitFor(output: () => string, re: RegExp, ms = 20_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = re.exec(output());
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`not seen: ${re}\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('knowledge base at server start', () => {
  test('when the server starts, then it listens first, loads the PDFs in the background, and the next start reads the cache', async () => {
    const env = { KNOWLEDGE_DIR: path.dirname(SAMPLE_PDF), KB_CACHE_DIR: tempDir('cache') };
    const first = await spawnServer({ env });
    try {
      const out = first.output;
      await waitFor(out, /Knowledge base loaded: 1 file\(s\), 18 pages/);
      expect(out().indexOf('listening on')).toBeLessThan(out().indexOf('Knowledge base loaded'));
      expect(out()).toMatch(/"cached":0/);
    } finally { await first.stop(); }
    const second = await spawnServer({ env });
    try {
      await waitFor(second.output, /Knowledge base loaded: 1 file\(s\), 18 pages/);
      expect(second.output()).toMatch(/"cached":1/);
    } finally { await second.stop(); }
  });
});
