// Demo users with full credit data, for trying the product and for demos (`npm run db:seed`).
// Personas cover the cases the AI must explain: a clean file, high utilisation, a late paylater,
// a bad-debt (collectibility 5) history. The WhatsApp ones match the sandbox's default numbers.
import type { Database } from './database';
import { createUserRepository } from '../users/user-repository';
import { createCreditRepository } from '../credit/credit-repository';
import { generateDummyProfile } from '../credit/dummy-profile';

export const DEMO_USERS = [
  { id: 'whatsapp_6281234567890', channel: 'whatsapp' as const, name: 'Budi Santoso', phone: '6281234567890', riskiness: 0.05 },
  { id: 'whatsapp_6285712345678', channel: 'whatsapp' as const, name: 'Siti Rahmawati', phone: '6285712345678', riskiness: 0.55 },
  { id: 'whatsapp_6281398765432', channel: 'whatsapp' as const, name: 'Andi Wijaya', phone: '6281398765432', riskiness: 0.95 },
  { id: 'demo_dewi', channel: 'web' as const, name: 'Dewi Lestari', phone: null, riskiness: 0.3 },
  { id: 'demo_rizky', channel: 'web' as const, name: 'Rizky Pratama', phone: null, riskiness: 0.75 },
];

/**
 * Creates the personas' users and credit reports. A persona someone chatted as before seeding (the
 * sandbox pre-selects their numbers) got a random first-contact profile (is_dummy): that one is
 * replaced by the persona's report, in the same transaction. A persona's own report is kept.
 */
export async function seedDemoUsers(db: Database): Promise<{ created: string[]; replaced: string[]; existing: string[] }> {
  const users = createUserRepository({ db });
  const credit = createCreditRepository({ db });
  const created: string[] = [];
  const replaced: string[] = [];
  const existing: string[] = [];
  for (const u of DEMO_USERS) {
    await users.upsert({ id: u.id, channel: u.channel, displayName: u.name, phone: u.phone });
    const profile = generateDummyProfile(u.id, { riskiness: u.riskiness, provider: 'Pefindo Biro Kredit (demo data)' });
    const outcome = await db.transaction(async (tx) => {
      const dropped = await tx.query('DELETE FROM usercreditinsights WHERE user_id = $1 AND is_dummy RETURNING user_id', [u.id]);
      // Payments go with their accounts (ON DELETE CASCADE).
      if (dropped.rows.length) await tx.query('DELETE FROM usertradelinedata WHERE user_id = $1', [u.id]);
      const inserted = await credit.insertProfile(tx, u.id, profile, false);
      return inserted ? (dropped.rows.length ? 'replaced' : 'created') : 'existing';
    });
    ({ created, replaced, existing })[outcome].push(u.id);
  }
  return { created, replaced, existing };
}
