// One-line notices to a WhatsApp number outside a conversation turn (a link made or removed).
// The identity service is built before the channel; the channel attaches its Graph client here
// once it exists. Without a channel (web-only mode, Meta not configured) a notice is skipped.
export interface WhatsAppNotices {
  attach(send: (recipient: string, text: string) => Promise<unknown>): void;
  send(recipient: string, text: string): Promise<void>;
  /** Sends and returns Graph's message id; null without a channel. Nothing goes to a number that opted out (STOP). */
  deliver(recipient: string, text: string): Promise<{ messageId: string } | null>;
  /** Asked before every notice (the operator module's opt-out state). */
  setOptOutCheck(check: (recipient: string) => Promise<boolean>): void;
}

export function createWhatsAppNotices(): WhatsAppNotices {
  let sender: ((recipient: string, text: string) => Promise<unknown>) | null = null;
  let optedOut: (recipient: string) => Promise<boolean> = async () => false;
  const deliver = async (recipient: string, text: string) => {
    if (!sender || await optedOut(recipient)) return null;
    return (await sender(recipient, text)) as { messageId: string };
  };
  return {
    attach(send) { sender = send; },
    async send(recipient, text) { await deliver(recipient, text); },
    deliver,
    setOptOutCheck(check) { optedOut = check; },
  };
}
