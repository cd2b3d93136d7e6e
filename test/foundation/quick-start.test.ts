// The first minutes of a new user: the demo personas after chatting as one before `npm run db:seed`,
// and the sandbox's suggested `npm run simulate` command on another port.
import { createCreditRepository } from '../../src/credit/credit-repository';
import { generateDummyProfile } from '../../src/credit/dummy-profile';
import { createUserRepository } from '../../src/users/user-repository';
import { DEMO_USERS, seedDemoUsers } from '../../src/db/seed';
import { parseConfig } from '../../src/config';
import { createSandboxModule } from '../../src/whatsapp/sandbox/sandbox-module';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { captureLogs } from '../helpers/test-app';

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t.drop(); });

describe('npm run db:seed after chatting as a persona', () => {
  test('when a persona chatted before seeding (a random first-contact profile), then the seed replaces that profile with the persona\'s report, once', async () => {
    const budi = DEMO_USERS.find((u) => u.id === 'whatsapp_6281234567890')!;
    const credit = createCreditRepository({ db: t.db });
    await createUserRepository({ db: t.db }).upsert({ id: budi.id, channel: 'whatsapp', phone: budi.phone });
    expect(await credit.ensureDummyProfile(budi.id)).toBe(true); // what the sandbox's first message does
    const random = await credit.getReport(budi.id);
    expect(random.insights?.is_dummy).toBe(true);

    const first = await seedDemoUsers(t.db);
    expect(first.replaced).toEqual([budi.id]);
    expect(first.created).toHaveLength(DEMO_USERS.length - 1);
    const seeded = await credit.getReport(budi.id);
    const persona = generateDummyProfile(budi.id, { riskiness: budi.riskiness, provider: 'Pefindo Biro Kredit (demo data)' });
    expect(seeded.insights).toMatchObject({ is_dummy: false, credit_score: persona.insights.credit_score, score_provider: 'Pefindo Biro Kredit (demo data)' });
    expect(seeded.tradelines).toHaveLength(persona.tradelines.length); // nothing left of the random accounts
    expect(seeded.payments).toHaveLength(persona.tradelines.reduce((n, tl) => n + tl.payments.length, 0));

    const again = await seedDemoUsers(t.db);
    expect(again).toEqual({ created: [], replaced: [], existing: DEMO_USERS.map((u) => u.id) });
  });
});

describe('the sandbox\'s start-up line', () => {
  async function startLine(env: Record<string, string>, port: number): Promise<string> {
    const logs = captureLogs();
    const sandbox = createSandboxModule({ config: parseConfig({ NODE_ENV: 'test', ...env }), logger: logs.logger, db: t.db });
    sandbox.listening?.({ port });
    await sandbox.start?.();
    return String(logs.lines().find((l) => /WhatsApp sandbox on/.test(String(l.msg)))?.msg);
  }

  test('when the server runs on port 3000, then the suggested simulate command needs no --url', async () => {
    expect(await startLine({}, 3000)).toBe('🧪 WhatsApp sandbox on (no Meta account needed): open http://localhost:3000/sandbox or run: npm run simulate -- --from <phone> "halo"');
  });

  test('when the server runs on another port (PORT=3100 npm start), then the suggested simulate command carries --url', async () => {
    expect(await startLine({ PORT: '3100' }, 3100)).toBe(
      '🧪 WhatsApp sandbox on (no Meta account needed): open http://localhost:3100/sandbox or run: npm run simulate -- --url http://localhost:3100 --from <phone> "halo"');
  });
});
