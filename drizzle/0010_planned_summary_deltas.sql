-- The planned summary followed each board commit by summing the client's week and month again
-- from planned_visit: about 1 ms on every commit that moved a visit's figures, on the way of
-- every change to the other devices. A change of planned_visit now adds its difference instead:
-- for each row that counts (planned, or done with no time entry naming it, rule F4), plus its
-- minutes and one visit in its week and month when it comes, minus when it goes. Time entries
-- still sum the periods of the visits they name again (client_period_planned_recompute), and
-- both take the client's lock first (0009), so the summary equals the raw sums after every
-- statement whoever writes.
CREATE FUNCTION client_period_planned_add(clients uuid[], days date[], amounts int[], counts int[])
RETURNS void
LANGUAGE sql AS $$
	SELECT count(pg_advisory_xact_lock(1381258069, hashtext(c::text)))
	FROM (SELECT DISTINCT unnest(clients) AS c ORDER BY 1) locked;

	WITH d AS (
		SELECT * FROM unnest(clients, days, amounts, counts) AS t(client_id, day, minutes, visits)
	),
	per_period AS (
		SELECT client_id, to_char(day, 'IYYY-"W"IW') AS period,
			date_trunc('week', day::timestamp)::date AS first_day, minutes, visits
		FROM d
		UNION ALL
		SELECT client_id, to_char(day, 'YYYY-MM'), date_trunc('month', day::timestamp)::date,
			minutes, visits
		FROM d
	)
	INSERT INTO client_period_planned AS s (client_id, period, first_day, planned_minutes,
		planned_visits)
	SELECT client_id, period, first_day, sum(minutes)::int, sum(visits)::int
	FROM per_period
	GROUP BY client_id, period, first_day
	HAVING sum(minutes) <> 0 OR sum(visits) <> 0
	ON CONFLICT (client_id, period) DO UPDATE
		SET planned_minutes = s.planned_minutes + excluded.planned_minutes,
			planned_visits = s.planned_visits + excluded.planned_visits;

	-- A period left without visits has no row, as when it is summed from the rows.
	DELETE FROM client_period_planned s
	WHERE s.client_id = ANY (clients) AND s.planned_visits = 0;
$$;
--> statement-breakpoint
-- Inserted rows count in, deleted rows out.
CREATE OR REPLACE FUNCTION client_period_planned_after_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	direction int := CASE TG_OP WHEN 'DELETE' THEN -1 ELSE 1 END;
	clients uuid[];
	days date[];
	amounts int[];
	counts int[];
BEGIN
	SELECT array_agg(r.client_id), array_agg(r.date), array_agg(direction * r.minutes),
		array_agg(direction)
	INTO clients, days, amounts, counts
	FROM changed_rows r
	WHERE r.status = 'planned'
		OR (r.status = 'done' AND NOT EXISTS (SELECT 1 FROM time_entry te WHERE te.visit_id = r.id));
	IF clients IS NOT NULL THEN
		PERFORM client_period_planned_add(clients, days, amounts, counts);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
-- Updated rows whose figures changed: the old values out, the new ones in.
CREATE OR REPLACE FUNCTION client_period_planned_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	clients uuid[];
	days date[];
	amounts int[];
	counts int[];
BEGIN
	WITH changed AS (
		SELECT o.id, o.client_id AS old_client, o.date AS old_date, o.minutes AS old_minutes,
			o.status AS old_status, n.client_id AS new_client, n.date AS new_date,
			n.minutes AS new_minutes, n.status AS new_status,
			EXISTS (SELECT 1 FROM time_entry te WHERE te.visit_id = o.id) AS reported
		FROM old_rows o JOIN new_rows n ON n.id = o.id
		WHERE (o.client_id, o.date, o.minutes, o.status) IS DISTINCT FROM
			(n.client_id, n.date, n.minutes, n.status)
	),
	deltas AS (
		SELECT old_client AS client_id, old_date AS date, -old_minutes AS minutes, -1 AS visits
		FROM changed
		WHERE old_status = 'planned' OR (old_status = 'done' AND NOT reported)
		UNION ALL
		SELECT new_client, new_date, new_minutes, 1
		FROM changed
		WHERE new_status = 'planned' OR (new_status = 'done' AND NOT reported)
	)
	SELECT array_agg(d.client_id), array_agg(d.date), array_agg(d.minutes), array_agg(d.visits)
	INTO clients, days, amounts, counts
	FROM deltas d;
	IF clients IS NOT NULL THEN
		PERFORM client_period_planned_add(clients, days, amounts, counts);
	END IF;
	RETURN NULL;
END
$$;
