// The English catalogue: the same keys and {placeholders} as messages.id.ts (the type and
// test/i18n enforce it).
import type { Messages } from './catalogue-types';

export const EN: Messages = {
  common: {
    languageName: 'English',
    switchTo: 'Bahasa Indonesia',
    switchLabel: 'Language',
  },
  errors: {
    notFound: 'This page or address does not exist.',
    internal: 'Something went wrong on our server. Please try again in a moment.',
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
