-- 0020: the digest asks which of a house's pairs existed during a week
-- (PairsBetween, PartnerStats): those still open and those that ended
-- since the week began. Through partner_pairs_by_rotation it read every
-- pair the house ever had, a new set each rotation; by the end time it
-- reads the week's.
CREATE INDEX partner_pairs_by_end ON partner_pairs (house_id, ended_at);
