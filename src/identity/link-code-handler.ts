// A WhatsApp batch's messages that carry a link code: link the sender, answer with a fixed text,
// and keep those messages out of the AI turn (no model call for a code). Guessing is limited per
// number: after MAX_FAILURES wrong codes in an hour, code-like messages are dropped without answer.
import type { Database } from '../db/database';
import type { Logger } from '../shared/logger';
import type { UserRepository } from '../users/user-repository';
import type { IdentityRepository, LinkRow } from './identity-repository';
import { findCodeCandidates, hashCode, looksLikeLinkAttempt } from './link-code';
import { translator } from '../i18n/catalogue';
import type { Lang } from '../i18n/lang';
import type { NoticeText } from '../whatsapp/notices';

export const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 60 * 60_000;

export interface LinkBatchOutcome {
  /** Fixed answers (confirmation or refusal), in order; sent before any AI answer. */
  replies: string[];
  /** Indexes of the messages left for the AI turn. */
  remaining: number[];
  /** The account the sender was linked to by this batch. */
  linkedTo?: string;
}

export interface LinkCodeHandler {
  /** `lang`: the sender's language (their latest messages), for answers not tied to a code's language. */
  handleLinkCodes(sender: { key: string; phone: string | null; bsuid: string | null }, texts: string[], lang?: Lang): Promise<LinkBatchOutcome>;
}

type Attempt =
  | { kind: 'linked'; userId: string; lang: Lang; previous: LinkRow | null }
  | { kind: 'already' | 'taken'; lang: Lang }
  | { kind: 'invalid' };

class Refused extends Error { constructor(readonly attempt: Attempt) { super(attempt.kind); } }

export function createLinkCodeHandler(deps: {
  db: Database; repo: IdentityRepository; users: UserRepository; logger: Logger; clock: () => number;
  notify(link: { phone: string | null; bsuid: string | null } | null, text: NoticeText): void;
}): LinkCodeHandler {
  const { db, repo } = deps;

  async function tryLink(sender: { key: string; phone: string | null; bsuid: string | null }, candidates: string[]): Promise<Attempt> {
    try {
      return await db.transaction(async (tx): Promise<Attempt> => {
        // DELETE … RETURNING: of two numbers sending the same code at once, exactly one gets the row.
        const code = await repo.takeCode(tx, candidates.map(hashCode));
        if (!code) return { kind: 'invalid' };
        if (new Date(code.expires_at).getTime() < deps.clock()) return { kind: 'invalid' }; // used up all the same
        const existing = await repo.linkOfSender(sender.phone, sender.bsuid, tx, true);
        // Refused: rolled back, so the code stays usable from the right number.
        if (existing && existing.user_id !== code.user_id) throw new Refused({ kind: 'taken', lang: code.language });
        if (existing) return { kind: 'already', lang: code.language };
        const previous = await repo.deleteLinkOfUser(code.user_id, tx);
        await repo.insertLink(tx, { userId: code.user_id, phone: sender.phone, bsuid: sender.bsuid, linkedBy: 'code', at: new Date(deps.clock()) });
        await repo.adopt(sender.key, code.user_id, tx);
        return { kind: 'linked', userId: code.user_id, lang: code.language, previous };
      });
    } catch (err) {
      if (err instanceof Refused) return err.attempt;
      const pgCode = (err as { code?: string }).code;
      if (pgCode === '23505') return { kind: 'taken', lang: 'id' }; // linked elsewhere at the same moment
      if (pgCode === '23503') return { kind: 'invalid' }; // the account was deleted meanwhile
      throw err;
    }
  }

  return {
    async handleLinkCodes(sender, texts, lang) {
      const out: LinkBatchOutcome = { replies: [], remaining: [] };
      let failures: number | null = null;
      for (let i = 0; i < texts.length; i++) {
        const candidates = findCodeCandidates(texts[i]);
        if (!candidates.length) { out.remaining.push(i); continue; }
        const intended = looksLikeLinkAttempt(texts[i]);
        failures ??= await repo.failures(sender.key, deps.clock() - FAILURE_WINDOW_MS);
        if (failures >= MAX_FAILURES) {
          if (!intended) out.remaining.push(i);
          else deps.logger.warn({ conversation: sender.key }, 'link code ignored: too many wrong codes from this number in the last hour');
          continue;
        }
        const attempt = await tryLink(sender, candidates);
        // A code's answers are in the language of the page that made it (the message the person sent is that page's text).
        const t = translator(attempt.kind === 'invalid' ? lang ?? guessLang(texts[i]) : attempt.lang);
        if (attempt.kind === 'linked') {
          const user = await deps.users.get(attempt.userId);
          out.replies.push(user?.display_name ? t('bot.linkedNamed', { name: user.display_name }) : t('bot.linked'));
          out.linkedTo = attempt.userId;
          deps.logger.info({ userId: attempt.userId, by: 'code' }, 'WhatsApp number linked');
          if (attempt.previous && attempt.previous.phone !== sender.phone) deps.notify(attempt.previous, (l) => translator(l)('bot.noticeUnlinked'));
        } else if (attempt.kind === 'already') {
          out.replies.push(t('bot.alreadyLinked'));
        } else if (attempt.kind === 'taken') {
          out.replies.push(t('bot.linkTaken'));
        } else if (!intended) {
          out.remaining.push(i); // an ordinary message that happens to hold a code-like word
        } else if (await linkedJustNow(sender)) {
          // The same code again (or this batch resumed after a crash that followed the link).
          out.replies.push(t('bot.alreadyLinked'));
        } else {
          await repo.recordFailure(sender.key, deps.clock(), FAILURE_WINDOW_MS);
          failures += 1;
          out.replies.push(t('bot.linkInvalid'));
        }
      }
      return out;
    },
  };

  async function linkedJustNow(sender: { phone: string | null; bsuid: string | null }): Promise<boolean> {
    const link = await repo.linkOfSender(sender.phone, sender.bsuid);
    return Boolean(link && link.linked_by === 'code' && deps.clock() - new Date(link.created_at).getTime() < 15 * 60_000);
  }
}

function guessLang(text: string): Lang {
  return /\b(code|link|my|the|please)\b/i.test(text) && !/\b(kode|saya|tolong|hubungkan)\b/i.test(text) ? 'en' : 'id';
}
