-- 0024: a person's home page shows the houses where they have a role.
-- It asked every house on the platform in turn, two reads a house, so a
-- page cost more with every house configured; it now reads the houses of
-- the person's memberships (members_by_user) and of the roles granted to
-- them, which this index finds by user.
CREATE INDEX roles_by_user ON roles (user_id, house_id);
