// The fixed answers for what the model cannot be given are the catalogue's (namespace bot,
// media* and welcome); here: which notice a message calls for, and the placeholders the model
// (and the history) get when a file could not be used (model-facing, not translated).
import type { MessageKey } from '../../i18n/catalogue';

export type Notice = 'voice' | 'image' | 'documentType' | 'unsupported' | 'welcome';

export const NOTICE_KEYS: Record<Notice, MessageKey> = {
  voice: 'bot.mediaVoice', image: 'bot.mediaImage', documentType: 'bot.mediaDocumentType', unsupported: 'bot.mediaUnsupported', welcome: 'bot.welcome',
};

/** The placeholders the model (and the history) get when a file could not be used. */
export const PLACEHOLDERS = {
  downloadFailed: 'could not be downloaded',
  noText: 'no readable text in it',
};
