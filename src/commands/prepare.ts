/**
 * The text of an inbound command read once: trimmed, tokenized, its command named from the leading
 * words, and what an adapter must know before running it (whether it only reads, so it may be
 * acknowledged first; whether it asks for a form). Plain data: an adapter prepares on the I/O
 * thread, hands the result to the engine with the invocation, and the router uses the same tokens
 * instead of reading the text again. Pure and light (no store, no use cases).
 */
import { MAX_COMMAND_LENGTH } from './limits.js';
import type { CommandEntry, CommandIndex, FamilyEntry } from './registry.js';
import { LexError, tokenize, type Token } from './tokenize.js';

/**
 * A command typed without the arguments a form can ask for: `/ticket new` alone, `/escalate <id>`
 * without questions (also the card's Escalate button), `/ticket handoff <id>` without a team.
 * Platforms with forms (Slack's modals) open one instead of running it.
 */
export type FormRoute = { kind: 'new-ticket' } | { kind: 'escalate'; ticketId: number } | { kind: 'handoff'; ticketId: number };

export interface PreparedText {
  /** The text as the router reads it: trimmed, without a leading slash. */
  text: string;
  /** Longer than MAX_COMMAND_LENGTH: not tokenized at all. */
  tooLong?: true;
  /** The tokens; absent when the text is too long or could not be read. */
  tokens?: Token[];
  /** Why the text could not be read (an unclosed quote). */
  lexError?: string;
  /** The command the leading words name, if any: its path and how many words named it. */
  command?: { path: string[]; used: number; readsOnly: boolean };
  /** The form this command asks for instead of running, if it has one. */
  form?: FormRoute;
}

/** The leading bare words: the command's name as the router reads it. */
export function leadingWords(tokens: readonly Token[]): string[] {
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'word') break;
    words.push(token.value);
  }
  return words;
}

function formFor(path: readonly string[], rest: readonly Token[]): FormRoute | undefined {
  const key = path.join(' ');
  if (key === 'ticket new' && rest.length === 0) return { kind: 'new-ticket' };
  const id = rest.length === 1 && rest[0]!.kind === 'word' ? /^#?(\d+)$/.exec(rest[0]!.value)?.[1] : undefined;
  if (id === undefined) return undefined;
  if (key === 'escalate') return { kind: 'escalate', ticketId: Number(id) };
  if (key === 'ticket handoff') return { kind: 'handoff', ticketId: Number(id) };
  return undefined;
}

/** Reads `raw` once against the commands in `index` (the engine's registry or the I/O thread's catalog). */
export function prepareText(index: CommandIndex<CommandEntry, FamilyEntry>, raw: string): PreparedText {
  const text = raw.trim().replace(/^\//, '');
  if (text.length > MAX_COMMAND_LENGTH) return { text, tooLong: true };
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (error instanceof LexError) return { text, lexError: error.message };
    throw error;
  }
  const words = leadingWords(tokens);
  const match = words.length > 0 ? index.match(words) : undefined;
  if (!match) return { text, tokens };
  const path = [...match.definition.path];
  const form = formFor(path, tokens.slice(match.used));
  return { text, tokens, command: { path, used: match.used, readsOnly: match.definition.readsOnly === true }, ...(form ? { form } : {}) };
}
