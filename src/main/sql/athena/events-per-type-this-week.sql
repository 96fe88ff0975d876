-- Events of each type this week (from Monday 00:00 UTC, by first arrival), per provider: distinct events and the
-- deliveries that carried them (a redelivery adds to deliveries, not to events).
SELECT item.provider.s AS provider,
       item.type.s AS type,
       count(*) AS events,
       sum(CAST(item.deliveries.n AS bigint)) AS deliveries
FROM events
WHERE from_iso8601_timestamp(item.received_at.s) >= date_trunc('week', current_timestamp)
GROUP BY item.provider.s, item.type.s
ORDER BY provider, type
