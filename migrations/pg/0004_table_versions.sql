-- Versions of the tables deskops caches (src/store/watched-tables.ts; PgStore.tableVersion in
-- src/store/pg/table-versions.ts), so that a replica's cache of team settings is dropped when
-- another replica changes them. Every statement that writes a watched table sets its row to a new
-- number from a sequence: nextval is never rolled back nor handed out twice, so a number seen
-- inside a transaction that rolls back is never the version of any committed table (no ABA).
-- Two transactions writing the same watched table now also update the same row: the second waits,
-- then loses as a serialization conflict and runs again (rare: settings are written by hand).
-- Infrastructure, not in src/store/pg/schema.ts: test/integration/pg-schema.test.ts leaves it out.
CREATE SEQUENCE "deskops_table_version_seq" AS bigint;
--> statement-breakpoint
CREATE TABLE "deskops_table_versions" (
	"table_name" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
-- search_path is pinned to the migration's, so the function finds its table whatever the session sets.
CREATE FUNCTION "deskops_table_changed"() RETURNS trigger
  LANGUAGE plpgsql SET search_path FROM CURRENT
  AS $$
BEGIN
  UPDATE deskops_table_versions SET version = nextval('deskops_table_version_seq') WHERE table_name = TG_TABLE_NAME;
  RETURN NULL;
END
$$;
--> statement-breakpoint
INSERT INTO "deskops_table_versions" ("table_name", "version") VALUES ('team_settings', nextval('deskops_table_version_seq'));
--> statement-breakpoint
CREATE TRIGGER "team_settings_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "team_settings"
  FOR EACH STATEMENT EXECUTE FUNCTION "deskops_table_changed"();
