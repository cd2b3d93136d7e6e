// The media pipeline's parts, built from the configuration and the channel's credentials (the
// sandbox passes its own Graph URL, so its stand-in serves the media endpoints too).
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { createOpenRouterClient } from '../../ai/openrouter-client';
import { createTranscriber } from '../../ai/transcription-client';
import type { Logger } from '../../shared/logger';
import type { WhatsAppCredentials } from '../credentials';
import { createMediaClient } from './media-client';
import { createMediaPreparer, type MediaPreparer } from './media-preparer';
import { createMediaRepository, type MediaRepository } from './media-turn';

export interface MediaModule { preparer: MediaPreparer; repository: MediaRepository; welcomeText?: string; close(): Promise<void> }

export function createMediaModule(deps: {
  config: Pick<Config, 'openRouter' | 'media' | 'publicUrl'>; logger: Logger; db: Database; credentials: WhatsAppCredentials;
}): MediaModule {
  const { config, credentials: c } = deps;
  const or = config.openRouter;
  const client = createMediaClient({
    graph: c, timeoutMs: config.media.timeoutMs, maxBytes: config.media.maxBytes,
  });
  const ai = or.apiKey ? createOpenRouterClient({ ...or, apiKey: or.apiKey, publicUrl: config.publicUrl, logger: deps.logger }) : null;
  const preparer = createMediaPreparer({
    client, transcriber: ai ? createTranscriber({ client: ai, model: or.audioModel }) : null, canSee: ai !== null, logger: deps.logger,
  });
  return {
    preparer, repository: createMediaRepository(deps.db), welcomeText: config.media.welcomeText ?? undefined,
    close: () => client.close(),
  };
}
