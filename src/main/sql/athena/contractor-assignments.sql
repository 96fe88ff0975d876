-- The assignments of one contractor (the execution parameter: a contractor id), covered or not.
-- Covered: status ACTIVE and effective_date <= now <= end_date; an assignment without both dates is not covered.
SELECT item.assignment_id.s AS assignment_id,
       item.status.s AS status,
       item.job.s AS job,
       item.policy.s AS policy,
       item.effective_date.s AS effective_date,
       item.end_date.s AS end_date,
       coalesce(item.status.s = 'ACTIVE'
                AND from_iso8601_timestamp(item.effective_date.s) <= current_timestamp
                AND from_iso8601_timestamp(item.end_date.s) >= current_timestamp, false) AS covered
FROM assignments
WHERE item.contractor.s = ?
ORDER BY assignment_id
