ALTER TABLE `oncall_escalations` ADD `paged_at` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `parent_kind` text;--> statement-breakpoint
UPDATE `tickets` SET `parent_kind` = CASE WHEN EXISTS (SELECT 1 FROM `audit_events` WHERE `entity` = 'ticket' AND `entity_id` = CAST(`tickets`.`id` AS TEXT) AND `action` = 'ticket.created' AND json_extract(`after`, '$.followUpOf') IS NOT NULL) THEN 'follow-up' ELSE 'split' END WHERE `parent_id` IS NOT NULL;
