CREATE TABLE `answer_cluster_members` (
	`cluster_id` integer NOT NULL,
	`comment_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	PRIMARY KEY(`cluster_id`, `comment_id`),
	FOREIGN KEY (`cluster_id`) REFERENCES `answer_clusters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `answer_cluster_members_comment` ON `answer_cluster_members` (`comment_id`);--> statement-breakpoint
CREATE TABLE `answer_clusters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`state` text DEFAULT 'suggested' NOT NULL,
	`created_at` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	FOREIGN KEY (`decided_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `job_cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `known_issue_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`known_issue_id` integer NOT NULL,
	`body` text NOT NULL,
	`author_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`known_issue_id`) REFERENCES `known_issues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `known_issue_notes_issue` ON `known_issue_notes` (`known_issue_id`,`id`);--> statement-breakpoint
CREATE TABLE `macros` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`body` text NOT NULL,
	`department` text,
	`set_status` text,
	`hold_days` integer,
	`set_priority` text,
	`add_tags` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `macros_name_unique` ON `macros` (`name`);--> statement-breakpoint
CREATE TABLE `reply_signatures` (
	`comment_id` integer PRIMARY KEY NOT NULL,
	`ticket_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`terms` text NOT NULL,
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reply_signatures_created` ON `reply_signatures` (`created_at`);--> statement-breakpoint
CREATE TABLE `reply_term_counts` (
	`term` text PRIMARY KEY NOT NULL,
	`replies` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reply_terms` (
	`term` text NOT NULL,
	`comment_id` integer NOT NULL,
	PRIMARY KEY(`term`, `comment_id`)
);
--> statement-breakpoint
CREATE TABLE `ticket_followers` (
	`ticket_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`added_by` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`ticket_id`, `person_id`),
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_followers_person` ON `ticket_followers` (`person_id`);--> statement-breakpoint
CREATE TABLE `tier_rotation_members` (
	`tier` text NOT NULL,
	`position` integer NOT NULL,
	`person_id` integer NOT NULL,
	PRIMARY KEY(`tier`, `position`),
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tier_rotations` (
	`tier` text PRIMARY KEY NOT NULL,
	`handoff_weekday` integer DEFAULT 1 NOT NULL,
	`handoff_time` text DEFAULT '10:00' NOT NULL,
	`anchor_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `comments` ADD `macro_id` integer;--> statement-breakpoint
ALTER TABLE `known_issues` ADD `partner_ref` text;--> statement-breakpoint
ALTER TABLE `people` ADD `away_until` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `merged_into_id` integer;--> statement-breakpoint
CREATE INDEX `tickets_requester` ON `tickets` (`requester`,`id`);