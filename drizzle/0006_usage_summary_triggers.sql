-- The per-client, per-period summaries are kept in step with their tables by statement-level
-- triggers, in the same transaction as the change: a report never sees an entry or a planned
-- visit without its summary, whatever wrote it (the time:record command, the board's
-- projection, an import, the demo seed). Every period a change touches is summed again from
-- the rows themselves, so a summary equals the raw computation by construction.
--
-- client_period_usage: the effective time entries (rule T1: an entry counts unless a row
-- corrects it; of several corrections of one entry only the latest counts).

-- The week and the month of every (client, day) given, with their first and last days.
CREATE FUNCTION client_period_usage_periods(clients uuid[], days date[])
RETURNS TABLE (client_id uuid, period text, first_day date, last_day date)
LANGUAGE sql STABLE AS $$
	WITH touched AS (
		SELECT DISTINCT t.client_id, t.day FROM unnest(clients, days) AS t(client_id, day)
	)
	SELECT client_id, to_char(day, 'IYYY-"W"IW'),
		date_trunc('week', day::timestamp)::date,
		date_trunc('week', day::timestamp)::date + 6
	FROM touched
	UNION
	SELECT client_id, to_char(day, 'YYYY-MM'),
		date_trunc('month', day::timestamp)::date,
		(date_trunc('month', day::timestamp) + interval '1 month - 1 day')::date
	FROM touched
$$;
--> statement-breakpoint
-- Sums again the week and the month of every (client, day) given; a period left without
-- effective entries has no row.
CREATE FUNCTION client_period_usage_recompute(clients uuid[], days date[]) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM client_period_usage u
	USING client_period_usage_periods(clients, days) p
	WHERE u.client_id = p.client_id AND u.period = p.period;

	INSERT INTO client_period_usage (client_id, period, first_day, used_minutes, done_visits,
		declined_visits, not_done_visits, declined_services, overdrawn_entries)
	SELECT p.client_id, p.period, p.first_day,
		coalesce(sum(te.minutes), 0)::int,
		(count(*) FILTER (WHERE te.outcome = 'done' AND te.minutes > 0))::int,
		(count(*) FILTER (WHERE te.outcome = 'declined'))::int,
		(count(*) FILTER (WHERE te.outcome = 'not-done'))::int,
		coalesce(sum(cardinality(te.declined_services)), 0)::int,
		(count(*) FILTER (WHERE te.overdrawn))::int
	FROM client_period_usage_periods(clients, days) p
	JOIN time_entry te ON te.client_id = p.client_id AND te.date BETWEEN p.first_day AND p.last_day
	WHERE NOT EXISTS (SELECT 1 FROM time_entry c WHERE c.corrects_id = te.id)
		AND (te.corrects_id IS NULL OR NOT EXISTS (
			SELECT 1 FROM time_entry o
			WHERE o.corrects_id = te.corrects_id AND (o.created_at, o.id) > (te.created_at, te.id)
		))
	GROUP BY p.client_id, p.period, p.first_day;
$$;
--> statement-breakpoint
-- The days a set of changed entries touches: their own, those of the entries they correct, of
-- the other corrections of the same entries, and of the entries correcting them.
CREATE FUNCTION client_period_usage_after_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	clients uuid[];
	days date[];
BEGIN
	-- Joins, not `IN (…) OR …`, so each lookup goes through an index (id, corrects_id).
	WITH changed AS (
		SELECT id, client_id, date, corrects_id FROM changed_rows
	),
	related AS (
		SELECT client_id, date FROM changed
		UNION
		SELECT te.client_id, te.date FROM changed ch JOIN time_entry te ON te.id = ch.corrects_id
		UNION
		SELECT te.client_id, te.date
		FROM changed ch JOIN time_entry te ON te.corrects_id = ch.corrects_id
		UNION
		SELECT te.client_id, te.date FROM changed ch JOIN time_entry te ON te.corrects_id = ch.id
	)
	SELECT array_agg(client_id), array_agg(date) INTO clients, days FROM related;
	IF clients IS NOT NULL THEN
		PERFORM client_period_usage_recompute(clients, days);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER time_entry_usage_insert AFTER INSERT ON time_entry
	REFERENCING NEW TABLE AS changed_rows
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_usage_after_change();
--> statement-breakpoint
CREATE TRIGGER time_entry_usage_delete AFTER DELETE ON time_entry
	REFERENCING OLD TABLE AS changed_rows
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_usage_after_change();
--> statement-breakpoint
-- Entries are append-only (DESIGN.md §6); should one be changed in place all the same, both its
-- old and its new days are summed again.
CREATE FUNCTION client_period_usage_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	clients uuid[];
	days date[];
