ALTER TABLE "command_receipt" ADD COLUMN "fingerprint" text;--> statement-breakpoint
CREATE INDEX "time_entry_visit_idx" ON "time_entry" USING btree ("visit_id");