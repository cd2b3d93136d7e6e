// Every text a person reads, in Bahasa Indonesia: the catalogue the English one must match key for
// key (messages.en.ts is typed from this one, and test/i18n checks keys and {placeholders}).
// Namespaces: one per surface. Values are plain strings with {name} placeholders, so pages can be
// sent the namespaces they show as JSON.
export const ID = {
  common: {
    languageName: 'Bahasa Indonesia',
    switchTo: 'English',
    switchLabel: 'Bahasa',
  },
  errors: {
    notFound: 'Halaman atau alamat ini tidak ditemukan.',
    internal: 'Terjadi kesalahan di server kami. Silakan coba lagi sebentar lagi.',
  },
  bot: {
    // The model could not answer / cost limits (AI_MAX_INPUT_CHARS, AI_DAILY_TURNS_PER_USER, rate limits).
    busy: 'Maaf, AI admin kami sedang sibuk dan belum bisa menjawab sekarang. Silakan coba lagi beberapa saat lagi ya. 🙏',
    dailyLimit: 'Maaf, Anda sudah mencapai batas {max} pertanyaan untuk hari ini. Silakan lanjutkan besok ya. 🙏',
    messageCut: '✂️ Pesan Anda terlalu panjang, jadi hanya {max} karakter pertama yang saya baca.',
    rateLimit: '⏳ Pesan Anda terlalu cepat. AI admin hanya membaca {perMinute} pesan per menit; pesan lainnya kami simpan tetapi tidak dijawab. Tunggu sebentar, lalu kirim pertanyaan Anda lagi.',
    webRateLimit: 'Pesan Anda terlalu cepat (paling banyak {perMinute} per menit). Tunggu {wait} detik, lalu coba lagi.',
    // The web chat's own answers.
    emptyMessage: 'Tulis pertanyaan Anda dulu.',
    messageTooLong: 'Pesan Anda terlalu panjang ({length} karakter; paling banyak {max}). Silakan persingkat.',
    unavailable: 'Maaf, asisten belum bisa menjawab barusan. Silakan kirim pertanyaan Anda lagi sebentar lagi.',
    // WHATSAPP_WELCOME_TEXT replaces this one (in every language) when set.
    welcome: 'Halo! 👋 Selamat datang. Saya AI admin yang siap membantu pertanyaan seputar laporan kredit, skor kredit, SLIK OJK dan pinjaman Anda. Silakan ketik atau kirim pesan suara pertanyaan Anda.',
    // Linking a WhatsApp number to a web chat account.
    linkCode: 'Kode hubungkan WhatsApp: {code}',
    linked: '✅ WhatsApp ini sekarang terhubung dengan akun Anda di web chat kami. Pertanyaan tentang laporan kredit Anda dijawab dengan data akun tersebut.',
    linkedNamed: '✅ WhatsApp ini sekarang terhubung dengan akun {name} di web chat kami. Pertanyaan tentang laporan kredit Anda dijawab dengan data akun tersebut.',
    alreadyLinked: '✅ Nomor WhatsApp ini sudah terhubung dengan akun tersebut.',
    linkTaken: 'Nomor WhatsApp ini sudah terhubung dengan akun lain. Putuskan dulu dari akun itu (atau hubungi kami), lalu kirim kode lagi.',
    linkInvalid: 'Maaf, kode itu tidak berlaku atau sudah kedaluwarsa. Buat kode baru di web chat (menu "Hubungkan WhatsApp"), lalu kirim lagi ya.',
    noticeLinked: '🔗 Nomor WhatsApp ini telah dihubungkan dengan akun nasabah oleh tim kami. Jika Anda tidak memintanya, balas pesan ini.',
    noticeUnlinked: '🔓 Nomor WhatsApp ini tidak lagi terhubung dengan akun web chat Anda. Jika Anda tidak memintanya, balas pesan ini.',
    unlinked: 'Nomor WhatsApp ini belum terhubung dengan laporan kredit Anda. Untuk menghubungkan: masuk ke web chat di {url}, pilih "Hubungkan WhatsApp", lalu kirim kode yang muncul dari nomor ini.',
    // Handoff to a person, opt-out (STOP) and opt-in (START).
    escalated: 'Baik, permintaan Anda sudah kami teruskan ke petugas kami. Seorang petugas akan membalas di sini secepatnya.',
    optedOut: 'Anda telah berhenti berlangganan dan tidak akan menerima pesan lagi dari kami. Kirim MULAI kapan saja untuk mengaktifkan kembali.',
    optedIn: 'Selamat datang kembali! Anda akan menerima balasan dari kami lagi. Silakan kirim pertanyaan Anda.',
    idleRelease: 'Asisten otomatis kami melanjutkan percakapan ini. Petugas kami tetap akan membaca pesan Anda.',
    // What the model cannot be given.
    mediaVoice: 'Maaf, kami belum bisa mendengar pesan suara Anda saat ini. Silakan ketik pertanyaan Anda ya. 🙏',
    mediaImage: 'Maaf, kami belum bisa melihat gambar saat ini. Silakan ketik pertanyaan Anda atau jelaskan isi gambarnya ya. 🙏',
    mediaDocumentType: 'Maaf, kami hanya bisa membaca dokumen PDF. Silakan kirim dalam bentuk PDF atau foto ya. 🙏',
    mediaUnsupported: 'Maaf, jenis pesan ini belum bisa kami baca. Silakan kirim pertanyaan Anda dalam bentuk teks ya. 🙏',
    // The offline answer (no OPENROUTER_API_KEY, or the day's model budget used up).
    offlineTitle: '📴 Jawaban offline (AI admin sedang tidak aktif). Dari panduan kami:',
    offlineNothing: 'Belum ada bagian panduan yang cocok dengan pertanyaan Anda.',
    offlineLoading: 'Panduan kami sedang dimuat; silakan tanya lagi sebentar lagi.',
    offlineData: '📊 Data kredit Anda:',
    offlineFooter: 'Jawaban ini disusun otomatis dari panduan, bukan oleh AI.',
    offlineSource: '({file}, hal. {page})',
    smallTalkThanks: 'Sama-sama! 🙏 Kalau ada pertanyaan lain soal skor atau laporan kredit, silakan tanya.',
    smallTalkGreeting: 'Halo! 👋 Silakan tanyakan soal skor kredit, SLIK/iDeb, atau laporan kredit Anda.',
    // The person's credit summary in offline answers.
    creditScore: 'Skor kredit',
    creditSample: 'data contoh, bukan laporan resmi',
    creditUtil: 'pemakaian limit kartu/paylater {pct}',
    creditAccounts: 'Akun aktif',
    creditWorst: 'Kolektibilitas terburuk',
    creditLate: 'Keterlambatan 12 bulan terakhir',
    creditLateTimes: '{count} kali',
    creditNoLate: 'tidak ada',
    creditNone: 'Anda belum memiliki data kredit di sistem kami.',
    creditUnavailable: 'Data kredit pribadi Anda belum bisa ditampilkan saat ini. Silakan coba lagi nanti.',
    facility_credit_card: 'kartu kredit',
    facility_kpr: 'KPR',
    facility_kta: 'KTA',
    facility_kkb: 'kredit kendaraan',
    facility_paylater: 'paylater',
    facility_multiguna: 'kredit multiguna',
    facility_pinjol: 'pinjaman online',
    collectibility1: 'Lancar',
    collectibility2: 'Dalam Perhatian Khusus',
    collectibility3: 'Kurang Lancar',
    collectibility4: 'Diragukan',
    collectibility5: 'Macet',
    bandVeryGood: 'Sangat Baik',
    bandGood: 'Baik',
    bandFair: 'Cukup',
    bandPoor: 'Kurang',
    bandBad: 'Buruk',
  },
  web: {
  },
  auth: {
  },
  link: {
  },
  sandbox: {
  },
  dashboard: {
  },
  console: {
  },
};
