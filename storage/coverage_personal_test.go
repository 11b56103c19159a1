package storage_test

import (
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// What a column can hold of a member.
const (
	memberID = "member id"        // members.id
	userID   = "platform user id" // as in members.user_id
	words    = "their words"      // text they wrote, or that names them
)

// personal says how export and erasure handle a column that can hold a
// member's id or words. export is a JSON field of bot.MemberData, or "-"
// and why it is not exported; erase says what erasure does.
type personal struct{ holds, export, erase string }

// schemaPrivacy declares every table and column of the schema: a column
// that can hold a member's id or words says how export and erase handle
// it; any other column is listed with a zero personal{}.
//
// TestEveryColumnIsDeclared fails when the schema has a column this table
// does not declare: decide how /mydata export and erase (and retention)
// handle it, make them do it, and declare it here.
var schemaPrivacy = map[string]map[string]personal{
	"activities": cols("id", "house_id", "series_id", "title", "place", "details", "starts_at", "ends_at", "capacity", "repeat",
		"status", "created_by", "created_at", "post_outbox_id", "reminded_at", "started_at", "ended_at", "event_outbox_id"),
	"activity_attendance": with(cols("activity_id", "source", "at"),
		"member_id", personal{memberID, "activities", "deleted with the member (cascade)"}),
	"activity_rsvps": with(cols("activity_id", "status", "updated_at"),
		"member_id", personal{memberID, "activities", "deleted with the member (cascade)"}),
	// The audit names members by id only ("member:42"), by design: it
	// records that an export or erasure happened.
	"audit": cols("id", "at", "house_id", "actor", "action", "subject"),
	"checkin_answers": with(cols("id", "round_id", "mood", "reach_out", "visibility", "source", "answered_at", "updated_at",
		"redacted_at", "share_outbox_id", "share_held"),
		"member_id", personal{memberID, "checkin_answers", "deleted"},
		"values_json", personal{words, "checkin_answers", "deleted"}),
	"checkin_misses": with(cols("round_id", "status"),
		"member_id", personal{memberID, "checkin_misses", "deleted"}),
	// The digest trend's copy of the answers' and misses' columns
	// (migration 0027), kept by triggers.
	"checkin_trend": with(cols("house_id", "scheduled_for", "round_id", "kind", "mood", "visibility", "share_held", "miss_status"),
		"member_id", personal{memberID, "- a copy of checkin_answers' and checkin_misses' columns, exported with them", "deleted with the answer or miss (triggers)"}),
	"checkin_rounds": cols("id", "house_id", "schedule", "scheduled_for", "opened_at", "remind_at", "closes_at", "status",
		"reminded_at", "closed_at", "prompt_outbox_id"),
	"conversations": with(cols("platform", "house_id", "form_id", "fields_json", "next_field", "paged", "page_limit", "concern", "started_at"),
		"user_id", personal{userID, "form_in_progress", "deleted"},
		"values_json", personal{words, "form_in_progress", "deleted"}),
	"form_drafts": with(cols("id", "platform", "house_id", "created_at"),
		"user_id", personal{userID, "forms_kept", "deleted"},
		"form_json", personal{words, "forms_kept", "deleted"}),
	"crisis_alerts": with(cols("id", "house_id", "created_at", "acked_at", "escalated_at", "kind"),
		"user_id", personal{userID, "- staff's record of a request; the resident got every message of it", "anonymised ('erased'), kept as a count, never escalated"},
		"name", personal{words, "- as user_id", "anonymised"},
		"acked_by", personal{userID, "- the staff member's, not the resident's", "kept: a mentor's own action (their erasure does not reach other people's alerts)"}),
	"goals": with(cols("id", "house_id", "status", "shared", "created_at", "done_at", "redacted_at"),
		"member_id", personal{memberID, "goals", "deleted with the member (cascade)"},
		"text", personal{words, "goals", "deleted with the member (cascade); redacted by retention once done"}),
	"goal_checks": with(cols("id", "goal_id", "house_id", "asked_for", "asked_at", "rating", "answered_at", "redacted_at"),
		"note", personal{words, "goals", "deleted with the goal (cascade); redacted by retention"}),
	"goal_settings": with(cols("every_weeks", "updated_at"),
		"member_id", personal{memberID, "goal_cadence_weeks", "deleted with the member (cascade)"}),
	"mentor_agreements": with(cols("id", "house_id", "every_weeks", "mode", "weekday", "at_clock", "status", "replaces",
		"created_at", "agreed_at", "ended_at", "end_reason", "next_contact_at", "redacted_at"),
		"mentor_id", personal{memberID, "mentoring_agreements", "deleted with either side (cascade); the other side is told"},
		"mentee_id", personal{memberID, "mentoring_agreements", "deleted with either side (cascade); the other side is told"},
		"proposed_by", personal{memberID, "- which side proposed: one of the two", "deleted with the agreement"},
		"boundaries", personal{words, "mentoring_agreements", "deleted with the agreement; redacted by retention once ended"}),
	"mentor_contacts": with(cols("id", "agreement_id", "house_id", "due_at", "reminded_at", "asked_at", "outcome", "answered_at"),
		"answered_by", personal{memberID, "mentoring_agreements", "deleted with the agreement (cascade)"}),
	"meetings": with(cols("id", "house_id", "day", "kind", "mode", "logged_at", "updated_at", "redacted_at"),
		"member_id", personal{memberID, "meetings", "deleted with the member (cascade)"},
		"note", personal{words, "meetings", "deleted with the member (cascade); redacted by retention"}),
	"newcomer_welcomes": with(cols("house_id", "started_at", "step", "next_at", "skipped_at"),
		"member_id", personal{memberID, "newcomer_welcome", "deleted with the member (cascade)"}),
	"chore_assignments": with(cols("id", "house_id", "chore", "name", "scheduled_for", "status", "assigned_at", "done_at"),
		"member_id", personal{memberID, "chore_turns", "deleted with the member (cascade)"},
		"swapped_from", personal{memberID, "- whose turn it was: the other person's record", "set to null (cascade)"}),
	"chore_swaps": with(cols("id", "assignment_id", "status", "created_at", "taken_at"),
		"from_member", personal{memberID, "chore_turns", "deleted with the member (cascade)"},
		"taken_by", personal{memberID, "- who took it: the asker's record", "set to null (cascade)"}),
	"chore_tallies": with(cols("house_id", "chore", "turns", "last_at"),
		"member_id", personal{memberID, "- the rotation's bookkeeping (counts)", "deleted with the member (cascade)"}),
	"houses": cols("id", "name", "platform", "workspace", "channel", "tz", "created_at", "updated_at"),
	"members": with(cols("id", "house_id", "platform", "status", "joined_at", "consent_at", "left_at", "paused_until", "locale"),
		"user_id", personal{userID, "member", "deleted"},
		"name", personal{words, "member", "deleted"},
		"paused_by", personal{userID, "member", "kept: a House Mentor's own action (their erasure does not reach other residents' pauses); deleted with the resident's row, and cleared by retention once the pause has ended"},
		"pause_reason", personal{words, "member", "deleted with the row"}),
	"milestone_celebrations": with(cols("house_id", "sober_date", "milestone", "label", "shared", "at"),
		"member_id", personal{memberID, "milestones_celebrated", "deleted with the member (cascade)"}),
	"milestone_shares": with(cols("at"),
		"member_id", personal{memberID, "milestones_shared", "deleted with the member (cascade)"}),
	"outbox": with(cols("id", "house_id", "platform", "target_kind", "target_channel", "thread_of", "edit_of", "status", "attempts",
		"next_at", "created_at", "sent_at", "last_error", "kind", "dropped_at", "send_key", "attempted_at"),
		"target_user", personal{userID, "- messages the bot sent; the platform holds them", "undelivered: deleted; delivered: cleared"},
		"payload", personal{words, "- as target_user", "undelivered: deleted; delivered: emptied"},
		"dedupe_key", personal{userID, "- bookkeeping", "undelivered: deleted; delivered: cleared"},
		"ref_channel", personal{userID, "- bookkeeping (a DM channel is theirs)", "cleared for a DM to them"},
		"ref_id", personal{userID, "- bookkeeping", "cleared for a DM to them"}),
	"outbox_about": with(cols("outbox_id"),
		"user_id", personal{userID, "- which messages named them", "deleted"}),
	"partner_avoid": with(cols("house_id", "added_by", "added_at"),
		"member_a", personal{memberID, "- a mentor's decision about two people", "deleted with the member (cascade)"},
		"member_b", personal{memberID, "- as member_a", "deleted with the member (cascade)"}),
	"partner_contacts": with(cols("pair_id", "day", "at", "house_id"),
		"member_id", personal{memberID, "- the pair's record", "set to null (cascade); the day stays a count"}),
	"partner_members": with(cols("pair_id"),
		"member_id", personal{memberID, "partnerships", "deleted with the member (cascade)"}),
	"partner_nudges": cols("pair_id", "day", "at", "house_id"),
	"partner_pairs":  cols("id", "house_id", "how", "rotation", "formed_at", "ended_at"),
	"partner_mutes": with(cols("until", "at"),
		"member_id", personal{memberID, "partner_pings_muted_until", "deleted with the member (cascade)"}),
	"partner_pings": with(cols("id", "house_id", "pair_id", "kind", "at", "answered_at", "due_at", "sent_at", "dropped_at", "misses"),
		"about", personal{memberID, "- the partner's record", "set to null (cascade); the ping stays a count"}),
	"partner_pings_off": with(cols("at"),
		"member_id", personal{memberID, "partner_pings_off", "deleted with the member (cascade)"}),
	"processed_events": cols("platform", "event_id", "received_at"),
	"reach_outs": with(cols("id", "house_id", "round_id", "created_at", "taken_at"),
		"member_id", personal{memberID, "reach_out_requests", "deleted with the member (cascade)"},
		"taken_by", personal{userID, "- the House Mentor's own action", "kept: a House Mentor's own action (their erasure does not reach other residents' requests); deleted with the resident's request"}),
	"reach_out_notices": with(cols("reach_out_id", "outbox_id"),
		"user_id", personal{userID, "- the House Mentor a notice went to", "kept: which House Mentor was told (their erasure empties the notice in the outbox but not this row); deleted with the resident's request (cascade)"}),
	"roles": with(cols("house_id", "role", "granted_at"),
		"user_id", personal{userID, "granted_roles", "deleted"},
		"granted_by", personal{userID, "- an operator's action", "kept: an operator's own action"}),
	"redaction_marks":   cols("house_id", "rounds_before"),
	"scheduled_runs":    cols("job", "house_id", "scheduled_for", "status", "ran_at"),
	"schema_migrations": cols("version", "name", "applied_at"),
	"sober_dates": with(cols("id", "date", "kind", "set_at", "cleared_at"),
		"member_id", personal{memberID, "sober_dates", "deleted with the member (cascade)"}),
}

// cols declares columns that hold nothing of a member's.
func cols(names ...string) map[string]personal {
	m := map[string]personal{}
	for _, n := range names {
		m[n] = personal{}
	}
	return m
}

// with adds personal columns: name, personal, name, personal…
func with(m map[string]personal, pairs ...any) map[string]personal {
	for i := 0; i < len(pairs); i += 2 {
		m[pairs[i].(string)] = pairs[i+1].(personal)
	}
	return m
}

// schemaColumns returns "table.column" for every column of every table.
func schemaColumns(t *testing.T, raw *sql.DB) []string {
	t.Helper()
	rows, err := raw.Query(`SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out = append(out, table+"."+col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestEveryColumnIsDeclared: the schema and schemaPrivacy list the same
// columns, and every personal column names an export field that exists (or
// says why it is not exported) and what erasure does.
func TestEveryColumnIsDeclared(t *testing.T) {
	f := newFixture(t)
	exported := map[string]bool{}
	md := reflect.TypeOf(bot.MemberData{})
	for i := range md.NumField() {
		exported[strings.Split(md.Field(i).Tag.Get("json"), ",")[0]] = true
	}
	seen := map[string]bool{}
	for _, c := range schemaColumns(t, openRaw(t, f.db.Path())) {
		seen[c] = true
		table, col, _ := strings.Cut(c, ".")
		p, ok := schemaPrivacy[table][col]
		if !ok {
			t.Errorf("%s is not declared in schemaPrivacy: if it can hold a member's id or words, make export and erase handle it, then declare it", c)
			continue
		}
		if p == (personal{}) {
			continue
		}
		if !strings.HasPrefix(p.export, "- ") && !exported[p.export] {
			t.Errorf("%s: export %q is neither a field of bot.MemberData nor \"- why not\"", c, p.export)
		}
		if p.erase == "" || !slices.Contains([]string{memberID, userID, words}, p.holds) {
			t.Errorf("%s: declaration %+v is incomplete", c, p)
		}
	}
	for table, cs := range schemaPrivacy {
		for col := range cs {
			if !seen[table+"."+col] {
				t.Errorf("schemaPrivacy declares %s.%s, which the schema does not have", table, col)
			}
		}
	}
}

// TestErasureLeavesNoTrace erases a resident from both their houses in a
// world where they have data of every kind, and then looks through every
// text column of every table for their name and platform id, and through
// every member-id column for their ids: only the columns declared "kept"
// (other people's actions) may still hold them.
func TestErasureLeavesNoTrace(t *testing.T) {
	w := newErasureWorld(t)
	f := w.fixture
	ids := []int64{w.robin.m.ID, w.robinOak.ID}
	raw := openRaw(t, f.db.Path())
	find := func() []string {
		var found []string
		for _, c := range schemaColumns(t, raw) {
			table, col, _ := strings.Cut(c, ".")
			p := schemaPrivacy[table][col]
			if strings.HasPrefix(p.erase, "kept") {
				continue
			}
			q := fmt.Sprintf(`SELECT COUNT(*) FROM %q WHERE lower(CAST(%q AS TEXT)) LIKE '%%robin%%'`, table, col)
			args := []any{}
			if p.holds == memberID {
				q = fmt.Sprintf(`SELECT COUNT(*) FROM %q WHERE %q IN (?, ?)`, table, col)
				args = []any{ids[0], ids[1]}
			}
			var n int
			if err := raw.QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			if n > 0 {
				found = append(found, fmt.Sprintf("%s (%d)", c, n))
			}
		}
		return found
	}
	if got := find(); len(got) < 10 {
		t.Fatalf("before the erasure Robin is in %v; want the world to hold them in many places", got)
	}
	update(t, f.db, func(tx bot.Tx) error { return tx.EraseMember(f.ctx, w.robin.m.ID) })
	update(t, f.db, func(tx bot.Tx) error { return tx.EraseMember(f.ctx, w.robinOak.ID) })
	if got := find(); len(got) != 0 {
		t.Errorf("after erasing Robin from both houses, they are still in %v", got)
	}
}
