ALTER TABLE `outbox` ADD `urgent` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_urgent_due` ON `outbox` (`state`,`urgent`,`next_attempt_at`);