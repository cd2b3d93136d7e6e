// What the rest of the app needs from the knowledge base. The PDF loader and retrieval index
// implement it (knowledge-base.ts).
import { analyze } from './text-analyzer';

export interface KnowledgePassage { file: string; page: number; text: string; score: number; tokens: number }

export interface KnowledgeLoadReport {
  files: { file: string; pages: number; passages: number; cached: boolean }[];
  failed: { file: string; error: string }[];
  totalPages: number;
  totalPassages: number;
  loadedAt: string;
  durationMs: number;
}

/** The conversation a follow-up belongs to: searched along with the current turn. */
export interface SearchContext { previousUser?: string; lastReply?: string }

export interface SearchOptions {
  maxTokens?: number; limit?: number; context?: SearchContext;
  /** The question's embedding (`embedQuery`): its semantic ranking is fused with the lexical one. */
  queryVector?: Float32Array | null;
}

export interface KnowledgeBase {
  /** Best passages for the question within a token budget, each with its source and page. */
  search(query: string, opts?: SearchOptions): KnowledgePassage[];
  /** The question's index terms (stems after synonyms), as the search sees them. */
  terms(text: string): string[];
  /** The question's embedding when semantic search is on; null when off, failed or timed out (then lexical only). */
  embedQuery(text: string, context?: SearchContext): Promise<Float32Array | null>;
  /** Re-reads the folder; in-flight searches keep using the previous index until the new one is ready. */
  reload(): Promise<KnowledgeLoadReport>;
  isLoaded(): boolean;
  lastReport(): KnowledgeLoadReport | null;
}

export function createEmptyKnowledgeBase(): KnowledgeBase {
  return {
    search: () => [],
    terms: (text) => analyze(text),
    embedQuery: async () => null,
    async reload() {
      return { files: [], failed: [], totalPages: 0, totalPassages: 0, loadedAt: new Date().toISOString(), durationMs: 0 };
    },
    isLoaded: () => false,
    lastReport: () => null,
  };
}
