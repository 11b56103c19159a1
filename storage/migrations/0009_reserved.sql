-- 0009: reserved for a migration on another branch of the delivery-
-- guarantees work (issue 17). This placeholder only keeps the numbering
-- without gaps on the branch that adds 0010; drop it when the real 0009
-- is merged.
SELECT 1;
