-- Two transactions that sum the same client's periods again at the same time (a time entry
-- recorded while the board commits a change of the same client; two processes; two workers
-- reporting for one client) each deleted the old summary row and inserted their own: the
-- second failed on the primary key, or, had it not, would have written sums that missed the
-- first one's rows. Each recompute now first takes a transaction lock per client (in client
-- order), and its statements, each with a fresh snapshot, then see what the transaction it
-- waited for committed.
CREATE OR REPLACE FUNCTION client_period_usage_recompute(clients uuid[], days date[]) RETURNS void
LANGUAGE sql AS $$
	SELECT count(pg_advisory_xact_lock(1381258069, hashtext(c::text)))
	FROM (SELECT DISTINCT unnest(clients) AS c ORDER BY 1) locked;

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
CREATE OR REPLACE FUNCTION client_period_planned_recompute(clients uuid[], days date[]) RETURNS void
LANGUAGE sql AS $$
	SELECT count(pg_advisory_xact_lock(1381258069, hashtext(c::text)))
	FROM (SELECT DISTINCT unnest(clients) AS c ORDER BY 1) locked;

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
