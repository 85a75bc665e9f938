-- Full-text search over tickets (title, description) and their comments (public replies and
-- internal notes), kept in step by triggers inside the transaction of every write.
-- rowid = ticket id * 2 for a ticket, comment id * 2 + 1 for a comment.
CREATE VIRTUAL TABLE `search_docs` USING fts5(title, body, ticket_id UNINDEXED, kind UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `search_docs` (rowid, title, body, ticket_id, kind) SELECT id * 2, title, description, id, 'ticket' FROM `tickets`;
--> statement-breakpoint
INSERT INTO `search_docs` (rowid, title, body, ticket_id, kind) SELECT id * 2 + 1, '', body, ticket_id, visibility FROM `comments`;
--> statement-breakpoint
CREATE TRIGGER `search_tickets_insert` AFTER INSERT ON `tickets` BEGIN
  INSERT INTO `search_docs` (rowid, title, body, ticket_id, kind) VALUES (new.id * 2, new.title, new.description, new.id, 'ticket');
END;
--> statement-breakpoint
CREATE TRIGGER `search_tickets_update` AFTER UPDATE OF title, description ON `tickets` BEGIN
  UPDATE `search_docs` SET title = new.title, body = new.description WHERE rowid = new.id * 2;
END;
--> statement-breakpoint
CREATE TRIGGER `search_tickets_delete` AFTER DELETE ON `tickets` BEGIN
  DELETE FROM `search_docs` WHERE rowid = old.id * 2;
END;
--> statement-breakpoint
CREATE TRIGGER `search_comments_insert` AFTER INSERT ON `comments` BEGIN
  INSERT INTO `search_docs` (rowid, title, body, ticket_id, kind) VALUES (new.id * 2 + 1, '', new.body, new.ticket_id, new.visibility);
END;
--> statement-breakpoint
CREATE TRIGGER `search_comments_update` AFTER UPDATE OF body, ticket_id, visibility ON `comments` BEGIN
  UPDATE `search_docs` SET body = new.body, ticket_id = new.ticket_id, kind = new.visibility WHERE rowid = new.id * 2 + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `search_comments_delete` AFTER DELETE ON `comments` BEGIN
  DELETE FROM `search_docs` WHERE rowid = old.id * 2 + 1;
END;
