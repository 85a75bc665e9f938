/**
 * The tables `Storage.tableVersion` watches, on every engine: team settings are read by nearly every
 * command and written rarely, so their readers cache them (src/app/team-settings.ts). SQLite
 * watches them with temporary triggers (database.ts), PostgreSQL with a version row its own
 * triggers move (pg/table-versions.ts, migrations/pg).
 */
export const WATCHED_TABLES: readonly string[] = ['team_settings'];
