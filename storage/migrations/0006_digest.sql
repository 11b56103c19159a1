-- Indexes for the weekly digest, so its cost follows the week's data.
CREATE INDEX crisis_alerts_by_house ON crisis_alerts (house_id, created_at);
CREATE INDEX partner_pings_by_pair ON partner_pings (pair_id);