BEGIN
	SELECT array_agg(client_id), array_agg(date) INTO clients, days FROM (
		SELECT client_id, date FROM old_rows
		UNION SELECT client_id, date FROM new_rows
		UNION SELECT te.client_id, te.date FROM old_rows r JOIN time_entry te ON te.id = r.corrects_id
		UNION SELECT te.client_id, te.date FROM new_rows r JOIN time_entry te ON te.id = r.corrects_id
		UNION SELECT te.client_id, te.date
			FROM old_rows r JOIN time_entry te ON te.corrects_id = r.corrects_id
		UNION SELECT te.client_id, te.date
			FROM new_rows r JOIN time_entry te ON te.corrects_id = r.corrects_id
		UNION SELECT te.client_id, te.date FROM new_rows r JOIN time_entry te ON te.corrects_id = r.id
	) related;
	IF clients IS NOT NULL THEN
		PERFORM client_period_usage_recompute(clients, days);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER time_entry_usage_update AFTER UPDATE ON time_entry
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_usage_after_update();
--> statement-breakpoint
CREATE FUNCTION client_period_usage_after_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM client_period_usage;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER time_entry_usage_truncate AFTER TRUNCATE ON time_entry
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_usage_after_truncate();
--> statement-breakpoint
-- Entries recorded before the summary existed.
SELECT client_period_usage_recompute(array_agg(client_id), array_agg(date))
FROM (SELECT DISTINCT client_id, date FROM time_entry) existing;
--> statement-breakpoint
-- client_period_planned: the estimates of visits still planned, from the boards' projection.
CREATE FUNCTION client_period_planned_recompute(clients uuid[], days date[]) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM client_period_planned s
	USING client_period_usage_periods(clients, days) p
	WHERE s.client_id = p.client_id AND s.period = p.period;

	INSERT INTO client_period_planned (client_id, period, first_day, planned_minutes, planned_visits)
	SELECT p.client_id, p.period, p.first_day, sum(pv.minutes)::int, count(*)::int
	FROM client_period_usage_periods(clients, days) p
	JOIN planned_visit pv ON pv.client_id = p.client_id AND pv.date BETWEEN p.first_day AND p.last_day
	WHERE pv.status = 'planned'
	GROUP BY p.client_id, p.period, p.first_day;
$$;
--> statement-breakpoint
CREATE FUNCTION client_period_planned_after_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	clients uuid[];
	days date[];
BEGIN
	SELECT array_agg(client_id), array_agg(date) INTO clients, days
	FROM (SELECT DISTINCT client_id, date FROM changed_rows) touched;
	IF clients IS NOT NULL THEN
		PERFORM client_period_planned_recompute(clients, days);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION client_period_planned_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	clients uuid[];
	days date[];
BEGIN
	-- Only rows whose figures changed: a new assignee or note leaves the sums as they are.
	SELECT array_agg(client_id), array_agg(date) INTO clients, days FROM (
		SELECT o.client_id, o.date FROM old_rows o JOIN new_rows n ON n.id = o.id
		WHERE (o.client_id, o.date, o.minutes, o.status) IS DISTINCT FROM
			(n.client_id, n.date, n.minutes, n.status)
		UNION
		SELECT n.client_id, n.date FROM old_rows o JOIN new_rows n ON n.id = o.id
		WHERE (o.client_id, o.date, o.minutes, o.status) IS DISTINCT FROM
			(n.client_id, n.date, n.minutes, n.status)
	) touched;
	IF clients IS NOT NULL THEN
		PERFORM client_period_planned_recompute(clients, days);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER planned_visit_summary_insert AFTER INSERT ON planned_visit
	REFERENCING NEW TABLE AS changed_rows
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_planned_after_change();
--> statement-breakpoint
CREATE TRIGGER planned_visit_summary_delete AFTER DELETE ON planned_visit
	REFERENCING OLD TABLE AS changed_rows
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_planned_after_change();
--> statement-breakpoint
CREATE TRIGGER planned_visit_summary_update AFTER UPDATE ON planned_visit
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_planned_after_update();
--> statement-breakpoint
CREATE FUNCTION client_period_planned_after_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM client_period_planned;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER planned_visit_summary_truncate AFTER TRUNCATE ON planned_visit
	FOR EACH STATEMENT EXECUTE FUNCTION client_period_planned_after_truncate();
--> statement-breakpoint
-- Visits on the boards before the summary existed.
SELECT client_period_planned_recompute(array_agg(client_id), array_agg(date))
FROM (SELECT DISTINCT client_id, date FROM planned_visit) existing;
