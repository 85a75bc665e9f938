/** The platform router for outbox rows: prefixes, channel mappings, people by identity, tickets by origin, webhooks. */
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatformSink } from '../../src/delivery/platform-sink.js';
import { platformFor } from '../../src/delivery/destinations.js';
import { DeliveryError, type DeliverySink } from '../../src/delivery/sink.js';
import { identities, people, tickets } from '../../src/store/schema.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { answerThere } from '../../src/app/conversations.js';
import { insertRow, insertRows } from '../doubles/db.js';

let desk: TestDesk;
afterEach(() => desk?.dispose());

/** A sink that records which channels reached it. */
function recorder(): DeliverySink & { channels: string[] } {
  const channels: string[] = [];
  return { channels, post: async (channel) => void channels.push(channel) };
}

function person(name: string, platforms: Array<'slack' | 'rocketchat' | 'shell'>): number {
  const now = desk.clock.now();
  const { id } = insertRow(desk.app.store, people, { displayName: name, createdAt: now });
  for (const platform of platforms) insertRows(desk.app.store, identities, [{ platform, externalId: `${platform}-${name}`, handle: name, personId: id }]);
  return id;
}

/** A ticket whose requester wrote from `platform` (a room there), or from nowhere deskops can answer. */
function ticket(platform: 'slack' | 'rocketchat' | 'email' | null): number {
  const now = desk.clock.now();
  const { id } = insertRow(desk.app.store, tickets, { title: 't', department: 'paid', chatPlatform: platform === 'email' ? null : platform, createdAt: now, updatedAt: now, tierEnteredAt: now, statusChangedAt: now });
  if (platform === 'email') answerThere(desk.app, id, { platform, address: 'jane@example.com' });
  else if (platform) answerThere(desk.app, id, { platform, channel: 'ROOM', thread: 'm1' });
  return id;
}

describe('platform sink', () => {
  it('routes by prefix, mapping, identity and ticket origin, falling back to the primary platform', async () => {
    desk = createTestDesk();
    expect(desk.say('/channel set t2 rocketchat:ROOM2')).toMatch(/t2|ROOM2/i);
    desk.run('/channel set t3 slack:C0T3');
    desk.run('/channel set leads #leads');
    const both = person('bo', ['slack', 'rocketchat']);
    const rcOnly = person('rita', ['rocketchat', 'shell']);
    const nobody = person('nina', ['shell']);
    const rcTicket = ticket('rocketchat');
    const slackTicket = ticket('slack');
    const shellTicket = ticket(null);
    const mailTicket = ticket('email');

    const available = ['slack', 'rocketchat'] as const;
    const route = (channel: string) => platformFor(desk.app, channel, available);
    expect(route('slack:C01')).toBe('slack');
    expect(route('rocketchat:abc')).toBe('rocketchat');
    expect(route('tier:t2')).toBe('rocketchat');
    expect(route('tier:t3')).toBe('slack');
    expect(route('role:leads')).toBeUndefined();
    expect(route('tier:t4')).toBeUndefined();
    expect(route(`person:${both}`)).toBe('slack');
    expect(platformFor(desk.app, `person:${both}`, ['rocketchat'])).toBe('rocketchat');
    expect(route(`person:${rcOnly}`)).toBe('rocketchat');
    expect(route(`person:${nobody}`)).toBeUndefined();
    expect(route(`ticket:${rcTicket}`)).toBe('rocketchat');
    expect(route(`ticket:${slackTicket}`)).toBe('slack');
    expect(route(`ticket:${shellTicket}`)).toBeUndefined();
    expect(route(`ticket:${mailTicket}`)).toBe('email');
    expect(route('email:jane@example.com')).toBe('email');

    const slack = recorder();
    const rocketchat = recorder();
    const webhook = recorder();
    const sink = createPlatformSink(desk.engine, { platforms: [{ platform: 'slack', sink: slack }, { platform: 'rocketchat', sink: rocketchat }], webhook });
    for (const channel of ['tier:t2', 'tier:t3', 'role:leads', `person:${rcOnly}`, `ticket:${rcTicket}`, `ticket:${shellTicket}`, 'webhook:page']) {
      await sink.post(channel, { tone: 'info', visibility: 'channel', audience: 'staff', title: 'x' }, []);
    }
    expect(rocketchat.channels).toEqual(['tier:t2', `person:${rcOnly}`, `ticket:${rcTicket}`]);
    expect(slack.channels).toEqual(['tier:t3', 'role:leads', `ticket:${shellTicket}`]);
    expect(webhook.channels).toEqual(['webhook:page']);
  });

  it('sends what names no platform to the only one configured, refuses what names another, and refuses when there is none', async () => {
    desk = createTestDesk();
    desk.run('/channel set t3 slack:C0T3');
    const rocketchat = recorder();
    const only = createPlatformSink(desk.engine, { platforms: [{ platform: 'rocketchat', sink: rocketchat }], webhook: recorder() });
    await only.post('tier:t4', {}, []);
    // Mapped to Slack, or to the requester's mail, with no Slack or mail configured: a failure a lead hears of.
    await expect(only.post('tier:t3', {}, [])).rejects.toMatchObject({ permanent: true });
    await expect(only.post(`ticket:${ticket('email')}`, {}, [])).rejects.toThrow(/DESKOPS_SMTP_URL/);
    expect(rocketchat.channels).toEqual(['tier:t4']);

    const none = createPlatformSink(desk.engine, { platforms: [], webhook: recorder() });
    await expect(none.post('tier:t2', {}, [])).rejects.toBeInstanceOf(DeliveryError);
  });
});
