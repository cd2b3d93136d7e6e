import { ConfigError, parseConfig } from '../../src/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  test('when nothing is set, then the server boots with defaults and every credentialed feature reports not configured', () => {
    const c = parseConfig({});
    expect(c.port).toBe(3000);
    expect(c.database.url).toBeUndefined();
    expect(c.database.embeddedDir).toBe('./data/pglite');
    expect(c.whatsapp.configured).toBe(false);
    expect(c.whatsapp.bufferMs).toBe(15000);
    expect(c.openRouter.apiKey).toBeUndefined();
    expect(c.openRouter.model).toBe('google/gemini-2.0-flash-exp:free');
    expect(c.openRouter.fallbackModels).toEqual(['openrouter/free']);
    expect(c.google.configured).toBe(false);
    expect(c.chatLog).toEqual({ enabled: true, cleanupEnabled: true, cleanupOldSessionsDays: 30 });
  });

  test('when several values are malformed, then one error names every one of them', () => {
    const problems = problemsOf({
      PORT: 'abc', CLEANUP_OLD_SESSIONS_DAYS: 'abc', DATABASE_URL: 'not a url', ENABLE_CLEANUP: 'maybe',
      WHATSAPP_BUFFER_MS: '-5', OPENROUTER_URL: 'ftp://x', META_GRAPH_VERSION: '24',
    });
    const text = problems.join('\n');
    for (const name of ['PORT', 'CLEANUP_OLD_SESSIONS_DAYS', 'DATABASE_URL', 'ENABLE_CLEANUP', 'WHATSAPP_BUFFER_MS', 'OPENROUTER_URL', 'META_GRAPH_VERSION']) {
      expect(text).toContain(name);
    }
    expect(problems).toHaveLength(7);
  });

  test('when the error message is shown, then it lists the problems line by line and hides a database password', () => {
    try {
      parseConfig({ PORT: '99999', DATABASE_URL: 'mysql://u:hunter2@db/x' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toMatch(/Invalid configuration \(2 problems\)/);
      expect(msg).toContain('PORT: must be between 0 and 65535');
      expect(msg).toContain('DATABASE_URL');
      expect(msg).not.toContain('hunter2');
    }
  });

  test('when the META values are copied unchanged from the example file, then WhatsApp reports not configured', () => {
    const c = parseConfig({
      META_APP_SECRET: 'your_app_secret', META_ACCESS_TOKEN: 'your_access_token',
      META_PHONE_NUMBER_ID: 'your_phone_number_id', META_WEBHOOK_VERIFY_TOKEN: 'your_webhook_verify_token',
    });
    expect(c.whatsapp.configured).toBe(false);
  });

  test('when all META credentials are set, then WhatsApp is configured and the sandbox is off', () => {
    const c = parseConfig({ META_APP_SECRET: 's', META_ACCESS_TOKEN: 't', META_PHONE_NUMBER_ID: '1', META_WEBHOOK_VERIFY_TOKEN: 'v' });
    expect(c.whatsapp.configured).toBe(true);
    expect(c.whatsapp.sandbox).toBe(false);
  });

  test('when running in production, then a session secret is required and the sandbox can never be on', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).join()).toContain('SESSION_SECRET');
    const c = parseConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x', WHATSAPP_SANDBOX: 'true' });
    expect(c.whatsapp.sandbox).toBe(false);
    expect(c.log.format).toBe('json');
  });

  test('when started as start:original, then the WhatsApp channel is off', () => {
    const c = parseConfig({}, ['--original']);
    expect(c.mode).toBe('original');
    expect(c.whatsapp.enabled).toBe(false);
    expect(c.whatsapp.sandbox).toBe(false);
  });
});
