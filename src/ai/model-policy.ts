// Boot-time warnings about the model settings that matter for the credit data in every prompt.
// Said once at start so an operator reading the log after a deploy sees them before any customer.
import { RANDOM_ROUTERS, type Config } from '../config';

/** Models OpenRouter no longer serves (404 "No endpoints found for …"); kept as defaults because the seed asks for them. */
export const RETIRED_MODELS = ['google/gemini-2.0-flash-exp:free'];

export function modelPolicyWarnings(config: Pick<Config, 'production' | 'openRouter' | 'privacy'>): string[] {
  const or = config.openRouter;
  if (!or.apiKey) return [];
  const out: string[] = [];
  if (RETIRED_MODELS.includes(or.model)) {
    out.push(`OPENROUTER_MODEL=${or.model} has been retired by OpenRouter: set a current model (see README "Privacy")`);
  }
  const random = or.fallbackModels.filter((m) => RANDOM_ROUTERS.includes(m));
  if (config.production && random.length) {
    out.push(`OPENROUTER_FALLBACK_MODELS contains ${random.join(', ')}, which sends prompts (with credit data) to a provider picked at random`);
  }
  if (config.production && config.privacy.dataCollection === 'allow') {
    out.push('OPENROUTER_DATA_COLLECTION=allow: OpenRouter may route prompts with credit data to providers that store or train on them');
  }
  return out;
}
