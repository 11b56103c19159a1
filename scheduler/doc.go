// Package scheduler runs recurring jobs on cron specs, each in its own time
// zone, on top of github.com/robfig/cron/v3. It imports nothing of this
// module: callers register plain functions and are called back with the time
// each run was scheduled for, which they use to key the run.
//
// # Time zones
//
// Every house has its own time zone, so every job is added with a
// *time.Location and its spec is read in that location: "0 8 * * *" is
// 08:00 at the house, whatever the server's zone. A TZ= or CRON_TZ= prefix
// in the spec is rejected, so a spec cannot silently disagree with the
// house's configured zone.
//
// # Specs
//
// A spec is the standard five fields (minute, hour, day of month, month,
// day of week) or a descriptor: @yearly (@annually), @monthly, @weekly,
// @daily (@midnight), @hourly, or @every <duration> with a duration of at
// least one second. A spec that can never fire (such as "0 0 30 2 *") is an
// error. @every schedules have no fixed grid: they count from when the
// job is added or the scheduler starts, so Prev says nothing about them.
//
// # Daylight saving time
//
// The scheduler keeps robfig's behaviour on the days the clocks change:
//
//   - A time in the spring-forward gap does not exist that day, so a job
//     set for it does not run that day. In America/New_York on 2026-03-08
//     the clocks jump from 02:00 to 03:00, and "30 2 * * *" next runs on
//     2026-03-09.
//   - A time in the repeated hour exists twice, so a job set for it runs
//     twice. On 2026-11-01 in America/New_York, "30 1 * * *" runs at 01:30
//     EDT and again at 01:30 EST.
//
// Houses that want exactly one run a day should keep their specs out of
// 01:00–03:00 local time. Because each run is keyed by its scheduled
// instant, the two fall-back runs are distinct runs, not a duplicate.
//
// # Missed runs
//
// robfig catches nothing up: after downtime the next run is computed from
// now. Missed lists the scheduled times between the last recorded run and
// now so that the caller can catch up, and Prev gives the latest scheduled
// time, such as the start of the current round.
package scheduler
