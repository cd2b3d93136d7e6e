// `npm run kb:build`: renders the sample knowledge base (knowledge/source/*.md) to PDF in knowledge/.
// Source format: each "# Title" starts a new page; blank lines separate paragraphs; "- " and "1. "
// lines are list items. The output is deterministic (fixed dates) so a rebuild without text
// changes gives the same file and the same content hash (the KB cache key).
const fs = require('node:fs');
const path = require('node:path');
const PDFDocument = require('pdfkit');

const root = path.resolve(__dirname, '..');
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

/** Renders pages [{ title, blocks: string[] }] to `outFile`. Exported for the benchmark's filler. */
function renderPdf(pages, outFile, title) {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, autoFirstPage: false,
      info: { Title: title, Author: 'ai-chat-whatsapp', CreationDate: FIXED_DATE, ModDate: FIXED_DATE } });
    const out = fs.createWriteStream(outFile);
    out.on('finish', resolve);
    out.on('error', reject);
    doc.pipe(out);
    pages.forEach((page, i) => {
      doc.addPage();
      doc.font('Helvetica-Bold').fontSize(16).text(page.title, { paragraphGap: 10 });
      doc.font('Helvetica').fontSize(10.5);
      for (const block of page.blocks) {
        const item = /^(- |\d+\. )/.test(block);
        doc.text(item ? block.replace(/^- /, '• ') : block, { indent: item ? 12 : 0, paragraphGap: item ? 3 : 8, align: 'left' });
      }
      // Footer with the page number: it is what the AI cites ("halaman 6").
      doc.fontSize(8).text(`halaman ${i + 1}`, 56, doc.page.height - 40, { lineBreak: false });
    });
    doc.end();
  });
}

function parseSource(text) {
  const pages = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# ')) { pages.push({ title: line.slice(2).trim(), blocks: [] }); continue; }
    if (!pages.length) continue;
    const blocks = pages[pages.length - 1].blocks;
    if (!line.trim()) { blocks.push(''); continue; }
    const isItem = /^(- |\d+\. )/.test(line);
    if (isItem || !blocks.length || blocks[blocks.length - 1] === '') blocks.push(line.trim());
    else blocks[blocks.length - 1] += ` ${line.trim()}`;
  }
  for (const p of pages) p.blocks = p.blocks.filter(Boolean);
  return pages;
}

async function main() {
  const srcDir = path.join(root, 'knowledge', 'source');
  for (const f of fs.readdirSync(srcDir).filter((n) => n.endsWith('.md'))) {
    const pages = parseSource(fs.readFileSync(path.join(srcDir, f), 'utf8'));
    const outFile = path.join(root, 'knowledge', f.replace(/\.md$/, '.pdf'));
    await renderPdf(pages, outFile, pages[0]?.title ?? f);
    console.log(`${path.relative(root, outFile)}: ${pages.length} pages`);
  }
}

module.exports = { renderPdf, parseSource };
if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
