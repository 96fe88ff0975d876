-- Which policies are active now: every policy whose latest state is ACTIVE, with what the index of the same
-- question lists in DynamoDB; "unexpired" is false once expiration_date is past, null without one.
SELECT item.policy_id.s AS policy_id,
       item.provider.s AS provider,
       item.contractor.s AS contractor,
       item.effective_date.s AS effective_date,
       item.expiration_date.s AS expiration_date,
       from_iso8601_timestamp(item.expiration_date.s) > current_timestamp AS unexpired
FROM policies
WHERE item.status.s = 'ACTIVE'
ORDER BY provider, policy_id
