// PDF → pages of text, with pdf-parse 2.x. Problems are turned into one short, stable reason
// (encrypted, not a PDF, no text) so the reload report can name the file and why it was skipped.
import type * as PdfParseModule from 'pdf-parse';

export interface PdfPage { num: number; text: string }

export class PdfLoadError extends Error {
  constructor(message: string) { super(message); this.name = 'PdfLoadError'; }
}

/** Parses in slices of this many pages so a large PDF can report progress between slices. */
const SLICE = 25;

export async function loadPdfPages(data: Uint8Array, opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<PdfPage[]> {
  // Loaded on first use: pdf.js is the heaviest import of the app and start-up must stay fast.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PDFParse } = require('pdf-parse') as typeof PdfParseModule;
  // pdf-parse takes ownership of (transfers) typed arrays: give it a copy.
  const parser = new PDFParse({ data: new Uint8Array(data), verbosity: 0 });
  try {
    const info = await parser.getInfo().catch((err: unknown) => { throw explain(err); });
    const total = info.total;
    const pages: PdfPage[] = [];
    for (let first = 1; first <= total; first += SLICE) {
      const last = Math.min(total, first + SLICE - 1);
      const result = await parser.getText({ first, last, pageJoiner: '' }).catch((err: unknown) => { throw explain(err); });
      for (const p of result.pages) pages.push({ num: p.num, text: p.text });
      opts.onProgress?.(last, total);
    }
    if (!pages.some((p) => p.text.trim().length > 0)) {
      throw new PdfLoadError('no extractable text (scanned or image-only PDF?)');
    }
    return pages.sort((a, b) => a.num - b.num);
  } finally {
    await parser.destroy().catch(() => {});
  }
}

function explain(err: unknown): Error {
  if (err instanceof PdfLoadError) return err;
  const name = (err as Error)?.name ?? '';
  const message = (err as Error)?.message ?? String(err);
  if (name === 'PasswordException') return new PdfLoadError('encrypted PDF (password required)');
  if (name === 'InvalidPDFException' || name === 'FormatError') return new PdfLoadError(`not a valid PDF (${message})`);
  return new PdfLoadError(`could not be read (${name ? `${name}: ` : ''}${message})`);
}
