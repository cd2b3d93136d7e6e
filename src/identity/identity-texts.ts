// What people read about linking, in Bahasa Indonesia (the default) and English. One object per
// language with the same keys; the i18n test compares them.
export type Lang = 'id' | 'en';

export const IDENTITY_TEXTS = {
  id: {
    codeMessage: (code: string) => `Kode hubungkan WhatsApp: ${code}`,
    linked: (name: string | null) => `✅ WhatsApp ini sekarang terhubung dengan akun ${name ? `${name} ` : ''}di web chat kami. Pertanyaan tentang laporan kredit Anda dijawab dengan data akun tersebut.`,
    alreadyLinked: '✅ Nomor WhatsApp ini sudah terhubung dengan akun tersebut.',
    taken: 'Nomor WhatsApp ini sudah terhubung dengan akun lain. Putuskan dulu dari akun itu (atau hubungi kami), lalu kirim kode lagi.',
    invalid: 'Maaf, kode itu tidak berlaku atau sudah kedaluwarsa. Buat kode baru di web chat (menu "Hubungkan WhatsApp"), lalu kirim lagi ya.',
    noticeLinked: '🔗 Nomor WhatsApp ini telah dihubungkan dengan akun nasabah oleh tim kami. Jika Anda tidak memintanya, balas pesan ini.',
    noticeUnlinked: '🔓 Nomor WhatsApp ini tidak lagi terhubung dengan akun web chat Anda. Jika Anda tidak memintanya, balas pesan ini.',
    unlinkedData: (url: string) => 'Belum ada laporan kredit yang terhubung dengan nomor WhatsApp ini, jadi tidak ada data kredit pribadi orang ini. ' +
      'Jangan menebak skor, akun, atau angka apa pun. Cara menghubungkan: masuk ke web chat di ' + url + ', pilih "Hubungkan WhatsApp", ' +
      'lalu kirim kode yang muncul dari nomor WhatsApp ini. Nasabah yang sudah terdaftar juga bisa meminta tim kami menghubungkan nomornya.',
    unlinkedUser: (url: string) => `Nomor WhatsApp ini belum terhubung dengan laporan kredit Anda. Untuk menghubungkan: masuk ke web chat di ${url}, ` +
      'pilih "Hubungkan WhatsApp", lalu kirim kode yang muncul dari nomor ini.',
  },
  en: {
    codeMessage: (code: string) => `WhatsApp link code: ${code}`,
    linked: (name: string | null) => `✅ This WhatsApp number is now linked to the account ${name ? `${name} ` : ''}in our web chat. Questions about your credit report are answered with that account's data.`,
    alreadyLinked: '✅ This WhatsApp number is already linked to that account.',
    taken: 'This WhatsApp number is already linked to another account. Unlink it there first (or contact us), then send the code again.',
    invalid: 'Sorry, that code is not valid or has expired. Create a new one in the web chat ("Link WhatsApp") and send it again.',
    noticeLinked: '🔗 Our team has linked this WhatsApp number to a customer account. If you did not ask for this, reply to this message.',
    noticeUnlinked: '🔓 This WhatsApp number is no longer linked to your web chat account. If you did not ask for this, reply to this message.',
    unlinkedData: (url: string) => 'No credit report is linked to this WhatsApp number, so there is no personal credit data for this person. ' +
      'Do not guess any score, account or figure. How to link: sign in to the web chat at ' + url + ', choose "Link WhatsApp", ' +
      'then send the code it shows from this WhatsApp number. Registered customers can also ask our team to link their number.',
    unlinkedUser: (url: string) => `This WhatsApp number is not linked to your credit report yet. To link it: sign in to the web chat at ${url}, ` +
      'choose "Link WhatsApp", then send the code it shows from this number.',
  },
} satisfies Record<Lang, Record<string, unknown>>;

/** id for any Indonesian (id, in) or unknown preference; en only when English comes first. */
export function languageFrom(value: unknown, fallback: Lang = 'id'): Lang {
  if (value === 'id' || value === 'en') return value;
  if (typeof value !== 'string') return fallback;
  for (const part of value.split(',')) {
    const tag = part.trim().split(';')[0].toLowerCase();
    if (tag.startsWith('id') || tag.startsWith('in')) return 'id';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
