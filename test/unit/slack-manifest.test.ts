/**
 * The Slack app manifest and the command registry cannot drift: every command family is a slash
 * command in manifests/slack-app.yaml, and the manifest names no command deskops does not have.
 * Node has no YAML parser and the manifest is flat enough for line patterns.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slashCommandNames } from '../../src/adapters/slack/commands.js';
import { buildRegistry } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config.js';

const manifest = readFileSync(new URL('../../manifests/slack-app.yaml', import.meta.url), 'utf8');

/** The values of `key:` list items/entries in the manifest, in order. */
function values(key: string): string[] {
  return [...manifest.matchAll(new RegExp(`^\\s*(?:- )?${key}:\\s*(\\S+)\\s*$`, 'gm'))].map((m) => m[1]!);
}

describe('manifests/slack-app.yaml', () => {
  const registry = buildRegistry();
  const prefix = loadConfig({}).slack?.prefixCommand ?? '/desk';

  it('has a slash command for every command family and the /desk prefix, and no others', () => {
    expect(values('- command').sort()).toEqual(slashCommandNames(registry, prefix).sort());
  });

  it('escapes mentions and gives every command a description', () => {
    const entries = manifest.split(/^\s*- command:/m).slice(1);
    expect(entries).toHaveLength(slashCommandNames(registry, prefix).length);
    for (const entry of entries) {
      expect(entry).toMatch(/^\s*description: .+$/m);
      // Mentions then arrive as <@U123|name>, which the command lexer resolves by Slack user id.
      expect(entry).toMatch(/^\s*should_escape: true$/m);
    }
  });

  it('declares the message shortcuts, interactivity, the Home tab and the events deskops handles', () => {
    expect(values('callback_id')).toEqual(['create_ticket_from_message', 'add_to_ticket']);
    expect(manifest).toMatch(/interactivity:\s*\n\s*is_enabled: true/);
    expect(manifest).toMatch(/home_tab_enabled: true/);
    const events = manifest.slice(manifest.indexOf('bot_events:')).match(/^\s*- ([a-z_]+)$/gm)?.map((l) => l.trim().slice(2));
    expect(events?.slice(0, 3)).toEqual(['app_home_opened', 'reaction_added', 'member_joined_channel']);
    expect(manifest).toMatch(/^\s*socket_mode_enabled: false$/m);
  });

  it('justifies every bot scope with a comment on the line above', () => {
    const block = manifest.slice(manifest.indexOf('    bot:'), manifest.indexOf('settings:'));
    const lines = block.split('\n');
    const scopes = lines.flatMap((line, i) => (/^\s*- [a-z:._]+$/.test(line) ? [{ scope: line.trim().slice(2), above: lines[i - 1] ?? '' }] : []));
    expect(scopes.map((s) => s.scope)).toEqual(['commands', 'chat:write', 'chat:write.public', 'channels:join', 'channels:read', 'groups:read', 'users:read', 'reactions:read', 'channels:history', 'groups:history', 'im:write', 'im:history', 'im:read', 'files:write']);
    for (const { scope, above } of scopes) expect(above, scope).toMatch(/^\s*#/);
  });
});
