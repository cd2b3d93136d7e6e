// The Graph media client against the fake Graph server, and the pure helpers of the media pipeline.
import crypto from 'node:crypto';
import { audioFormat } from '../../src/ai/content-parts';
import { formAnswers } from '../../src/whatsapp/message-extras';
import { createMediaClient, MediaError, type MediaClient } from '../../src/whatsapp/media/media-client';
import { startFakeGraphServer, type FakeGraphServer } from '../helpers/fake-graph-server';

describe('Graph media client', () => {
  let g: FakeGraphServer;
  let client: MediaClient;
  const bytes = crypto.randomBytes(5000);
  beforeAll(async () => {
    g = await startFakeGraphServer();
    client = createMediaClient({ graph: { graphUrl: g.url, graphVersion: 'v26.0', accessToken: 'test-access-token' },
      maxBytes: { audio: 4000, image: 10_000, document: 10_000, video: 10_000, sticker: 10_000 } });
  });
  afterAll(async () => { await client.close(); await g.close(); });
  beforeEach(() => g.reset());
  const ref = (id: string, over: Record<string, unknown> = {}) => ({ kind: 'image' as const, id, url: null, mimeType: 'image/jpeg', sha256: null, filename: null, ...over });

  test('when the webhook gives the sha256 in base64 (as Meta\'s webhooks do), then a matching file is accepted', async () => {
    g.media.set('b64', { bytes, mimeType: 'image/jpeg', sha256: crypto.createHash('sha256').update(bytes).digest('base64') });
    const f = await client.download(ref('b64'));
    expect(f.bytes.equals(bytes)).toBe(true);
    expect(f.mimeType).toBe('image/jpeg');
  });

  test('when the metadata understates the size, then the download stops at the limit (Content-Length), without an unhandled error', async () => {
    g.media.set('liar', { bytes, mimeType: 'audio/ogg', fileSize: 100 });
    await expect(client.download({ ...ref('liar'), kind: 'audio' })).rejects.toMatchObject({ reason: 'too-large' });
  });

  test('when the file streams without a Content-Length, then the download stops once the limit is passed', async () => {
    g.media.set('chunked', { bytes, mimeType: 'audio/ogg', fileSize: 100, chunked: true });
    await expect(client.download({ ...ref('chunked'), kind: 'audio' })).rejects.toMatchObject({ reason: 'too-large' });
    await new Promise((r) => setTimeout(r, 100)); // an abort error emitted late would fail the test here
  });

  test('when the media id is unknown (older than 7 days), then it is reported as not found', async () => {
    await expect(client.download(ref('gone'))).rejects.toBeInstanceOf(MediaError);
    await expect(client.download(ref('gone'))).rejects.toMatchObject({ reason: 'not-found' });
  });

  test('when the webhook url points to a host that is not Meta\'s, then the token is not sent there and the Graph lookup is used', async () => {
    g.media.set('safe', { bytes, mimeType: 'image/jpeg' });
    await client.download(ref('safe', { url: 'http://203.0.113.9/steal' }));
    expect(g.mediaCalls.map((c) => c.path)).toEqual(['/v26.0/safe', '/media-file/safe']);
  });
});

describe('media helpers', () => {
  test.each([['audio/ogg; codecs=opus', 'ogg'], ['audio/opus', 'ogg'], ['audio/oga', 'ogg'], ['audio/mpeg', 'mp3'], ['audio/mp4', 'm4a'], ['audio/x-wav', 'wav']])(
    'when the MIME type is %s, then OpenRouter gets the format %s', (mime, format) => { expect(audioFormat(mime)).toBe(format); });

  test('when a Flow reply has nested answers, then they become readable field: value lines without the flow token', () => {
    expect(formAnswers('{"flow_token":"x","rating":"5","appointment":{"day":"Senin","slots":["pagi","sore"]}}'))
      .toEqual(['rating: 5', 'appointment.day: Senin', 'appointment.slots: pagi, sore']);
    expect(formAnswers('not json')).toEqual(['not json']);
  });
});
