CREATE TABLE `chat_cursors` (
	`platform` text NOT NULL,
	`room` text NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `room`)
);
