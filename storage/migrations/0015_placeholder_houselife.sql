-- 0015: PLACEHOLDER on branch houselife only, so that 0017 applies in order.
-- Other branches own this number: drop this file at merge.
SELECT 1;
