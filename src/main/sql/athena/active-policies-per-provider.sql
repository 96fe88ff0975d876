-- Policies whose latest state is ACTIVE, per provider. A term that ended without a cancellation event leaves a
-- policy ACTIVE: "expired" counts those whose expiration_date is already past.
SELECT item.provider.s AS provider,
       count(*) AS active,
       count_if(from_iso8601_timestamp(item.expiration_date.s) <= current_timestamp) AS expired,
       count_if(item.expiration_date.s IS NULL) AS without_expiration_date
FROM policies
WHERE item.status.s = 'ACTIVE'
GROUP BY item.provider.s
ORDER BY provider
