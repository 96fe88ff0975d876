-- Deliveries and redeliveries per provider per day (UTC). A day is the day an event first arrived: only the first
-- and the latest arrival of an event are stored, so its redeliveries count on the day of its first arrival.
SELECT item.provider.s AS provider,
       substr(item.received_at.s, 1, 10) AS day,
       count(*) AS events,
       sum(CAST(item.deliveries.n AS bigint)) AS deliveries,
       sum(CAST(item.deliveries.n AS bigint) - 1) AS redeliveries
FROM events
GROUP BY item.provider.s, substr(item.received_at.s, 1, 10)
ORDER BY day, provider
