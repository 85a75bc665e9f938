/**
 * The commands marked `readsOnly`, which Slack acknowledges before they run (a kill after the ack
 * loses nothing of theirs), must really only read: running each changes no row.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { prepareText } from '../../src/commands/prepare.js';
import type { CommandIndex } from '../../src/commands/registry.js';
import { buildRegistry } from '../../src/commands/index.js';
import { rowsChanged } from '../doubles/db.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';

let desk: TestDesk | undefined;
afterEach(() => desk?.dispose());

/** Whether Slack acknowledges `text` before it runs: what the text, read once on the way in, names. */
const onlyReads = (registry: CommandIndex, text: string) => prepareText(registry, text).command?.readsOnly === true;

describe('read-only slash commands', () => {
  const registry = buildRegistry();

  it('are marked in the registry, and recognised with their arguments and aliases', () => {
    const marked = registry.all().filter((definition) => definition.readsOnly).map((definition) => definition.path.join(' '));
    expect(marked.sort()).toEqual([
      'audit',
      'calendar',
      'channel intake list',
      'channel show',
      'duplicates list',
      'guard show',
      'known-issue list',
      'known-issue show',
      'macro links',
      'macro list',
      'macro pick',
      'macro show',
      'mail address list',
      'mail addresses',
      'oncall',
      'oncall check',
      'oncall contacts',
      'oncall schedule',
      'people',
      'people list',
      'report known-issues',
      'report sla',
      'report tags',
      'requester blocked',
      'rotation show',
      'settings',
      'sla',
      'sla policy',
      'sla queue',
      'ticket history',
      'ticket inbox',
      'ticket list',
      'ticket search',
      'ticket show',
      'ticket tags',
      'whoami',
    ]);
    expect(onlyReads(registry, 'ticket list tier:t2')).toBe(true);
    expect(onlyReads(registry, '/ticket show 12')).toBe(true);
    expect(onlyReads(registry, 'ki list')).toBe(true);
    expect(onlyReads(registry, 'ticket new "x"')).toBe(false);
    expect(onlyReads(registry, 'ticket status 1 resolved')).toBe(false);
    expect(onlyReads(registry, 'ticket "unbalanced')).toBe(false);
  });

  it('change no row when they run', () => {
    desk = createTestDesk();
    desk.run('/ticket new "Printer on fire"');
    desk.run('/known-issue new Authentication bug: SSO loop');
    desk.run('/macro new fr1 Thanks {requester.name}');
    const examples = ['/ticket list', '/ticket show 1', '/ticket history 1', '/ticket inbox', '/known-issue list', '/known-issue show 1', '/audit', '/settings', '/whoami', '/ticket search printer', '/macro list', '/macro show fr1', '/macro pick 1', '/macro links', '/report sla', '/report known-issues', '/report tags', '/rotation show', '/duplicates list', '/calendar', '/channel show', '/channel intake list', '/guard show', '/oncall', '/oncall check', '/oncall contacts', '/oncall schedule', '/people', '/people list', '/sla 1', '/sla policy', '/sla queue', '/ticket tags area'];
    expect(examples.every((text) => onlyReads(registry, text))).toBe(true);
    for (const text of examples) {
      const before = rowsChanged(desk.app.store);
      desk.run(text);
      const after = rowsChanged(desk.app.store);
      expect(after - before, text).toBe(0);
    }
    // The counter moves with a write: the zeros above are not those of a counter that never moves.
    const before = rowsChanged(desk.app.store);
    desk.run('/ticket new "Another"');
    expect(rowsChanged(desk.app.store)).toBeGreaterThan(before);
  });
});
