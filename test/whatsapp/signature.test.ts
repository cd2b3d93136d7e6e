import { signPayload, verifySignature } from '../../src/whatsapp/signature';

describe('webhook signature', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","x":"caf\\u00e9"}');
  test('when the header is the HMAC of the exact bytes, then it verifies', () => {
    expect(verifySignature(body, signPayload(body, 's3cret'), 's3cret')).toBe(true);
  });
  test.each([
    ['missing', undefined], ['empty', ''], ['without prefix', signPayload(body, 's3cret').slice(7)], ['wrong secret', signPayload(body, 'other')],
    ['truncated', signPayload(body, 's3cret').slice(0, 40)], ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('when the header is %s, then it does not verify', (_name, header) => {
    expect(verifySignature(body, header, 's3cret')).toBe(false);
  });
  test('when one byte of the body is altered, then it does not verify', () => {
    const altered = Buffer.from(body);
    altered[5] ^= 1;
    expect(verifySignature(altered, signPayload(body, 's3cret'), 's3cret')).toBe(false);
  });
});
