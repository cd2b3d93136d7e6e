import { createCreditRepository } from '../../src/credit/credit-repository';
import { collectibilityFromDpd, generateDummyProfile } from '../../src/credit/dummy-profile';
import { createUserRepository, whatsappUserId } from '../../src/users/user-repository';
import { DEMO_USERS, seedDemoUsers } from '../../src/db/seed';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t.drop(); });

describe('users and first-contact credit profiles', () => {
  test('when a WhatsApp number writes, then its user id is whatsapp_ followed by the digits only', () => {
    expect(whatsappUserId({ phone: '+62812345678' })).toBe('whatsapp_62812345678');
    expect(whatsappUserId({ phone: '', bsuid: 'user.9373ABC' })).toBe('whatsapp_bsuid_user.9373ABC');
    expect(() => whatsappUserId({ phone: '' })).toThrow();
  });

  test('when the same number is seen twice, then the dummy profile is the same and marked as dummy', () => {
    const a = generateDummyProfile('whatsapp_62812345678', { today: new Date('2026-11-01') });
    const b = generateDummyProfile('whatsapp_62812345678', { today: new Date('2026-11-01') });
    expect(a).toEqual(b);
    expect(a.insights.score_provider).toMatch(/DUMMY/);
    expect(a.tradelines.length).toBeGreaterThanOrEqual(2);
    for (const tl of a.tradelines) for (const p of tl.payments) expect(p.collectibility).toBe(collectibilityFromDpd(p.days_past_due));
  });

  test('when a new user is created twice at the same moment, then exactly one credit profile exists', async () => {
    const users = createUserRepository({ db: t.db });
    const credit = createCreditRepository({ db: t.db });
    const first = await users.upsert({ id: 'whatsapp_62811112222', channel: 'whatsapp', phone: '62811112222', displayName: 'Tes' });
    expect(first.created).toBe(true);
    expect((await users.upsert({ id: 'whatsapp_62811112222', channel: 'whatsapp', phone: '62811112222' })).created).toBe(false);
    const results = await Promise.all([credit.ensureDummyProfile('whatsapp_62811112222'), credit.ensureDummyProfile('whatsapp_62811112222')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const report = await credit.getReport('whatsapp_62811112222');
    expect(report.insights?.is_dummy).toBe(true);
    expect(typeof report.insights?.total_credit_limit).toBe('number');
    expect(report.tradelines.length).toBeGreaterThanOrEqual(2);
    expect(report.payments.every((p) => p.user_id === 'whatsapp_62811112222')).toBe(true);
  });

  test('when the demo seed runs twice, then every demo user has a full report and nothing is duplicated', async () => {
    const first = await seedDemoUsers(t.db);
    expect(first.created).toHaveLength(DEMO_USERS.length);
    const second = await seedDemoUsers(t.db);
    expect(second.existing).toHaveLength(DEMO_USERS.length);
    const credit = createCreditRepository({ db: t.db });
    const worst = await credit.getReport('whatsapp_6281398765432');
    const best = await credit.getReport('whatsapp_6281234567890');
    expect(worst.insights!.credit_score!).toBeLessThan(best.insights!.credit_score!);
    expect(best.insights?.is_dummy).toBe(false);
  });
});
