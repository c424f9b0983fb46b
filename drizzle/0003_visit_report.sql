ALTER TABLE "client" ADD COLUMN "access_code" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "time_entry" ADD COLUMN "outcome" text DEFAULT 'done' NOT NULL;--> statement-breakpoint
ALTER TABLE "time_entry" ADD COLUMN "declined_services" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "time_entry" ADD COLUMN "note" text DEFAULT '' NOT NULL;