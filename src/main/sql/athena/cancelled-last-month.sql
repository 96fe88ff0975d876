-- Policies cancelled last month (the previous calendar month, UTC) and how long each had lasted: whole days from
-- its effective_date to the cancellation. The cancellation time is last_event_at of the CANCELLED state: the
-- cancel event's own time where the provider sends one, else its arrival.
SELECT item.provider.s AS provider,
       item.policy_id.s AS policy_id,
       item.effective_date.s AS effective_date,
       item.last_event_at.s AS cancelled_at,
       date_diff('day', CAST(substr(item.effective_date.s, 1, 10) AS date),
                 CAST(substr(item.last_event_at.s, 1, 10) AS date)) AS days_lasted,
       count(*) OVER (PARTITION BY item.provider.s) AS cancelled_of_provider
FROM policies
WHERE item.status.s = 'CANCELLED'
  AND from_iso8601_timestamp(item.last_event_at.s) >= date_trunc('month', current_timestamp) - INTERVAL '1' MONTH
  AND from_iso8601_timestamp(item.last_event_at.s) < date_trunc('month', current_timestamp)
ORDER BY provider, cancelled_at, policy_id
