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

  test("when a payment row names another user's account, then the database refuses it; when a user is deleted, then their accounts and payments go too", async () => {
    // The AI reads payments by user_id: a row under one user pointing at another user's account
    // would put that account's history in the wrong report.
    const users = createUserRepository({ db: database.db });
    const credit = createCreditRepository({ db: database.db });
    const [a, b] = ['whatsapp_6281277770011', 'whatsapp_6281277770012'];
    for (const id of [a, b]) { await users.upsert({ id, channel: 'whatsapp', phone: id.slice(9) }); await credit.ensureDummyProfile(id); }
    const accountOfB = (await credit.getReport(b)).tradelines[0].id;
    await expect(database.db.query(
      `INSERT INTO userpaymenthistory (user_id, tradeline_id, period_month, payment_status) VALUES ($1, $2, '2020-01-01', 'on_time')`,
      [a, accountOfB])).rejects.toThrow(/foreign key/);
    await database.db.query('DELETE FROM users WHERE id = $1', [b]);
    const left = await database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM userpaymenthistory WHERE user_id = $1', [b]);
    expect(left.rows[0].n).toBe(0);
    expect((await credit.getReport(a)).payments.length).toBeGreaterThan(0);
  });
});
