// Small real PDFs for knowledge-base tests, written with pdfkit (the same library that renders
// the sample guide): text pages, an encrypted file, an image-only file, and a corrupt one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';

export const SAMPLE_PDF = path.resolve(__dirname, '../../knowledge/panduan-kredit-sehat.pdf');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `aicw-${prefix}-`));
}

export function writePdf(file: string, pages: string[], opts: { userPassword?: string; imageOnly?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ autoFirstPage: false, userPassword: opts.userPassword });
    const out = fs.createWriteStream(file);
    out.on('finish', () => resolve());
    out.on('error', reject);
    doc.pipe(out);
    for (const text of pages) {
      doc.addPage();
      if (opts.imageOnly) doc.rect(50, 50, 300, 200).fill('#336699'); // drawn shapes, no text layer
      else doc.fontSize(12).text(text);
    }
    doc.end();
  });
}
