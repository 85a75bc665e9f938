-- Full-text search (SQLite: the FTS5 table search_docs, tokenize 'porter unicode61 remove_diacritics 2').
-- PostgreSQL indexes tickets and comments with GIN over deskops_search_vector(title, body) instead
-- (src/store/pg/schema.ts, searchVector): English stemming over text with its diacritics removed.
-- unaccent() is only STABLE (it reads its dictionary through search_path), so it cannot be in an
-- index expression itself; this wrapper names the dictionary and its schema, which makes it safe
-- to declare IMMUTABLE (the usual PostgreSQL recipe).
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION deskops_search_vector(title text, body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN to_tsvector('pg_catalog.english'::regconfig, public.unaccent('public.unaccent'::regdictionary, coalesce(title, '') || ' ' || coalesce(body, '')));
