// The webhook's work after the signature check: parse, store everything in one statement, and
// hand the due times to the batch timers. Nothing here waits for the buffer, the AI or Graph.
import type { Database } from '../db/database';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../metrics/metrics';
import type { BatchService } from './batch-service';
import { createCorrectionsRepository } from './corrections-repository';
import { createGroupCommitter } from './group-commit';
import { conversationKey } from './session-service';
import type { Due, MessageBuffer } from './message-buffer';
import { parseWebhook, type InboundMessage, type StatusEvent } from './parse-webhook';
import type { BufferWindow } from './buffer-window';
import type { ReadReceipts } from './read-receipts';

export interface ReceiveResult { afterResponse(): void }

export interface InboundService {
  /** Throws when the database cannot store the messages (the router answers 5xx so Meta re-delivers). */
  receive(payload: unknown): Promise<ReceiveResult>;
}

const NO_DUE: ReadonlyMap<string, Due> = new Map();

export function createInboundService(deps: {
  db: Database; buffer: MessageBuffer; batches: BatchService | null; logger: Logger; clock: () => number; phoneNumberId: string;
  /** WHATSAPP_BUFFER_MS, or per message with WHATSAPP_BUFFER_MIN_MS (buffer-window.ts). */
  windowMs: number | BufferWindow;
  metrics?: Pick<Metrics, 'messagesStored'>;
  /** Marks messages read as they arrive (blue ticks during the window). */
  readReceipts?: ReadReceipts;
}): InboundService {
  const log = deps.logger.child({ module: 'whatsapp-webhook' });
  // Concurrent webhooks share one INSERT (and one commit): see group-commit.ts. One statement in
  // flight per process: the groups get twice as large under load, which costs the database less per
  // message than two half-size statements side by side (ingest benchmark: 93 % -> 97-105 % of plain
  // Express's throughput); an idle server still writes each webhook at once.
  const corrections = createCorrectionsRepository(deps.db);
  const writer = createGroupCommitter(async (items: { messages: InboundMessage[]; statuses: StatusEvent[] }[]) => {
    const messages = items.flatMap((i) => i.messages);
    const [ingest] = await Promise.all([
      deps.buffer.ingest(messages, deps.clock(), deps.windowMs),
      deps.buffer.recordStatuses(items.flatMap((i) => i.statuses)),
    ]);
    deps.metrics?.messagesStored.inc(ingest.stored);
    // After the insert: an edit or deletion may arrive in the same webhook as its original.
    if (messages.some((m) => m.replaces)) await corrections.apply(messages);
    // Keyed once per group: each webhook then looks up only its own conversations.
    return new Map(ingest.due.map((d) => [d.key, d]));
  }, { maxInFlight: 1 });
  return {
    async receive(payload) {
      const now = deps.clock();
      const parsed = parseWebhook(payload, new Date(now));
      // Events addressed to another business number of the same app are not ours to answer.
      const ours = <T extends { phoneNumberId: string | null }>(e: T) => e.phoneNumberId === null || e.phoneNumberId === deps.phoneNumberId;
      const accepted = parsed.messages.filter(ours);
      const statuses = parsed.statuses.filter(ours);
      const foreign = parsed.messages.length - accepted.length + parsed.statuses.length - statuses.length;
      const due = accepted.length || statuses.length ? await writer.submit({ messages: accepted, statuses }) : NO_DUE;
      return {
        afterResponse() {
          const keys = accepted.map((m) => conversationKey(m));
          const mine: Due[] = [];
          for (const k of new Set(keys)) { const d = due.get(k); if (d) mine.push(d); }
          deps.batches?.schedule(mine);
          deps.batches?.prepareUsers(accepted.flatMap((m, i) => (m.startsTurn ? [{ key: keys[i], phone: m.phone, bsuid: m.bsuid, profileName: m.profileName }] : [])));
          deps.batches?.prepareMedia(accepted.filter((m) => m.startsTurn).map((m) => ({ wamid: m.wamid, type: m.type, content: m.content, raw: m.raw })));
          if (deps.readReceipts) accepted.forEach((m, i) => { if (m.startsTurn) deps.readReceipts!.seen(keys[i], m.wamid, m.timestamp); });
          const perSender = new Map<string, number>();
          for (const m of accepted) { const k = m.phone ?? m.bsuid ?? '?'; perSender.set(k, (perSender.get(k) ?? 0) + 1); }
          for (const [sender, n] of perSender) log.info({ count: n }, `📱 Received ${n} messages from ${sender}`);
          for (const s of statuses) {
            if (s.status === 'failed') {
              const e = s.errors[0];
              // The customer's side (blocked, not on WhatsApp, experiment): a warning, counted on the status endpoint.
              const code = e?.code ?? e?.codeText ?? 'unknown';
              log.warn({ wamid: s.wamid, code, title: e?.title, recipient: s.recipient }, `⚠️ WhatsApp could not deliver a message: error ${code} ${e?.title ?? ''}`.trim());
            } else log.debug({ wamid: s.wamid, status: s.status }, 'status callback');
          }
          for (const e of parsed.errors) log.error({ code: e.code, title: e.title, detail: e.message }, `❌ WhatsApp reported error ${e.code ?? 'unknown'}: ${e.title ?? ''}`.trim());
          if (foreign) log.warn({ count: foreign }, 'ignored events addressed to another phone_number_id (not META_PHONE_NUMBER_ID)');
          for (const i of parsed.ignored) log.warn({ reason: i.reason, wamid: i.wamid }, 'ignored part of a webhook payload');
        },
      };
    },
  };
}
