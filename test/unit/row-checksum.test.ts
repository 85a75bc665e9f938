/**
 * The checksum `deskops copy-db` compares across engines: the same for rows the app would read the
 * same (whatever order they come in, whatever order their JSON keys were stored in), different as
 * soon as one value differs, including ones JSON alone would blur (an instant, bytes).
 */
import { describe, expect, it } from 'vitest';
import { canonicalRow, TableChecksum } from '../../src/store/row-checksum.js';
import { seededRandom } from '../doubles/random.js';

function checksumOf(rows: ReadonlyArray<Record<string, unknown>>): string {
  const sum = new TableChecksum();
  for (const row of rows) sum.add(row);
  return sum.hex();
}

const rows = [
  { id: 1, title: 'Printer on fire', created_at: new Date('2026-03-02T09:00:00.123Z'), is_staff: true, after: { b: [1, { d: 2, c: 3 }], a: null }, data: Buffer.from([0, 1, 255]) },
  { id: 2, title: 'Mail bounces', created_at: new Date('2026-03-02T09:00:01Z'), is_staff: false, after: null, data: null },
  { id: 3, title: 'Café ☕', created_at: null, is_staff: false, after: { z: 'x' }, data: Buffer.alloc(0) },
];

describe('the copy checksum', () => {
  it('writes a row canonically: columns and JSON keys sorted at every depth, instants as milliseconds, bytes as base64', () => {
    expect(canonicalRow({ b: 1, a: { y: [new Date(5), Uint8Array.from([1, 2])], x: undefined } })).toBe('{"a":{"x":null,"y":[5,{"bytes":"AQI="}]},"b":1}');
  });

  it('does not depend on the order rows or keys come in', () => {
    const expected = checksumOf(rows);
    const random = seededRandom(20261204);
    for (let run = 0; run < 20; run++) {
      const shuffled = [...rows].sort(() => random() - 0.5).map((row) => Object.fromEntries(Object.entries(row).reverse()));
      expect(checksumOf(shuffled)).toBe(expected);
    }
    expect(checksumOf([{ after: { a: null, b: [1, { c: 3, d: 2 }] } }])).toBe(checksumOf([{ after: { b: [1, { d: 2, c: 3 }], a: null } }]));
  });

  it('changes when any one value changes, and counts the rows', () => {
    const expected = checksumOf(rows);
    const changed: Array<Record<string, unknown>> = [
      { ...rows[0], created_at: new Date('2026-03-02T09:00:00.124Z') },
      { ...rows[0], is_staff: 1 },
      { ...rows[0], data: Buffer.from([0, 1, 254]) },
      { ...rows[0], after: { b: [1, { d: 2, c: '3' }], a: null } },
      { ...rows[0], title: 'Printer on fire ' },
    ];
    for (const row of changed) expect(checksumOf([row, rows[1]!, rows[2]!]), JSON.stringify(row)).not.toBe(expected);
    expect(checksumOf(rows.slice(0, 2))).not.toBe(expected);
    const sum = new TableChecksum();
    for (const row of rows) sum.add(row);
    expect(sum.rows).toBe(3);
    expect(new TableChecksum().hex()).toBe('0'.repeat(64));
  });
});
