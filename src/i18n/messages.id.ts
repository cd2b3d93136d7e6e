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
