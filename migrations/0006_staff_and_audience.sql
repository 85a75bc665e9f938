ALTER TABLE `outbox` ADD `audience` text DEFAULT 'staff' NOT NULL;--> statement-breakpoint
ALTER TABLE `people` ADD `staff_grant` text;--> statement-breakpoint
ALTER TABLE `people` ADD `is_staff` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `ticket_threads` ADD `conversation` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `handled_invocations_at` ON `handled_invocations` (`at`);--> statement-breakpoint
-- Everyone known before this was an agent: they stay marked staff until their next command checks
-- them against DESKOPS_STAFF (deskops doctor lists those no rule or /people add covers).
UPDATE `people` SET `is_staff` = 1;--> statement-breakpoint
-- The only rows queued for a requester so far: the Pending reminders to the ticket's conversation.
UPDATE `outbox` SET `audience` = 'requester' WHERE `channel` LIKE 'ticket:%';--> statement-breakpoint
-- A ticket's thread recorded with the ticket itself is the message it was opened from: the requester's.
UPDATE `ticket_threads` SET `conversation` = 1 WHERE `created_at` = (SELECT `created_at` FROM `tickets` WHERE `tickets`.`id` = `ticket_threads`.`ticket_id`);
