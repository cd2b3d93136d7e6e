// Who a WhatsApp sender is, and the ways a number gets linked to an account. The rule, in order:
//   1. an explicit link (the person sent a code from the web chat, or an operator linked them);
//   2. a customer record the company loaded with that phone number;
//   3. the seed's whatsapp_<digits> user (with a generated demo profile only where allowed).
// Linking moves what the number said before into the account's history (one conversation) and
// deletes a demo profile generated for the number. Links and codes live in the database, so
// several instances behave as one.
import QRCode from 'qrcode';
import type { Database } from '../db/database';
import type { Logger } from '../shared/logger';
import { AppError } from '../shared/errors';
import { whatsappUserId, type UserRepository } from '../users/user-repository';
import { createIdentityRepository, type IdentityRepository, type LinkRow, type ResolvedSender } from './identity-repository';
import { displayCode, generateCode, hashCode, maskPhone, normalizePhone } from './link-code';
import { t } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';
import type { NoticeText } from '../whatsapp/notices';
import { createLinkCodeHandler, type LinkCodeHandler } from './link-code-handler';

export const CODE_TTL_MS = 10 * 60_000;

export interface WhatsAppSender { key: string; phone: string | null; bsuid: string | null }

export interface IdentityService extends LinkCodeHandler {
  /** The user a sender is answered as. */
  resolve(sender: WhatsAppSender): Promise<ResolvedSender>;
  /** Moves a number's earlier conversation into the account it now resolves to. */
  adopt(fromUserId: string, toUserId: string): Promise<void>;
  requestCode(userId: string, lang: Lang): Promise<{ code: string; text: string; url: string | null; qr: string | null; expiresAt: string }>;
  status(userId: string): Promise<{ linked: boolean; phone: string | null }>;
  unlinkUser(userId: string): Promise<boolean>;
  operatorLink(phone: string, userId: string): Promise<{ phone: string; userId: string; changed: boolean }>;
  operatorGet(phone: string): Promise<{ phone: string; link: LinkRow | null; resolvesTo: ResolvedSender }>;
  operatorUnlink(phone: string): Promise<{ phone: string; userId: string }>;
}

export interface IdentityDeps {
  db: Database;
  users: UserRepository;
  logger: Logger;
  clock?: () => number;
  /** The business's WhatsApp number as people dial it (wa.me links); null = unknown. */
  displayPhone: string | null;
  /** Sends a one-line notice to a WhatsApp recipient; best effort (the channel may be off). */
  notify(recipient: string, text: NoticeText): Promise<void>;
}

