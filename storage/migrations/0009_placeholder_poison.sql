-- 0009: PLACEHOLDER on branch poison only, so that 0011 applies in order.
-- Other branches of issue 17 own this number: drop this file at merge.
SELECT 1;
