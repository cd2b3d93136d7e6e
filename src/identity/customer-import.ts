// Loading the company's customers: one users row per customer (channel 'customer') with the phone
// number their WhatsApp messages come from. A WhatsApp sender with that number is then answered
// as that customer (identity rule 2). A number that already wrote in before the import keeps its
// conversation: it moves to the customer, and a demo profile generated for it is deleted.
import { parse } from 'csv-parse/sync';
import type { Database } from '../db/database';
import { whatsappUserId } from '../users/user-repository';
import { createIdentityRepository } from './identity-repository';
import { normalizePhone } from './link-code';

export interface CustomerRow { id: string; name: string | null; phone: string | null; email: string | null }
export interface ImportReport { imported: number; updated: number; conversationsMoved: number; errors: { line: number; message: string }[] }

/** Columns: id (required), name, phone, email; a header line names them, in any order. */
export function parseCustomersCsv(text: string): { rows: (CustomerRow & { line: number })[]; errors: ImportReport['errors'] } {
  const records = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true, info: true }) as
    { record: Record<string, string>; info: { lines: number } }[];
  const rows: (CustomerRow & { line: number })[] = [];
  const errors: ImportReport['errors'] = [];
  for (const { record: r, info } of records) {
    const line = info.lines;
    const id = (r.id ?? r.user_id ?? '').trim();
    if (!id) { errors.push({ line, message: 'id is empty' }); continue; }
    if (id.startsWith('whatsapp_')) { errors.push({ line, message: `id ${id}: whatsapp_… ids are the app's own; use the company's customer id` }); continue; }
    const rawPhone = (r.phone ?? r.phone_number ?? '').trim();
    const phone = rawPhone ? normalizePhone(rawPhone) : null;
    if (rawPhone && !phone) { errors.push({ line, message: `id ${id}: phone "${rawPhone}" is not 7 to 15 digits` }); continue; }
    rows.push({ line, id, name: (r.name ?? r.display_name ?? '').trim() || null, phone, email: (r.email ?? '').trim() || null });
  }
  return { rows, errors };
}

export async function importCustomers(db: Database, text: string): Promise<ImportReport> {
  const { rows, errors } = parseCustomersCsv(text);
  const identity = createIdentityRepository({ db });
  const report: ImportReport = { imported: 0, updated: 0, conversationsMoved: 0, errors };
  for (const row of rows) {
    try {
      await db.transaction(async (tx) => {
        const r = await tx.query<{ inserted: boolean }>(
          `INSERT INTO users (id, channel, display_name, phone, email) VALUES ($1, 'customer', $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET display_name = COALESCE(EXCLUDED.display_name, users.display_name),
             phone = EXCLUDED.phone, email = COALESCE(EXCLUDED.email, users.email)
           RETURNING (xmax = 0) AS inserted`, [row.id, row.name, row.phone, row.email]);
        if (r.rows[0].inserted) report.imported++; else report.updated++;
        // An explicit link outranks a company record: such a number's conversation stays where it is.
        if (row.phone && !(await identity.linkOfSender(row.phone, null, tx))) {
          report.conversationsMoved += (await identity.adopt(whatsappUserId({ phone: row.phone }), row.id, tx)).moved;
        }
      });
    } catch (err) {
      const clash = (err as { code?: string }).code === '23505';
      errors.push({ line: row.line, message: clash ? `id ${row.id}: phone ${row.phone} already belongs to another customer` : `id ${row.id}: ${(err as Error).message}` });
    }
  }
  return report;
}
