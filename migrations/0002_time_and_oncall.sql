CREATE TABLE `contacts` (
	`person_id` integer NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`person_id`, `kind`),
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`job` text PRIMARY KEY NOT NULL,
	`last_started_at` integer,
	`last_finished_at` integer,
	`last_duration_ms` integer,
	`last_error` text,
	`runs` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `oncall_escalations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`rotation_id` integer,
	`major` integer DEFAULT false NOT NULL,
	`escalated_at` integer NOT NULL,
	`escalated_by` integer,
	`oncall_person_id` integer,
	`backup_person_id` integer,
	`step` text DEFAULT 'announced' NOT NULL,
	`next_step_at` integer,
	`acknowledged_at` integer,
	`acknowledged_by` integer,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rotation_id`) REFERENCES `rotations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`escalated_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`oncall_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`backup_person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `oncall_escalations_due` ON `oncall_escalations` (`next_step_at`);--> statement-breakpoint
CREATE INDEX `oncall_escalations_ticket` ON `oncall_escalations` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `rotation_members` (
	`rotation_id` integer NOT NULL,
	`position` integer NOT NULL,
	`person_id` integer NOT NULL,
	PRIMARY KEY(`rotation_id`, `position`),
	FOREIGN KEY (`rotation_id`) REFERENCES `rotations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rotation_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rotation_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`rotation_id`) REFERENCES `rotations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rotation_overrides_span` ON `rotation_overrides` (`rotation_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `rotations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`handoff_weekday` integer DEFAULT 1 NOT NULL,
	`handoff_time` text DEFAULT '10:00' NOT NULL,
	`anchor_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rotations_name_unique` ON `rotations` (`name`);--> statement-breakpoint
CREATE TABLE `sla_clocks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`tier` text NOT NULL,
	`entered_at` integer NOT NULL,
	`left_at` integer,
	`used_ms` integer DEFAULT 0 NOT NULL,
	`running_since` integer,
	`band` text DEFAULT 'green' NOT NULL,
	`warned` text,
	`next_check_at` integer,
	`snoozed_until` integer,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sla_clocks_ticket` ON `sla_clocks` (`ticket_id`,`id`);--> statement-breakpoint
CREATE INDEX `sla_clocks_due` ON `sla_clocks` (`next_check_at`);--> statement-breakpoint
CREATE INDEX `sla_clocks_entered` ON `sla_clocks` (`entered_at`);--> statement-breakpoint
CREATE TABLE `team_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	FOREIGN KEY (`updated_by`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `outbox` ADD `ticket_id` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `valid_while` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `mentions` text;--> statement-breakpoint
ALTER TABLE `people` ADD `time_zone` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `status_timer_at` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `pending_reminded_at` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `reply_due_at` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `reply_warned_at` integer;--> statement-breakpoint
CREATE INDEX `tickets_status_timer` ON `tickets` (`status_timer_at`);--> statement-breakpoint
CREATE INDEX `tickets_reply_due` ON `tickets` (`reply_warned_at`,`reply_due_at`);