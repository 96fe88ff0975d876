-- Contractors working an assignment without active coverage. Working: the assignment's term (effective_date to
-- end_date) includes now; an assignment without both dates is not counted. Without coverage: the assignment is not
-- ACTIVE, or the policy it names is in the policies table and is not ACTIVE or is past its expiration_date.
SELECT a.item.contractor.s AS contractor,
       a.item.assignment_id.s AS assignment_id,
       a.item.job.s AS job,
       a.item.status.s AS assignment_status,
       a.item.policy.s AS policy_id,
       p.item.status.s AS policy_status,
       a.item.effective_date.s AS effective_date,
       a.item.end_date.s AS end_date
FROM assignments a
LEFT JOIN policies p ON p.item.policy_id.s = a.item.policy.s
WHERE from_iso8601_timestamp(a.item.effective_date.s) <= current_timestamp
  AND from_iso8601_timestamp(a.item.end_date.s) >= current_timestamp
  AND (a.item.status.s <> 'ACTIVE'
       OR p.item.status.s <> 'ACTIVE'
       OR from_iso8601_timestamp(p.item.expiration_date.s) <= current_timestamp)
ORDER BY contractor, assignment_id
