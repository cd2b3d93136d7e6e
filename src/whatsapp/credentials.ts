// Everything the webhook and the Graph client need, in one small object. Production derives it
// from config; the local sandbox supplies generated secrets and a local Graph URL.
import type { Config } from '../config';

export interface WhatsAppCredentials {
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  phoneNumberId: string;
  graphUrl: string;
  graphVersion: string;
}

/** The credentials from META_*; null when any of the four secrets/ids is missing. */
export function credentialsFromConfig(config: Config): WhatsAppCredentials | null {
  const m = config.meta;
  if (!config.whatsapp.configured || !m.appSecret || !m.verifyToken || !m.accessToken || !m.phoneNumberId) return null;
  return {
    appSecret: m.appSecret, verifyToken: m.verifyToken, accessToken: m.accessToken, phoneNumberId: m.phoneNumberId,
    graphUrl: m.graphUrl, graphVersion: m.graphVersion,
  };
}
