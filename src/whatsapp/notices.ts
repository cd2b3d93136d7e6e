// One-line notices to a WhatsApp number outside a conversation turn (a link made or removed).
// The identity service is built before the channel; the channel attaches its Graph client here
// once it exists. Without a channel (web-only mode, Meta not configured) a notice is skipped.
export interface WhatsAppNotices {
  attach(send: (recipient: string, text: string) => Promise<unknown>): void;
  send(recipient: string, text: string): Promise<void>;
}

export function createWhatsAppNotices(): WhatsAppNotices {
  let sender: ((recipient: string, text: string) => Promise<unknown>) | null = null;
  return {
    attach(send) { sender = send; },
    async send(recipient, text) {
      if (sender) await sender(recipient, text);
    },
  };
}
