-- How many notifications of each type were delivered, all time (e.g. how many payout reports were published:
-- Vertical Insure's payout notifications have identical bodies, so they are one event with many deliveries).
SELECT item.provider.s AS provider,
       item.type.s AS type,
       count(*) AS events,
       sum(CAST(item.deliveries.n AS bigint)) AS deliveries,
       min(item.received_at.s) AS first_received_at,
       max(item.last_received_at.s) AS last_received_at
FROM events
GROUP BY item.provider.s, item.type.s
ORDER BY provider, type