export function createIdentityService(deps: IdentityDeps): IdentityService {
  const { db, users } = deps;
  const repo: IdentityRepository = createIdentityRepository({ db });
  const now = deps.clock ?? Date.now;
  const log = deps.logger.child({ module: 'identity' });
  const notify = (link: { phone: string | null; bsuid: string | null } | null, text: NoticeText) => {
    const to = link?.phone ?? link?.bsuid;
    if (!to) return;
    deps.notify(to, text).catch((err) => log.warn({ err: { message: (err as Error).message } }, 'could not send the link notice to the WhatsApp number'));
  };
  const codes = createLinkCodeHandler({ db, repo, users, logger: log, clock: now, notify });

  async function phoneOrFail(raw: string): Promise<string> {
    const phone = normalizePhone(raw);
    if (!phone) throw new AppError('invalid-phone', 400, 'The phone number must be 7 to 15 digits, international form (e.g. 6281234567890)');
    return phone;
  }

  return {
    ...codes,
    async resolve(sender) {
      return (await repo.resolve(sender.phone, sender.bsuid)) ?? { userId: sender.key, source: 'number' };
    },
    async adopt(fromUserId, toUserId) {
      const r = await repo.adopt(fromUserId, toUserId);
      if (r.moved || r.dummyDeleted) log.info({ from: fromUserId, to: toUserId, moved: r.moved, dummyDeleted: r.dummyDeleted }, 'WhatsApp conversation moved to the linked account');
    },
    async requestCode(userId, lang) {
      const code = generateCode();
      const expiresAt = new Date(now() + CODE_TTL_MS);
      await repo.saveCode(userId, hashCode(code), lang, expiresAt);
      const text = t(lang, 'bot.linkCode', { code: displayCode(code) });
      const url = deps.displayPhone ? `https://wa.me/${deps.displayPhone}?text=${encodeURIComponent(text)}` : null;
      // A phone camera opens WhatsApp with the text filled in: the easiest path from a desktop browser.
      const qr = url ? `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(url, { type: 'svg', margin: 1 })).toString('base64')}` : null;
      log.info({ userId }, 'WhatsApp link code created');
      return { code: displayCode(code), text, url, qr, expiresAt: expiresAt.toISOString() };
    },
    async status(userId) {
      const link = await repo.linkOfUser(userId);
      return { linked: Boolean(link), phone: maskPhone(link?.phone) };
    },
    async unlinkUser(userId) {
      const link = await repo.deleteLinkOfUser(userId);
      if (!link) return false;
      log.info({ userId, by: 'customer' }, 'WhatsApp number unlinked');
      notify(link, (l: Lang) => t(l, 'bot.noticeUnlinked'));
      return true;
    },
    async operatorLink(rawPhone, userId) {
      const phone = await phoneOrFail(rawPhone);
      if (typeof userId !== 'string' || !userId.trim()) throw new AppError('invalid-user-id', 400, 'Send { "userId": "<existing user id>" }');
      if (userId.startsWith('whatsapp_')) throw new AppError('invalid-user-id', 400, 'Link a number to a customer or web account, not to another WhatsApp number');
      if (!(await users.get(userId))) throw new AppError('unknown-user', 404, `No user with id ${userId}`);
      const result = await db.transaction(async (tx) => {
        const existing = await repo.linkOfSender(phone, null, tx, true);
        if (existing && existing.user_id !== userId) {
          throw new AppError('already-linked', 409, 'This number is linked to another account; unlink it first (DELETE /api/whatsapp/links/{phone})');
        }
        if (existing) return { changed: false, previous: null };
        const previous = await repo.deleteLinkOfUser(userId, tx);
        await repo.insertLink(tx, { userId, phone, bsuid: null, linkedBy: 'operator', at: new Date(now()) });
        await repo.adopt(whatsappUserId({ phone }), userId, tx);
        return { changed: true, previous };
      }).catch((err) => {
        if ((err as { code?: string }).code === '23505') throw new AppError('already-linked', 409, 'This number is linked to another account; unlink it first');
        throw err;
      });
      if (result.changed) {
        log.info({ userId, by: 'operator' }, 'WhatsApp number linked');
        notify({ phone, bsuid: null }, (l: Lang) => t(l, 'bot.noticeLinked'));
        if (result.previous && result.previous.phone !== phone) notify(result.previous, (l: Lang) => t(l, 'bot.noticeUnlinked'));
      }
      return { phone, userId, changed: result.changed };
    },
    async operatorGet(rawPhone) {
      const phone = await phoneOrFail(rawPhone);
      const link = await repo.linkOfSender(phone, null);
      const key = whatsappUserId({ phone });
      const resolvesTo = (await repo.resolve(phone, null)) ?? { userId: key, source: 'number' as const };
      return { phone, link: link && link.phone === phone ? link : null, resolvesTo };
    },
    async operatorUnlink(rawPhone) {
      const phone = await phoneOrFail(rawPhone);
      const link = await repo.linkOfSender(phone, null);
      if (!link || link.phone !== phone) throw new AppError('not-linked', 404, 'This number is not linked to any account');
      await repo.deleteLinkOfUser(link.user_id);
      log.info({ userId: link.user_id, by: 'operator' }, 'WhatsApp number unlinked');
      notify(link, (l: Lang) => t(l, 'bot.noticeUnlinked'));
      return { phone, userId: link.user_id };
    },
  };
}
