CREATE TABLE "audit_sample" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"drawn_by" uuid NOT NULL,
	"drawn_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"conclusion" text DEFAULT '' NOT NULL,
	"concluded_by" uuid,
	"concluded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "audit_sample_item" (
	"sample_id" uuid NOT NULL,
	"audit_log_id" bigint NOT NULL,
	"judgement" text,
	"comment" text DEFAULT '' NOT NULL,
	CONSTRAINT "audit_sample_item_sample_id_audit_log_id_pk" PRIMARY KEY("sample_id","audit_log_id")
);
--> statement-breakpoint
CREATE TABLE "client_period_planned" (
	"client_id" uuid NOT NULL,
	"period" text NOT NULL,
	"first_day" date NOT NULL,
	"planned_minutes" integer NOT NULL,
	"planned_visits" integer NOT NULL,
	CONSTRAINT "client_period_planned_client_id_period_pk" PRIMARY KEY("client_id","period")
);
--> statement-breakpoint
CREATE TABLE "client_period_usage" (
	"client_id" uuid NOT NULL,
	"period" text NOT NULL,
	"first_day" date NOT NULL,
	"used_minutes" integer NOT NULL,
	"done_visits" integer NOT NULL,
	"declined_visits" integer NOT NULL,
	"not_done_visits" integer NOT NULL,
	"declined_services" integer NOT NULL,
	"overdrawn_entries" integer NOT NULL,
	CONSTRAINT "client_period_usage_client_id_period_pk" PRIMARY KEY("client_id","period")
);
--> statement-breakpoint
ALTER TABLE "audit_sample" ADD CONSTRAINT "audit_sample_organisation_id_organisation_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisation"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_sample" ADD CONSTRAINT "audit_sample_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_sample" ADD CONSTRAINT "audit_sample_drawn_by_staff_id_fk" FOREIGN KEY ("drawn_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_sample" ADD CONSTRAINT "audit_sample_concluded_by_staff_id_fk" FOREIGN KEY ("concluded_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_sample_item" ADD CONSTRAINT "audit_sample_item_sample_id_audit_sample_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."audit_sample"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_sample_item" ADD CONSTRAINT "audit_sample_item_audit_log_id_audit_log_id_fk" FOREIGN KEY ("audit_log_id") REFERENCES "public"."audit_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_period_planned" ADD CONSTRAINT "client_period_planned_client_id_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."client"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_period_usage" ADD CONSTRAINT "client_period_usage_client_id_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."client"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_sample_unit_idx" ON "audit_sample" USING btree ("unit_id","drawn_at");--> statement-breakpoint
CREATE INDEX "client_period_planned_period_idx" ON "client_period_planned" USING btree ("period","client_id","planned_minutes");--> statement-breakpoint
CREATE INDEX "client_period_usage_first_day_idx" ON "client_period_usage" USING btree ("client_id","first_day");--> statement-breakpoint
CREATE INDEX "client_period_usage_period_idx" ON "client_period_usage" USING btree ("period","client_id","used_minutes","declined_visits","declined_services");--> statement-breakpoint
CREATE INDEX "audit_log_unit_at_idx" ON "audit_log" USING btree ("unit_id","at");