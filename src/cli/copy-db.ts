/** `deskops copy-db --to postgres://…`: moves an SQLite install to PostgreSQL and shows the proof, table by table. */
import { copySqliteToPostgres, type CopyReport } from '../store/copy.js';

export { CopyFailed, CopyRefused } from '../store/copy.js';

export interface CopyDbOptions {
  /** The SQLite file (default DESKOPS_DB). */
  from: string;
  /** The PostgreSQL database (default DESKOPS_DATABASE_URL). */
  to: string;
}

/** Copies and verifies; the report says whether it was committed. */
export function copyDatabase(options: CopyDbOptions): Promise<CopyReport> {
  return copySqliteToPostgres({ from: options.from, to: options.to });
}

/** Checksums are shown by their first 16 hex digits: enough to tell two apart at a glance. */
const SHOWN_DIGITS = 16;

/** The report as the lines `deskops copy-db` prints: a table of counts and checksums per table, then the verdict. */
export function formatCopyReport(report: CopyReport): string {
  const header = ['table', 'SQLite rows', 'PostgreSQL rows', 'SQLite checksum', 'PostgreSQL checksum', ''];
  const rows = report.tables.map((table) => {
    const same = table.sourceRows === table.targetRows && table.sourceChecksum === table.targetChecksum;
    return [
      table.table,
      table.sourceRows.toLocaleString('en-US'),
      table.targetRows.toLocaleString('en-US'),
      table.sourceChecksum.slice(0, SHOWN_DIGITS),
      table.targetChecksum.slice(0, SHOWN_DIGITS),
      same ? 'ok' : 'MISMATCH',
    ];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 1 || i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const totalRows = report.tables.reduce((sum, table) => sum + table.sourceRows, 0);
  const verdict = report.committed
    ? `Copied ${totalRows.toLocaleString('en-US')} rows in ${report.tables.length} tables from ${report.source} to ${report.target}; every count and checksum matches. Point deskops at it with DESKOPS_DATABASE_URL.`
    : `Nothing was committed to ${report.target}: ${report.mismatched.join(', ')} ${report.mismatched.length === 1 ? 'differs' : 'differ'} between SQLite and PostgreSQL (a value PostgreSQL does not keep as SQLite does). The source is unchanged.`;
  return [line(header), ...rows.map(line), '', verdict].join('\n');
}
