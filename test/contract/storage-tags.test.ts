/**
 * The TagRepository holds the same promises on SQLite and PostgreSQL: the same steps through
 * `sqliteStore.tags` and `pgTag(pgStore)` give the same answers, in the same order where SQLite's
 * lists have one (its index order) though the interface leaves them unsorted.
 */
import { describe, expect, it } from 'vitest';
import { pgTag } from '../../src/store/pg/tags.js';
import { pgTicket } from '../../src/store/pg/tickets.js';
import type { TagRepository } from '../../src/store/repositories/tags.js';
import type { TicketRepository } from '../../src/store/repositories/tickets.js';
import { useStorageEngines, type BothStores } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000 + 11);

function sides({ sqliteStore, pgStore }: BothStores): Array<{ repo: TagRepository; tickets: TicketRepository }> {
  return [
    { repo: sqliteStore.tags, tickets: sqliteStore.tickets },
    { repo: pgTag(pgStore), tickets: pgTicket(pgStore) },
  ];
}

function openTicket(tickets: TicketRepository, createdAt: Date): number {
  return tickets.insert({ title: 'T', department: 'paid', createdAt, updatedAt: createdAt, tierEnteredAt: createdAt, statusChangedAt: createdAt }).id;
}

describe('the tag repository on SQLite and PostgreSQL', () => {
  it('reads the seeded taxonomy alike', async () => {
    const answers = sides(await engines.open()).map(({ repo }) => ({
      families: repo.families(),
      active: repo.active(),
      area: repo.active('area'),
      exists: [repo.familyExists('area'), repo.familyExists('Area'), repo.familyExists('nope')],
    }));
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.families).toContain('area');
    expect(onSqlite!.area.length).toBeGreaterThan(3);
    expect(onSqlite!.exists).toEqual([true, false, false]);
  });

  it('adds, finds, retires and restores tags alike', async () => {
    const answers = sides(await engines.open()).map(({ repo }) => {
      const zed = repo.insert({ family: 'zeta', name: 'Zed', slug: 'zed' });
      const alpha = repo.insert({ family: 'zeta', name: 'alpha', slug: 'Alpha' });
      const dash = repo.insert({ family: 'zeta', name: 'Dash', slug: 'a-b' });
      const other = repo.insert({ family: 'Zeta', name: 'Zed', slug: 'zed' });
      const beta = repo.insert({ family: 'beta-x', name: 'Zed', slug: 'zed' });
      const retired = repo.retire(alpha.id, at(5));
      const retiredOther = repo.retire(other.id, at(6));
      const restored = repo.restore(other.id);
      let duplicate = 'stored';
      try {
        repo.insert({ family: 'zeta', name: 'Again', slug: 'zed' });
      } catch {
        duplicate = 'refused';
      }
      return {
        inserted: [zed, alpha, dash, other, beta],
        retired,
        retiredOther,
        restored,
        duplicate,
        families: repo.families(),
        zeta: repo.active('zeta'),
        Zeta: repo.active('Zeta'),
        allActive: repo.active().filter((t) => t.family.toLowerCase().includes('zeta') || t.family === 'beta-x'),
        bySlug: [repo.bySlug('zeta', 'Alpha'), repo.bySlug('zeta', 'alpha'), repo.bySlug('Zeta', 'zed'), repo.bySlug('nope', 'zed')],
        retiredAt: [repo.retiredAtOf('zeta', 'Alpha'), repo.retiredAtOf('zeta', 'zed'), repo.retiredAtOf('zeta', 'nope')],
        ids: [repo.idsWithSlug('zed'), repo.idsWithSlug('Alpha'), repo.idsWithSlug('none')],
      };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    const s = onSqlite!;
    expect(s.retired).toMatchObject({ slug: 'Alpha', retiredAt: at(5) });
    expect(s.restored).toMatchObject({ family: 'Zeta', retiredAt: null });
    expect(s.duplicate).toBe('refused');
    expect(s.zeta.map((t) => t.slug)).toEqual(['a-b', 'zed']);
    expect(s.retiredAt).toEqual([{ retiredAt: at(5) }, { retiredAt: null }, undefined]);
    // By family in byte order: 'Zeta' < 'beta-x' < 'zeta'.
    const [zed, , , other, beta] = s.inserted;
    expect(s.ids[0]).toEqual([other!.id, beta!.id, zed!.id]);
    expect(s.families.indexOf('Zeta')).toBeLessThan(s.families.indexOf('beta-x'));
  });

  it('puts tags on tickets, counts them and ranks the most used alike', async () => {
    const answers = sides(await engines.open()).map(({ repo, tickets }) => {
      const red = repo.insert({ family: 'colour', name: 'red', slug: 'red' });
      const blue = repo.insert({ family: 'colour', name: 'Blue', slug: 'blue' });
      const green = repo.insert({ family: 'colour', name: 'green', slug: 'green' });
      const shade = repo.insert({ family: 'shade', name: 'Blue', slug: 'blue' });
      const typeTag = repo.insert({ family: 'kind', name: 'Aardvark', slug: 'aardvark' });
      const ids = [at(0), at(10), at(20), at(30), at(40), at(-10)].map((createdAt) => openTicket(tickets, createdAt));
      repo.attach(ids[0]!, [green.id, red.id, blue.id, typeTag.id]);
      repo.attach(ids[1]!, [red.id, shade.id, typeTag.id]);
      repo.attach(ids[2]!, [blue.id, shade.id, typeTag.id]);
      repo.attach(ids[3]!, [green.id]);
      repo.attach(ids[4]!, [red.id, green.id]);
      repo.attach(ids[5]!, [red.id, green.id, blue.id]);
      const before = repo.ofTicket(ids[0]!);
      repo.detach(ids[0]!, [red.id, shade.id]);
      repo.detach(ids[4]!, []);
      repo.retire(green.id, at(1));
      return {
        before,
        after: ids.map((id) => repo.ofTicket(id)),
        counts: [red, blue, green, shade, typeTag].map((t) => repo.ticketCount(t.id)),
        unused: repo.ticketCount(99_999),
        mostUsed: repo.mostUsed(at(0), at(40), 'kind', 10),
        top2: repo.mostUsed(at(0), at(40), 'kind', 2),
        withKind: repo.mostUsed(at(0), at(100), 'none', 10),
        empty: repo.mostUsed(at(100), at(200), 'kind', 5),
      };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    const s = onSqlite!;
    expect(s.before.map((t) => t.slug)).toEqual(['red', 'blue', 'green', 'aardvark']); // by tag id, as SQLite walks ticket_tags' key
    expect(s.after[0]!.map((t) => t.name).sort()).toEqual(['Aardvark', 'Blue', 'green']);
    expect(s.after[0]!.find((t) => t.slug === 'green')!.retiredAt).toEqual(at(1));
    expect(s.counts).toEqual([3, 3, 4, 2, 3]);
    expect(s.unused).toBe(0);
    // Tickets at 0, 10, 20, 30 (not 40, not -10), kind excluded; then by name in byte order ('Blue' < 'green').
    expect(s.mostUsed).toEqual([
      { family: 'colour', name: 'Blue', n: 2 },
      { family: 'shade', name: 'Blue', n: 2 },
      { family: 'colour', name: 'green', n: 2 },
      { family: 'colour', name: 'red', n: 1 },
    ]);
    expect(s.top2).toEqual(s.mostUsed.slice(0, 2));
    expect(s.withKind.slice(0, 2)).toEqual([
      { family: 'kind', name: 'Aardvark', n: 3 },
      { family: 'colour', name: 'green', n: 3 },
    ]);
    expect(s.empty).toEqual([]);
  });
});
