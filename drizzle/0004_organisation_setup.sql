CREATE TABLE "base_plan" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"weekdays" integer[] NOT NULL,
	"day_part" text NOT NULL,
	"services" text[] NOT NULL,
	"minutes" integer NOT NULL,
	"window" text,
	"note" text DEFAULT '' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "base_plan_fill" (
	"team_id" uuid NOT NULL,
	"week" text NOT NULL,
	"filled_by" uuid,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "base_plan_fill_team_id_week_pk" PRIMARY KEY("team_id","week")
);
--> statement-breakpoint
ALTER TABLE "decision" ADD COLUMN "replaces_id" uuid;--> statement-breakpoint
ALTER TABLE "session" ADD COLUMN "acting_staff_id" uuid;--> statement-breakpoint
ALTER TABLE "session" ADD COLUMN "acting_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "base_plan" ADD CONSTRAINT "base_plan_organisation_id_organisation_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "base_plan" ADD CONSTRAINT "base_plan_team_id_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."team"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "base_plan" ADD CONSTRAINT "base_plan_client_id_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."client"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "base_plan" ADD CONSTRAINT "base_plan_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "base_plan_fill" ADD CONSTRAINT "base_plan_fill_team_id_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."team"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "base_plan_fill" ADD CONSTRAINT "base_plan_fill_filled_by_staff_id_fk" FOREIGN KEY ("filled_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "base_plan_team_idx" ON "base_plan" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "base_plan_client_idx" ON "base_plan" USING btree ("client_id");--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_acting_staff_id_staff_id_fk" FOREIGN KEY ("acting_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "decision_replaces_idx" ON "decision" USING btree ("replaces_id");