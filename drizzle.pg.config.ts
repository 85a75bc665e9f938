import { defineConfig } from 'drizzle-kit';

// PostgreSQL's migrations (DESKOPS_DATABASE_URL): beside SQLite's, in a folder of their own, so
// the SQLite migrator (migrations/meta/_journal.json) never sees them. `npm run db:generate:pg`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/pg/schema.ts',
  out: './migrations/pg',
});
