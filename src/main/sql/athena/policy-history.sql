-- The full event history of one policy (or assignment): the execution parameter is its id. Oldest first by
-- arrival; created_at is the provider's own event time, where it sends one. Redeliveries are stored once and counted
-- in deliveries; raw_body is the body as sent.
SELECT item.received_at.s AS received_at,
       item.created_at.s AS created_at,
       item.type.s AS type,
       item.event_id.s AS event_id,
       item.provider.s AS provider,
       CAST(item.deliveries.n AS bigint) AS deliveries,
       item.raw_body.s AS raw_body
FROM events
WHERE item.object_id.s = ?
ORDER BY received_at, event_id
