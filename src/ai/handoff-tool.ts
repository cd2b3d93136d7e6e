// The model's structured "a person must handle this" signal: an OpenAI-style function offered with
// every online turn. A call to it is the signal; the reply's wording never is, so a model that
// merely mentions an operator does not hand the conversation over.

/** A function the model may call, in the chat-completions `tools` format. */
export interface ToolSpec {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** A call the model made (the `arguments` JSON as it sent it). */
export interface ToolCall { name: string; arguments: string }

export const HANDOFF_TOOL_NAME = 'handoff_to_human';
export const HANDOFF_REASONS = ['dispute', 'complaint', 'fraud', 'other'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

export const HANDOFF_TOOL: ToolSpec = {
  type: 'function',
  function: {
    name: HANDOFF_TOOL_NAME,
    description: 'Hand this conversation to a human operator of the company. Call it only when a person must handle the case: '
      + 'a dispute (sanggahan) of credit data you cannot resolve, suspected fraud or identity theft, a complaint about the company '
      + 'or a lender, or a decision you must not make. Do not call it for ordinary questions you can answer.',
    parameters: {
      type: 'object',
      properties: {
        reason: { type: 'string', enum: [...HANDOFF_REASONS], description: 'Why a person is needed.' },
      },
      required: ['reason'],
    },
  },
};

/**
 * What goes into the announcement and the audit trail: the category only. The model's own words
 * could carry the customer's details to a Slack or e-mail bridge, so they are not passed on.
 */
const REASON_TEXT: Record<HandoffReason, string> = {
  dispute: 'AI flagged: dispute it must not decide',
  complaint: 'AI flagged: complaint',
  fraud: 'AI flagged: suspected fraud or identity theft',
  other: 'AI flagged: needs a person',
};

/** The handoff the model asked for in these calls, or null when it did not call the tool. */
export function handoffFromCalls(calls: ToolCall[] | undefined): { reason: string } | null {
  const call = calls?.find((c) => c.name === HANDOFF_TOOL_NAME);
  if (!call) return null;
  let reason: unknown;
  try { reason = (JSON.parse(call.arguments || '{}') as { reason?: unknown }).reason; } catch { /* malformed arguments: still a call */ }
  const known = HANDOFF_REASONS.find((r) => r === reason) ?? 'other';
  return { reason: REASON_TEXT[known] };
}
