import { createCreditRepository } from '../../src/credit/credit-repository';
import { loadCreditContext, summarizeCredit } from '../../src/credit/credit-summary';
import { generateDummyProfile } from '../../src/credit/dummy-profile';
import { createUserRepository } from '../../src/users/user-repository';
import { estimateTokens } from '../../src/knowledge/text-analyzer';
import { captureLogs } from '../helpers/test-app';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

describe('credit summary for the prompt', () => {
  let database: TestDatabase;
  const id = 'whatsapp_6281233334444';
  beforeAll(async () => {
    database = await createTestDatabase();
    await createUserRepository({ db: database.db }).upsert({ id, channel: 'whatsapp', phone: '6281233334444' });
    const profile = generateDummyProfile(id, { riskiness: 1, today: new Date('2026-11-15T00:00:00Z') });
    const credit = createCreditRepository({ db: database.db });
    await database.db.transaction((tx) => credit.insertProfile(tx, id, profile, true));
  });
  afterAll(async () => { await database.drop(); });

  test('when a user has a report, then the summary has score and band, utilisation, accounts, collectibility and dated late payments in a few hundred tokens', async () => {
    const report = await createCreditRepository({ db: database.db }).getReport(id);
    const text = summarizeCredit(report, 'id');
    const i = report.insights!;
    expect(text).toContain(`Skor: ${i.credit_score} (${i.score_band})`);
    expect(text).toContain(`Utilisasi kartu kredit/paylater: ${Number(i.utilization_pct)}%`);
    expect(text).toContain(`kolektibilitas terburuk: ${i.worst_collectibility}`);
    expect(text).toMatch(/DATA CONTOH untuk demo/);
    for (const t of report.tradelines.filter((x) => x.status === 'active')) expect(text).toContain(t.account_ref);
    expect(text).toMatch(/Keterlambatan 12 bulan terakhir \(\d+\):\n- 2026-\d\d .+: \d+ hari \(kol [2-5]\)/);
    expect(estimateTokens(text)).toBeLessThan(500);
    expect(summarizeCredit(report, 'en')).toMatch(/Score: \d+[\s\S]*Late payments, last 12 months/);
  });

  test('when the user has no rows or the database fails, then the context says so instead of inventing data', async () => {
    const logs = captureLogs();
    const credit = createCreditRepository({ db: database.db });
    expect(await loadCreditContext({ credit, logger: logs.logger }, 'whatsapp_6289999999999', 'en'))
      .toMatchObject({ status: 'none', userText: 'You have no credit data in our system yet.' });
    const dead = await createTestDatabase();
    await dead.db.close();
    const ctx = await loadCreditContext({ credit: createCreditRepository({ db: dead.db }), logger: logs.logger }, id, 'id');
    await dead.drop().catch(() => {});
    expect(ctx.status).toBe('unavailable');
    expect(ctx.text).toMatch(/tidak dapat diakses/);
    expect(logs.text()).toMatch(/Database belum selesai/);
  });
});
