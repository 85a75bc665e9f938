/**
 * Macro texts: placeholders such as {requester.name}, {ticket.id}, {agent.name} and
 * {link:<name>} (a help-centre link), checked when a macro is saved and filled when it is sent.
 * Filling is one pass: a value that itself looks like a placeholder is never expanded again.
 */

/** The placeholders a macro may use (besides {link:<name>}), with what each stands for. */
export const PLACEHOLDERS = {
  'requester.name': "the requester's name (a chat user's name or handle; an email address has none)",
  'requester.email': "the requester's email address, when the requester is one",
  'ticket.id': 'the ticket number, without #',
  'ticket.title': 'the ticket title',
  'agent.name': 'the name of the agent sending the reply',
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

/** A piece of a parsed macro text: literal text, or a placeholder to fill. */
export type MacroPart = { kind: 'text'; text: string } | { kind: 'placeholder'; name: PlaceholderName } | { kind: 'link'; name: string };

export type MacroParse = { ok: true; parts: MacroPart[] } | { ok: false; reason: string };

/** Longest macro text: the same limit as a reply (a longer canned answer belongs in a doc). */
export const MAX_MACRO_LENGTH = 30_000;
/** Macro names are short words, like the handbooks' "/fr1" or "trial-offer". */
export const MACRO_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const LINK_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const isPlaceholder = (name: string): name is PlaceholderName => Object.hasOwn(PLACEHOLDERS, name);

/** Splits a macro text into literal parts and placeholders, or says what is wrong with it. */
export function parseMacro(text: string): MacroParse {
  const parts: MacroPart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '{') {
      literal += ch;
      i++;
      continue;
    }
    const close = text.indexOf('}', i + 1);
    const nested = text.indexOf('{', i + 1);
    if (close < 0) return { ok: false, reason: `A "{" is never closed (at "${text.slice(i, i + 20)}").` };
    if (nested >= 0 && nested < close) {
      return { ok: false, reason: `Placeholders cannot contain other placeholders (at "${text.slice(i, Math.min(close + 1, i + 40))}").` };
    }
    const name = text.slice(i + 1, close).trim();
    if (name.toLowerCase().startsWith('link:')) {
      const link = name.slice(5).trim().toLowerCase();
      if (!LINK_NAME.test(link)) return { ok: false, reason: `"{${name}}" is not a link placeholder: write it as {link:sso-setup}.` };
      if (literal) parts.push({ kind: 'text', text: literal });
      literal = '';
      parts.push({ kind: 'link', name: link });
    } else {
      const lowered = name.toLowerCase();
      if (!isPlaceholder(lowered)) {
        return { ok: false, reason: `"{${name.slice(0, 40)}}" is not a placeholder. Use ${Object.keys(PLACEHOLDERS).map((p) => `{${p}}`).join(', ')} or {link:<name>}.` };
      }
      if (literal) parts.push({ kind: 'text', text: literal });
      literal = '';
      parts.push({ kind: 'placeholder', name: lowered });
    }
    i = close + 1;
  }
  if (literal) parts.push({ kind: 'text', text: literal });
  return { ok: true, parts };
}

/** The values a macro can be filled with; absent ones are missing. */
export interface MacroValues {
  placeholders: Partial<Record<PlaceholderName, string>>;
  links: Readonly<Record<string, string>>;
}

export type MacroFill = { ok: true; text: string } | { ok: false; missing: string[] };

/** Fills the parts with `values` in one pass; every placeholder without a value is reported. */
export function fillMacro(parts: readonly MacroPart[], values: MacroValues): MacroFill {
  const missing: string[] = [];
  let text = '';
  for (const part of parts) {
    if (part.kind === 'text') text += part.text;
    else if (part.kind === 'placeholder') {
      const value = values.placeholders[part.name];
      if (value === undefined || value.trim() === '') missing.push(`{${part.name}}`);
      else text += value;
    } else {
      const url = values.links[part.name];
      if (url === undefined) missing.push(`{link:${part.name}}`);
      else text += url;
    }
  }
  return missing.length > 0 ? { ok: false, missing: [...new Set(missing)] } : { ok: true, text };
}
