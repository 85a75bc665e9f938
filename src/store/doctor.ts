/**
 * What `deskops doctor` reads from a database file, through a read-only connection of its own (not
 * a Store: opening a Store migrates and writes). Each method of the inspection returns what it found
 * as data; the doctor (src/cli/doctor.ts) judges it and says what to do. A method throws when the
 * database cannot answer (no such table, a damaged page): the doctor reports that check as failed.
 */
export type { DatabaseInspection, JobRunRecord, OutboxBacklog, StaffIdentity } from './inspection.js';
export { openForInspection } from './sqlite/doctor.js';
