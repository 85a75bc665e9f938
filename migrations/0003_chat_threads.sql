CREATE TABLE `seen_events` (
	`key` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ticket_threads` (
	`platform` text NOT NULL,
	`ticket_id` integer NOT NULL,
	`channel` text NOT NULL,
	`thread` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `ticket_id`, `channel`),
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_threads_message` ON `ticket_threads` (`platform`,`channel`,`thread`);