-- 0023: the digest counts a house's partner nudges and contacts of a week
-- (PartnerStats). Those rows name only their pair, so the count joined
-- every pair the house ever had and read each one's rows: it grew with
-- the rotations kept. Each row now carries its pair's house (a pair never
-- changes house; RecordNudge and RecordContact copy it), indexed by time.
ALTER TABLE partner_nudges ADD COLUMN house_id INTEGER REFERENCES houses (id);
UPDATE partner_nudges SET house_id = (SELECT p.house_id FROM partner_pairs p WHERE p.id = partner_nudges.pair_id);
CREATE INDEX partner_nudges_by_house ON partner_nudges (house_id, at);

ALTER TABLE partner_contacts ADD COLUMN house_id INTEGER REFERENCES houses (id);
UPDATE partner_contacts SET house_id = (SELECT p.house_id FROM partner_pairs p WHERE p.id = partner_contacts.pair_id);
CREATE INDEX partner_contacts_by_house ON partner_contacts (house_id, at);
