package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/porchlight/porchlight/bot"
	"github.com/porchlight/porchlight/storage"

	_ "modernc.org/sqlite" // the driver storage uses, for the raw reference
)

// rawAnswer is what the core runs, in order, in the transaction of one
// check-in answer (a modal's submission of a mentors-only answer, as
// Suite.Ingest sends): the seven statements were read off the write
// connection, as the core prepares them (a trace of PrepareContext while
// Suite.Ingest answers). Each is prepared once here too.
var rawAnswer = []string{
	`INSERT INTO processed_events (platform, event_id, received_at) VALUES (?, ?, ?)`,
	`SELECT id, house_id, platform, user_id, name, status, joined_at, consent_at, left_at, paused_until, paused_by, pause_reason, locale FROM members WHERE house_id = ? AND user_id = ?`,
	`SELECT role FROM roles WHERE house_id = ? AND user_id = ?`,
	`SELECT id, house_id, schedule, scheduled_for, opened_at, remind_at, closes_at, status, reminded_at, closed_at, prompt_outbox_id FROM checkin_rounds WHERE id = ?`,
	`SELECT platform, user_id, house_id, form_id, fields_json, values_json, next_field, paged, page_limit, concern, started_at FROM conversations WHERE platform = ? AND user_id = ? AND started_at >= ?`,
	`SELECT id, round_id, member_id, mood, reach_out, visibility, values_json, source, answered_at, updated_at, redacted_at, share_outbox_id, share_held FROM checkin_answers WHERE round_id = ? AND member_id = ?`,
	saveAnswer,
}

// saveAnswer is storage's SaveAnswer: the one row an answer writes.
const saveAnswer = `INSERT INTO checkin_answers
	(round_id, member_id, mood, reach_out, visibility, values_json, source, answered_at, updated_at, redacted_at, share_outbox_id, share_held)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (round_id, member_id) DO UPDATE SET
		mood = excluded.mood, reach_out = excluded.reach_out, visibility = excluded.visibility,
		values_json = excluded.values_json, source = excluded.source,
		answered_at = excluded.answered_at, updated_at = excluded.updated_at,
		redacted_at = CASE WHEN excluded.redacted_at IS NULL THEN NULL
			ELSE COALESCE(checkin_answers.redacted_at, excluded.redacted_at) END,
		share_outbox_id = excluded.share_outbox_id, share_held = excluded.share_held
	RETURNING id`

// Raw is the reference for ingest: the statements of the core's answers
// run as plain database/sql transactions, with no core around them, on a
// database that storage made (the same tables, indexes and pragmas):
// s's history, where the core's answers are measured too, or a new file
// with s's houses and residents. A round is open in each house.
type Raw struct {
	db *sql.DB
	// ckpt checkpoints the WAL beside db, woken by its commits, as the
	// store's checkpointer does beside the store's writer.
	ckpt    *storage.Checkpointer
	stmts   []*sql.Stmt
	spec    Spec
	houses  []int64
	rounds  []int64   // by house index
	members [][]int64 // by house and resident index
	values  string
	at      time.Time
	// events makes the delivery ids the core's answers get, in a world
	// opened at the time the answers come (Suite.Ingest).
	events Events
}

// Opened is a database with a check-in round open in every house, as
// OpenRounds leaves it.
type Opened struct {
	// At is when the answers come: ten minutes after the rounds opened.
	At      time.Time
	Houses  []int64   // by house index
	Rounds  []int64   // the open round, by house index
	Members [][]int64 // by house and resident index
}

// OpenRounds opens a check-in round in every house of the database at
// path through the core, then closes the database, which checkpoints and
// removes its write-ahead log: what answers next, the core or the raw
// reference, starts from the same file, as a bot does after a restart.
// path is a copy of s's history, where the rounds open the morning after
// its last day, or a new file that the core first fills with s's houses
// and residents, where they open on the first morning.
func OpenRounds(ctx context.Context, path string, s Spec) (*Opened, error) {
	_, err := os.Stat(path)
	fresh := errors.Is(err, fs.ErrNotExist)
	opened := s.End()
	if fresh {
		opened = Start
	}
	w, err := OpenWorld(ctx, path, s, opened, nil)
	if err != nil {
		return nil, err
	}
	at := opened.Add(9 * time.Hour)
	w.Clock.Set(at)
	o := &Opened{At: at.Add(10 * time.Minute)}
	if fresh {
		err = w.AddMembers(ctx)
	}
	for _, h := range w.Houses {
		if err == nil {
			err = w.Bot.RunJob(ctx, bot.JobCheckinOpen+"/0", h, at)
		}
		o.Houses = append(o.Houses, h.ID)
	}
	var rounds map[int64]int64
	if err == nil {
		rounds, err = w.OpenRounds(ctx)
	}
	if err == nil {
		o.Members, err = w.MemberIDs(ctx)
	}
	if err = errors.Join(err, w.Close()); err != nil {
		return nil, err
	}
	for _, id := range o.Houses {
		o.Rounds = append(o.Rounds, rounds[id])
	}
	return o, nil
}

