/**
 * Characters untrusted text (titles, comments, names typed by anyone) must not carry to any
 * screen: C0/C1 controls (terminal escapes), lone UTF-16 surrogates (invalid JSON bodies),
 * bidirectional overrides and isolates (text that reads differently than it is, "Trojan Source"),
 * and zero-width characters (hidden inside words and mentions). Every renderer strips them
 * first; what it adds afterwards for its own purposes (a joiner that defuses @here) is its own.
 */

// C0 controls except tab and newline, DEL, C1 controls, lone surrogates. Escapes keep the source readable.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** LRM, RLM, ALM, the embeddings and overrides (LRE…RLO), the isolates (LRI…PDI). */
const BIDI = /[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/g;
/** Zero-width space and non-joiner, word joiner, invisible operators, BOM, Mongolian vowel separator. */
const ZERO_WIDTH = /[\u200B\u200C\u2060-\u2064\uFEFF\u180E]/g;
/** A zero-width joiner that does not join two emoji (👩‍💻 keeps its joiner; "@\u200Dhere" typed by a person does not). */
const LOOSE_JOINER = /(?<!\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0F)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/** The text without controls, lone surrogates, bidi controls or zero-width characters; CRLF as LF, tabs as spaces. */
export function stripInvisible(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROL, '').replace(BIDI, '').replace(ZERO_WIDTH, '').replace(LOOSE_JOINER, '');
}
