DROP INDEX "time_entry_client_date_idx";--> statement-breakpoint
CREATE INDEX "time_entry_usage_idx" ON "time_entry" USING btree ("client_id","date","minutes","id","corrects_id","created_at");