// CheckinAnswer is the check-in the benchmarks' residents submit: a
// mood, a short win and a mentors-only answer, as Suite.Ingest and the raw
// reference (which stores it as the core would) both give it.
func CheckinAnswer() map[string]string {
	return map[string]string{bot.QMood: "4", "win": "Went to a meeting", "hard": "", bot.QReachOut: "no", bot.QVisibility: string(bot.VisMentors)}
}

// OpenRaw opens the database at path raw, on one connection, as storage
// opens its writer, with storage's checkpointer beside it, once
// OpenRounds has opened a round in every house.
func OpenRaw(ctx context.Context, path string, s Spec) (*Raw, error) {
	o, err := OpenRounds(ctx, path, s)
	if err != nil {
		return nil, err
	}
	r := &Raw{spec: s, at: o.At, houses: o.Houses, rounds: o.Rounds, members: o.Members, events: Events{Platform: Platform, Tag: eventTag(o.At)}}
	vals, _ := json.Marshal(CheckinAnswer())
	r.values = string(vals)
	if r.db, err = sql.Open("sqlite", path+"?"+storage.WriteParams); err != nil {
		return nil, err
	}
	r.db.SetMaxOpenConns(1)
	r.db.SetMaxIdleConns(1)
	if r.ckpt, err = storage.StartCheckpointer(ctx, path); err != nil {
		r.db.Close()
		return nil, err
	}
	for _, q := range rawAnswer {
		st, err := r.db.PrepareContext(ctx, q)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
		r.stmts = append(r.stmts, st)
	}
	return r, nil
}

// Close closes the database.
func (r *Raw) Close() error { return errors.Join(r.ckpt.Close(), r.db.Close()) }

// Answer runs the statements of the k-th answer in one transaction: the
// residents of every house in turn, as Suite.Ingest submits them.
func (r *Raw) Answer(ctx context.Context, k int) error {
	i, j := r.who(k)
	h, round, m, user := r.houses[i], r.rounds[i], r.members[i][j], Resident(i, j).ID
	return r.tx(ctx, func(tx *sql.Tx) error {
		args := [][]any{
			{Platform, r.events.NextID(), r.at.Unix()},
			{h, user},
			{h, user},
			{round},
			{Platform, user, r.at.Add(-time.Hour).Unix()},
			{round, m},
		}
		for n, a := range args {
			if n == 0 {
				if _, err := tx.Stmt(r.stmts[n]).ExecContext(ctx, a...); err != nil {
					return err
				}
				continue
			}
			if err := drain(tx.Stmt(r.stmts[n]).QueryContext(ctx, a...)); err != nil {
				return err
			}
		}
		return r.save(ctx, tx.Stmt(r.stmts[len(r.stmts)-1]), round, m)
	})
}

// Row writes the k-th answer's one row, alone in its transaction.
func (r *Raw) Row(ctx context.Context, k int) error {
	i, j := r.who(k)
	return r.tx(ctx, func(tx *sql.Tx) error {
		return r.save(ctx, tx.Stmt(r.stmts[len(r.stmts)-1]), r.rounds[i], r.members[i][j])
	})
}

func (r *Raw) who(k int) (int, int) {
	return k % len(r.houses), (k / len(r.houses)) % r.spec.Residents
}

func (r *Raw) save(ctx context.Context, st *sql.Stmt, round, member int64) error {
	var id int64
	return st.QueryRowContext(ctx, round, member, 4, false, string(bot.VisMentors), r.values, "form",
		r.at.Unix(), r.at.Unix(), nil, nil, false).Scan(&id)
}

func (r *Raw) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	r.ckpt.Committed()
	return nil
}

// drain reads every column of every row, as the core scans what it reads.
func drain(rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	dst := make([]any, len(cols))
	for c := range dst {
		dst[c] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return err
		}
	}
	return rows.Err()
}
