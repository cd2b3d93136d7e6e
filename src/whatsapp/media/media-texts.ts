// Fixed answers for what the model cannot be given: one small object per language, so a later
// catalogue can take them over as they are. Bahasa Indonesia is the default.
export type Notice = 'voice' | 'image' | 'documentType' | 'unsupported' | 'welcome';
export type NoticeLang = 'id' | 'en';

export const MEDIA_TEXTS: Record<NoticeLang, Record<Exclude<Notice, 'welcome'>, string>> = {
  id: {
    voice: 'Maaf, kami belum bisa mendengar pesan suara Anda saat ini. Silakan ketik pertanyaan Anda ya. 🙏',
    image: 'Maaf, kami belum bisa melihat gambar saat ini. Silakan ketik pertanyaan Anda atau jelaskan isi gambarnya ya. 🙏',
    documentType: 'Maaf, kami hanya bisa membaca dokumen PDF. Silakan kirim dalam bentuk PDF atau foto ya. 🙏',
    unsupported: 'Maaf, jenis pesan ini belum bisa kami baca. Silakan kirim pertanyaan Anda dalam bentuk teks ya. 🙏',
  },
  en: {
    voice: 'Sorry, we cannot listen to voice messages right now. Please type your question. 🙏',
    image: 'Sorry, we cannot look at pictures right now. Please type your question or describe the picture. 🙏',
    documentType: 'Sorry, we can only read PDF documents. Please send it as a PDF or a photo. 🙏',
    unsupported: 'Sorry, we cannot read this kind of message yet. Please send your question as text. 🙏',
  },
};

/** WHATSAPP_WELCOME_TEXT's default: sent when a person opens the chat for the first time. */
export const DEFAULT_WELCOME_TEXT =
  'Halo! 👋 Selamat datang. Saya AI admin yang siap membantu pertanyaan seputar laporan kredit, skor kredit, SLIK OJK dan pinjaman Anda. Silakan ketik atau kirim pesan suara pertanyaan Anda.';

/** The placeholders the model (and the history) get when a file could not be used. */
export const PLACEHOLDERS = {
  downloadFailed: 'could not be downloaded',
  noText: 'no readable text in it',
};
