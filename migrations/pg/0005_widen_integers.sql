ALTER TABLE "attachments" ALTER COLUMN "size" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "bouncing_addresses" ALTER COLUMN "bounces" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "bouncing_addresses" ALTER COLUMN "bounces" SET DEFAULT 1;--> statement-breakpoint
ALTER TABLE "job_runs" ALTER COLUMN "runs" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "leases" ALTER COLUMN "token" SET DATA TYPE bigint;