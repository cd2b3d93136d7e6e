// The credit tables through the repository, against the real database.
import { createCreditRepository } from '../../src/credit/credit-repository';
import { generateDummyProfile } from '../../src/credit/dummy-profile';
import { createUserRepository } from '../../src/users/user-repository';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

describe('credit repository', () => {
  let database: TestDatabase;
  beforeAll(async () => { database = await createTestDatabase(); });
  afterAll(async () => { await database.drop(); });

  test('when a first contact gets a dummy profile, then every generated account and each of its monthly payments is stored under that account, once', async () => {
    const users = createUserRepository({ db: database.db });
    const credit = createCreditRepository({ db: database.db });
    const ids = ['whatsapp_6281277770001', 'whatsapp_6281277770002'];
    for (const id of ids) await users.upsert({ id, channel: 'whatsapp', phone: id.slice(9) });
    // Concurrent first contacts of the same number: exactly one creates the profile.
    const created = await Promise.all([...ids, ...ids].map((id) => credit.ensureDummyProfile(id)));
    expect(created.filter(Boolean)).toHaveLength(2);
    for (const id of ids) {
      const want = generateDummyProfile(id);
      const report = await credit.getReport(id);
      expect(report.insights).toMatchObject({ credit_score: want.insights.credit_score, score_band: want.insights.score_band, is_dummy: true });
      expect(report.tradelines.map((t) => t.account_ref).sort()).toEqual(want.tradelines.map((t) => t.account_ref).sort());
      const refById = new Map(report.tradelines.map((t) => [t.id, t.account_ref]));
      const stored = report.payments.map((p) => `${refById.get(p.tradeline_id)} ${String(p.period_month instanceof Date ? p.period_month.toISOString().slice(0, 10) : p.period_month)} ${p.payment_status}`).sort();
      const expected = want.tradelines.flatMap((t) => t.payments.map((p) => `${t.account_ref} ${p.period_month} ${p.payment_status}`)).sort();
      expect(stored).toEqual(expected);
    }
  });
});
