CREATE TABLE `attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`comment_id` integer,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`data` blob,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attachments_ticket` ON `attachments` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `blocked_senders` (
	`pattern` text PRIMARY KEY NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `bouncing_addresses` (
	`address` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`bounces` integer DEFAULT 1 NOT NULL,
	`last_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `comment_sources` (
	`platform` text NOT NULL,
	`message_id` text NOT NULL,
	`comment_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	PRIMARY KEY(`platform`, `message_id`),
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `mail_messages` (
	`message_id` text PRIMARY KEY NOT NULL,
	`ticket_id` integer NOT NULL,
	`direction` text NOT NULL,
	`address` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mail_messages_ticket` ON `mail_messages` (`ticket_id`,`at`);--> statement-breakpoint
CREATE TABLE `pending_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`channel` text,
	`message_id` text NOT NULL,
	`author_id` integer NOT NULL,
	`author` text NOT NULL,
	`body` text NOT NULL,
	`candidate_id` integer,
	`state` text DEFAULT 'pending' NOT NULL,
	`ticket_id` integer,
	`created_at` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	FOREIGN KEY (`author_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`candidate_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pending_messages_source` ON `pending_messages` (`platform`,`message_id`);--> statement-breakpoint
CREATE INDEX `pending_messages_state` ON `pending_messages` (`state`,`id`);--> statement-breakpoint
CREATE TABLE `ticket_conversations` (
	`ticket_id` integer PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`channel` text,
	`thread` text,
	`address` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Tickets opened from a chat message before this: their conversation is that message's thread.
INSERT OR IGNORE INTO `ticket_conversations` (`ticket_id`, `platform`, `channel`, `thread`, `address`, `updated_at`)
  SELECT `ticket_id`, `platform`, `channel`, `thread`, NULL, `created_at` FROM `ticket_threads` WHERE `conversation` = 1;
