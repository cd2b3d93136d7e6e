import { maskPhone } from '../../src/shared/logger';
import { captureLogs } from '../helpers/test-app';

describe('logging', () => {
  test('when a phone number is logged, then only a shortened form appears', () => {
    const logs = captureLogs();
    logs.logger.info({ userId: 'whatsapp_628123456789', from: '+628123456789' }, '📱 Received 1 messages from 628123456789');
    const text = logs.text();
    expect(text).not.toContain('628123456789');
    expect(text).toContain('📱 Received 1 messages from 6281****789');
    expect(maskPhone('whatsapp_628123456789')).toBe('whatsapp_6281****789');
  });

  test('when a secret or token is logged, then it is redacted', () => {
    const logs = captureLogs();
    logs.logger.info({ headers: { authorization: 'Bearer EAAGm0PX4ZCpsBA' }, accessToken: 'EAAGm0PX4ZCpsBA', config: { appSecret: 'shh-secret' } }, 'calling');
    const text = logs.text();
    expect(text).not.toContain('EAAGm0PX4ZCpsBA');
    expect(text).not.toContain('shh-secret');
    expect(text).toContain('[redacted]');
  });
});
