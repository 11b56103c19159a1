-- 0025: scheduled_runs kept a row for every run of every job, about seven
-- a house a day, for ever, though only each job's latest is read
-- (LastRun: catch-up, and whether an occurrence ran). The nightly
-- retention job now deletes the older ones (PruneRuns), found by house and
-- time with this index.
CREATE INDEX scheduled_runs_by_house ON scheduled_runs (house_id, scheduled_for);
