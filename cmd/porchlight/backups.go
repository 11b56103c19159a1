package main

import (
	"context"
	"fmt"
	"time"

	"github.com/porchlight/porchlight/scheduler"
	"github.com/porchlight/porchlight/storage"
)

// backupJob is the job key of the nightly backup.
const backupJob = "storage.backup"

// backups are the nightly backups of [storage] backup_dir.
type backups struct {
	dir  string
	keep int
	spec string
}

// addBackups schedules the nightly backup (spec read in UTC). Each run is
// keyed by its scheduled time: the file is named by it.
func (a *app) addBackups(b backups, retry scheduler.Retry) error {
	return a.sched.Add(backupJob, b.spec, time.UTC, retry.Job(backupJob, func(ctx context.Context, at time.Time) error {
		return a.backup(ctx, b, at)
	}))
}

// backupPart is the backups' name in the health status.
const backupPart = "backup"

// backup makes the backup that stands for the scheduled time at. A failure
// holds the health status degraded, as part "backup", so that /readyz and
// the log say so, until a backup is made again.
func (a *app) backup(ctx context.Context, b backups, at time.Time) error {
	path, err := a.db.BackupRotate(ctx, b.dir, b.keep, at)
	if err != nil {
		return a.backupFailed(ctx, err)
	}
	a.health.OK(backupPart)
	a.mon.JobDone(backupJob, at, a.clock.Now())
	a.log.Info("backup made", "path", path, "keep", b.keep)
	return nil
}

// backupFailed reports err, a failed backup, to the health status unless
// the bot is stopping, and returns it.
func (a *app) backupFailed(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		a.health.Fail(backupPart, err)
	}
	return err
}

// catchUpBackup makes the last scheduled backup if it is missing, as after
// a night the bot was down: its run is keyed, so the file is the one the
// night's run would have made.
func (a *app) catchUpBackup(ctx context.Context, b backups) error {
	sched, err := scheduler.Parse(b.spec, time.UTC)
	if err != nil {
		return fmt.Errorf("backup schedule: %w", err)
	}
	last, ok := scheduler.Prev(sched, a.clock.Now())
	if !ok {
		return nil
	}
	have, err := storage.Backups(b.dir)
	if err != nil {
		return a.backupFailed(ctx, err)
	}
	if n := len(have); n > 0 && !have[n-1].At.Before(last) {
		return nil
	}
	return a.backup(ctx, b, last)
}

// watchBackups shows the backups in the metrics: how many there are and
// when the newest stands for.
func (a *app) watchBackups(b backups) {
	a.mon.GaugeFunc("porchlight_backups", "Nightly backups in [storage] backup_dir.", func() float64 {
		have, _ := storage.Backups(b.dir)
		return float64(len(have))
	})
	a.mon.GaugeFunc("porchlight_backup_newest_timestamp_seconds", "The scheduled time of the newest nightly backup (Unix time); 0 when there is none.", func() float64 {
		have, _ := storage.Backups(b.dir)
		if len(have) == 0 {
			return 0
		}
		return float64(have[len(have)-1].At.Unix())
	})
}
