-- A visit marked done holds its estimate in its frame periods until time is recorded for it
-- (rule F4): set to done on the board without a report, it must not free its minutes. The
-- planned summary therefore counts visits still planned and done visits that no time entry
-- names yet, and a time entry written or removed sums the periods of the visit it names again.
CREATE OR REPLACE FUNCTION client_period_planned_recompute(clients uuid[], days date[]) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM client_period_planned s
	USING client_period_usage_periods(clients, days) p
	WHERE s.client_id = p.client_id AND s.period = p.period;

	INSERT INTO client_period_planned (client_id, period, first_day, planned_minutes, planned_visits)
	SELECT p.client_id, p.period, p.first_day, sum(pv.minutes)::int, count(*)::int
	FROM client_period_usage_periods(clients, days) p
	JOIN planned_visit pv ON pv.client_id = p.client_id AND pv.date BETWEEN p.first_day AND p.last_day
	WHERE pv.status = 'planned'
		OR (pv.status = 'done' AND NOT EXISTS (SELECT 1 FROM time_entry te WHERE te.visit_id = pv.id))
	GROUP BY p.client_id, p.period, p.first_day;
$$;
--> statement-breakpoint
-- The periods of the done visits that changed entries name (through time_entry_visit_idx).
CREATE FUNCTION client_period_planned_after_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	clients uuid[];
	days date[];
BEGIN
	SELECT array_agg(pv.client_id), array_agg(pv.date) INTO clients, days
	FROM planned_visit pv
	WHERE pv.status = 'done'
		AND pv.id IN (SELECT visit_id FROM changed_rows WHERE visit_id IS NOT NULL);
	IF clients IS NOT NULL THEN
		PERFORM client_period_planned_recompute(clients, days);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER time_entry_planned_insert AFTER INSERT ON time_entry
	REFERENCING NEW TABLE AS changed_rows
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_planned_after_entry();
--> statement-breakpoint
CREATE TRIGGER time_entry_planned_delete AFTER DELETE ON time_entry
	REFERENCING OLD TABLE AS changed_rows
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_planned_after_entry();
--> statement-breakpoint
-- Entries are append-only (DESIGN.md §6); should one be changed in place all the same, the
-- visits it named before and after are summed again.
CREATE FUNCTION client_period_planned_after_entry_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	clients uuid[];
	days date[];
BEGIN
	SELECT array_agg(pv.client_id), array_agg(pv.date) INTO clients, days
	FROM planned_visit pv
	WHERE pv.status = 'done'
		AND pv.id IN (
			SELECT visit_id FROM old_rows WHERE visit_id IS NOT NULL
			UNION SELECT visit_id FROM new_rows WHERE visit_id IS NOT NULL
		);
	IF clients IS NOT NULL THEN
		PERFORM client_period_planned_recompute(clients, days);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER time_entry_planned_update AFTER UPDATE ON time_entry
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_planned_after_entry_update();
--> statement-breakpoint
CREATE FUNCTION client_period_planned_after_entry_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM client_period_planned_recompute(array_agg(client_id), array_agg(date))
	FROM (SELECT DISTINCT client_id, date FROM planned_visit WHERE status = 'done') done;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER time_entry_planned_truncate AFTER TRUNCATE ON time_entry
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_planned_after_entry_truncate();
--> statement-breakpoint
-- Done visits already on the boards without a report.
SELECT client_period_planned_recompute(array_agg(client_id), array_agg(date))
FROM (SELECT DISTINCT client_id, date FROM planned_visit WHERE status = 'done') done;
