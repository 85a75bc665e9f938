ALTER TABLE "outbox" ADD COLUMN "urgent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_urgent_due" ON "outbox" USING btree ("state","urgent","next_attempt_at");