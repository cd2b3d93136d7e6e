// The pure parser against every example payload Meta publishes, and against garbage.
import fixtures from '../fixtures/meta-webhook-examples.json';
import { parseWebhook } from '../../src/whatsapp/parse-webhook';

type Fixture = { source: string; payload: unknown };
const all = fixtures as Fixture[];
const bySource = (s: string) => all.find((f) => f.source === s)!.payload;

describe('parseWebhook', () => {
  test('when given each of Meta\'s published example payloads, then each becomes the right kind of event', () => {
    const kinds = all.map((f) => {
      const p = parseWebhook(f.payload);
      return [f.source, p.messages.map((m) => m.type).join(',') || (p.statuses.map((s) => `status:${s.status}`).join(',') || (p.errors.length ? 'error' : 'ignored'))];
    });
    expect(Object.fromEntries(kinds)).toEqual({
      'doc/text.md#3': 'text', 'doc/text.md#4': 'text', 'doc/image.md#2': 'image', 'doc/audio.md#2': 'audio', 'doc/video.md#2': 'video',
      'doc/document.md#2': 'document', 'doc/sticker.md#2': 'sticker', 'doc/location.md#2': 'location', 'doc/contacts.md#2': 'contacts',
      'doc/button.md#2': 'button', 'doc/reaction.md#2': 'reaction', 'doc/reaction.md#3': 'reaction', 'doc/order.md#2': 'order',
      // The first system example carries Meta's placeholder "<WHATSAPP_USER_PHONE_NUMBER>" as sender: no usable id, ignored.
      'doc/system.md#1': 'ignored', 'doc/system.md#2': 'system', 'doc/unsupported.md#2': 'unsupported',
      'doc/errors.md#1': 'error', 'doc/errors.md#2': 'error',
      'doc/interactive-reply-buttons-messages.md#1': 'interactive', 'doc/interactive-list-messages.md#1': 'interactive',
      'doc/status.md#2': 'status:sent', 'doc/status.md#3': 'status:sent', 'doc/status.md#4': 'status:failed', 'doc/messages.md#2': 'status:delivered',
    });
  });

  test('when a text message arrives, then sender, name, wamid, time and text are taken from it', () => {
    const [m] = parseWebhook(bySource('doc/text.md#3')).messages;
    expect(m).toMatchObject({
      wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTA2NTUwRkNEMDdFQjJCRUU0NQA=', phone: '16505551234', profileName: 'Sheena Nelson',
      // Meta's example is a product enquiry: the product it refers to goes with the text.
      phoneNumberId: '106540352242922', content: 'Is this still available?\n[asking about product di9ozbzfi4]', startsTurn: true, timestamp: new Date(1750016800 * 1000),
    });
  });

  test('when an ad referral or a Flow answer holds a NUL character, then the content is storable (found by the webhook fuzz test)', () => {
    const value = (message: Record<string, unknown>) => ({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { phone_number_id: '106540352242922' }, contacts: [{ wa_id: '16505551234', profile: { name: 'N' } }],
      messages: [{ from: '16505551234', id: `wamid.nul${Math.random()}`, timestamp: '1750275992', ...message }] } }] }] });
    const [ad] = parseWebhook(value({ type: 'text', text: { body: 'info?' }, referral: { source_url: 'a\u0000b', source_type: 'ad', headline: 'x\u0000y' } })).messages;
    expect(ad.content).toBe('info?\n[the customer came from an ad: headline "xy", source ad, link ab]');
    const [flow] = parseWebhook(value({ type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { response_json: JSON.stringify({ 'na\u0000me': 'Bu\u0000di' }) } } })).messages;
    expect(flow.content).not.toContain('\u0000');
    expect(flow.content).toContain('Budi');
  });

  test('when media, location, contacts, order, buttons and lists arrive, then the AI gets a short description keeping captions', () => {
    const content = (s: string) => parseWebhook(bySource(s)).messages[0].content;
    expect(content('doc/image.md#2')).toMatch(/^\[image(: .+)?\]$/);
    expect(content('doc/audio.md#2')).toMatch(/^\[(voice message|audio)\]$/);
    expect(content('doc/video.md#2')).toMatch(/^\[video/);
    expect(content('doc/document.md#2')).toMatch(/^\[document/);
    expect(content('doc/sticker.md#2')).toMatch(/sticker\]$/);
    expect(content('doc/location.md#2')).toMatch(/^\[location: .*\d/);
    expect(content('doc/contacts.md#2')).toMatch(/^\[contact card: .+\]$/);
    expect(content('doc/order.md#2')).toMatch(/^\[order: .+ x\d/);
    expect(content('doc/unsupported.md#2')).toMatch(/^\[unsupported message/);
    expect(content('doc/interactive-reply-buttons-messages.md#1')).not.toMatch(/^\[/);
    expect(content('doc/interactive-list-messages.md#1')).not.toMatch(/^\[/);
    expect(content('doc/button.md#2')).not.toBe('[button]');
    const captioned = parseWebhook({ entry: [{ changes: [{ field: 'messages', value: { messages: [
      { from: '62812300', id: 'w1', timestamp: '1', type: 'image', image: { caption: 'my bill', id: 'm1' } }] } }] }] });
    expect(captioned.messages[0].content).toBe('[image: my bill]');
  });

  test('when a reaction or a system notice arrives, then it is kept but does not start an AI turn', () => {
    expect(parseWebhook(bySource('doc/reaction.md#2')).messages[0].startsTurn).toBe(false);
    expect(parseWebhook(bySource('doc/system.md#2')).messages[0].startsTurn).toBe(false);
  });

  test('when a failed status arrives, then its error code is kept', () => {
    const [s] = parseWebhook(bySource('doc/status.md#4')).statuses;
    expect(s.status).toBe('failed');
    expect(typeof s.errors[0].code).toBe('number');
  });

  test('when a username user sends without a phone number, then the business-scoped user id identifies them', () => {
    const p = parseWebhook({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: {
      contacts: [{ profile: { name: 'Ana', username: 'ana' }, wa_id: '', user_id: 'US.13491208655302741918' }],
      messages: [{ from: '', from_user_id: 'US.13491208655302741918', id: 'wamid.b1', timestamp: '1750000000', type: 'text', text: { body: 'hi' } }],
    } }] }] });
    expect(p.messages[0]).toMatchObject({ phone: null, bsuid: 'US.13491208655302741918', profileName: 'Ana', content: 'hi' });
  });

  test.each([
    null, 42, 'text', [], {}, { object: 'page' }, { entry: 'x' }, { entry: [null, 1, { changes: [null, { value: 7 }] }] },
    { entry: [{ changes: [{ value: { messages: [null, {}, { id: 5 }, { id: 'w', from: {} }], statuses: [{}, { id: 'x' }] } }] }] },
  ])('when the payload has the wrong shape (%j), then nothing throws and nothing is produced', (payload) => {
    const p = parseWebhook(payload);
    expect(p.messages).toEqual([]);
    expect(p.statuses).toEqual([]);
  });
});
