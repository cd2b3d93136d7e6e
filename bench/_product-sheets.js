// Product sheets for the retrieval benchmark: near-miss pages that share the guide's credit
// vocabulary (bunga, tenor, denda keterlambatan, SLIK, kolektibilitas, pengajuan, pelunasan...),
// like a lender's catalogue would. Deterministic text, so every run measures the same corpus.
const PRODUCTS = [
  { file: 'katalog-kpr', name: 'KPR Griya Sejahtera', kind: 'KPR', tenor: '5 sampai 25 tahun', rate: '7,5 persen fixed 3 tahun', limit: 'Rp2 miliar', collateral: 'rumah yang dibeli (sertifikat SHM/SHGB)' },
  { file: 'katalog-kartu-kredit', name: 'Kartu Kredit Platinum', kind: 'kartu kredit', tenor: 'bergulir', rate: '1,75 persen per bulan', limit: 'Rp50 juta', collateral: 'tanpa agunan' },
  { file: 'katalog-kta', name: 'KTA Kilat', kind: 'KTA', tenor: '12 sampai 60 bulan', rate: '1,2 persen flat per bulan', limit: 'Rp300 juta', collateral: 'tanpa agunan' },
  { file: 'katalog-paylater', name: 'Paylater Belanja', kind: 'paylater', tenor: '1, 3, 6, atau 12 bulan', rate: '2,5 persen per bulan', limit: 'Rp20 juta', collateral: 'tanpa agunan' },
  { file: 'katalog-multiguna', name: 'Pinjaman Multiguna Plus', kind: 'kredit multiguna', tenor: '12 sampai 84 bulan', rate: '0,9 persen flat per bulan', limit: 'Rp1 miliar', collateral: 'BPKB kendaraan atau sertifikat rumah' },
  { file: 'katalog-kkb', name: 'Kredit Kendaraan Bermotor Lancar', kind: 'KKB', tenor: '12 sampai 72 bulan', rate: '4,5 persen flat per tahun', limit: 'Rp800 juta', collateral: 'kendaraan yang dibeli (BPKB)' },
];

const SECTIONS = [
  (p) => ({ title: `${p.name}: ringkasan produk`, blocks: [
    `${p.name} adalah produk ${p.kind} dari bank kami untuk nasabah perorangan. Limit kredit hingga ${p.limit} dengan tenor ${p.tenor} dan suku bunga mulai ${p.rate}.`,
    `Agunan: ${p.collateral}. Cicilan dibayar setiap bulan melalui autodebet rekening tabungan atau transfer ke rekening virtual.`,
    `Keunggulan: proses pengajuan cepat, persetujuan dalam 3 hari kerja, dan pelunasan dapat dilakukan kapan saja.`] }),
  (p) => ({ title: `${p.name}: syarat pengajuan`, blocks: [
    `Syarat pengajuan ${p.kind}: WNI berusia 21 sampai 55 tahun, penghasilan minimal Rp5 juta per bulan, masa kerja minimal 1 tahun.`,
    `Dokumen: KTP, NPWP, slip gaji 3 bulan terakhir, rekening koran 3 bulan, dan kartu keluarga.`,
    `Bank memeriksa data SLIK OJK pemohon. Pemohon dengan kolektibilitas 3, 4, atau 5 pada fasilitas lain tidak dapat diproses. Skor kredit minimal yang kami terima adalah kategori Cukup.`] }),
  (p) => ({ title: `${p.name}: suku bunga dan biaya`, blocks: [
    `Suku bunga ${p.rate}. Biaya provisi 1 persen dari plafon, biaya administrasi Rp500.000, dan asuransi jiwa kredit sesuai tenor.`,
    `Denda keterlambatan pembayaran cicilan sebesar 0,5 persen per hari dari angsuran yang tertunggak, paling banyak Rp250.000 per bulan.`,
    `Bunga dihitung dari baki debet. Perubahan bunga diberitahukan 30 hari sebelumnya.`] }),
  (p) => ({ title: `${p.name}: pembayaran dan keterlambatan`, blocks: [
    `Angsuran jatuh tempo setiap tanggal yang sama setiap bulan. Pembayaran dapat melalui autodebet, mobile banking, ATM, atau teller cabang.`,
    `Keterlambatan pembayaran dikenai denda dan dilaporkan ke SLIK OJK sesuai jumlah hari tunggakan. Tunggakan lebih dari 90 hari dapat membuat fasilitas ditagih oleh tim penagihan.`,
    `Nasabah yang mengalami kesulitan membayar dapat menghubungi call center kami untuk konsultasi.`] }),
  (p) => ({ title: `${p.name}: pelunasan dipercepat`, blocks: [
    `Pelunasan dipercepat sebagian atau seluruhnya dapat diajukan di cabang. Penalti pelunasan dipercepat sebesar 2 persen dari sisa pokok untuk ${p.kind}.`,
    `Setelah lunas, bank menerbitkan surat keterangan lunas dalam 7 hari kerja dan memperbarui status fasilitas di SLIK pada periode pelaporan berikutnya.`,
    `Pengembalian agunan (jika ada) dilakukan setelah seluruh kewajiban selesai.`] }),
  (p) => ({ title: `${p.name}: simulasi cicilan`, blocks: [
    `Contoh simulasi: plafon Rp100.000.000, tenor 36 bulan, cicilan per bulan sekitar Rp3.200.000 termasuk bunga.`,
    `Rasio cicilan terhadap penghasilan maksimal 35 persen. Simulasi bersifat ilustrasi; angka final mengikuti hasil analisis kredit bank.`,
    `Kenaikan limit dapat diajukan setelah 12 bulan pembayaran lancar.`] }),
  (p) => ({ title: `${p.name}: layanan dan pengaduan`, blocks: [
    `Keluhan dan pengaduan nasabah ${p.name} dapat disampaikan melalui call center 24 jam, email, atau cabang terdekat. Nomor pengaduan diberikan untuk setiap laporan.`,
    `Pengaduan ditanggapi paling lama 10 hari kerja. Jika belum puas, nasabah dapat menghubungi OJK.`,
    `Bank tidak pernah meminta kode OTP, PIN, atau kata sandi melalui telepon atau pesan.`] }),
  (p) => ({ title: `${p.name}: syarat dan ketentuan umum`, blocks: [
    `Nasabah wajib memberitahukan perubahan data pribadi, pekerjaan, dan penghasilan. Bank berhak meninjau limit kredit secara berkala.`,
    `Fasilitas dapat ditutup oleh nasabah setelah seluruh tagihan dan kewajiban dilunasi. Status penutupan dilaporkan ke SLIK OJK.`,
    `Produk ini diawasi oleh Otoritas Jasa Keuangan. Syarat dan ketentuan dapat berubah sewaktu-waktu.`] }),
];

function productSheets() {
  return PRODUCTS.map((p) => ({ file: `${p.file}.pdf`, title: p.name, pages: SECTIONS.map((s) => s(p)) }));
}

module.exports = { productSheets };
