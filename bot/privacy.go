package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The privacy features: operators grant and revoke the House Mentor role,
// residents export or erase what is stored about them, crisis alerts are
// acknowledged or escalated, and free text is redacted after the house's
// retention period.

// JobRetention is the daily job that redacts old free text.
const JobRetention = "retention"

// retentionSpec runs the retention job at 03:30 house time.
const retentionSpec = "30 3 * * *"

// redactBatch bounds how many rows (answers, features' rows, delivered
// messages) one transaction of the retention job redacts or deletes in
// all.
const redactBatch = 500

// attachmentBatch bounds how many delivered messages one transaction of
// the retention job clears of their attachment bytes: a digest's chart is
// about 35 KB, so a batch rewrites about 2 MB.
const attachmentBatch = 50

func (b *Bot) registerPrivacy() {
	userOpt := Option{Name: "user", Description: "cmd.role.opt.user.desc", Type: OptUser, Required: true}
	b.reg.Add(&Command{
		Name:        "role",
		Description: "cmd.role.desc",
		Roles:       OnlyOwners,
		Subs: []*Command{
			{Name: "mentor", Description: "cmd.role.mentor.desc", Roles: OnlyOwners, Run: b.cmdRoleGrant, Options: []Option{userOpt}},
			{Name: "remove", Description: "cmd.role.remove.desc", Roles: OnlyOwners, Run: b.cmdRoleRemove, Options: []Option{userOpt}},
		},
	})
	b.reg.Add(&Command{
		Name:        "mydata",
		Description: "cmd.mydata.desc",
		Roles:       Anyone,
		Subs: []*Command{
			{Name: "export", Description: "cmd.mydata.export.desc", Roles: Anyone, Run: b.cmdExport},
			{Name: "erase", Description: "cmd.mydata.erase.desc", Roles: Anyone, Run: b.cmdErase},
		},
	})
	b.action("mydata", Anyone, b.actMydata)
	b.houseJobs = append(b.houseJobs, houseJob{name: JobRetention, spec: func(*House) string { return retentionSpec }, chunk: b.retentionStep, run: b.retainRun})
	b.tickers = append(b.tickers, b.escalateAlerts)
}

// cmdRoleGrant makes a user a House Mentor of the house.
func (b *Bot) cmdRoleGrant(r *Request) (Response, error) {
	user := r.Args.String("user")
	name, err := r.nameOf(user)
	if err != nil {
		return Response{}, err
	}
	switch {
	case r.House.IsConfigMentor(user):
		return r.Say("privacy.role.config_mentor", "Name", name), nil
	case r.House.IsOperator(user):
		return r.Say("privacy.role.operator", "Name", name, "House", r.House.Name), nil
	}
	granted, err := r.privacy().GrantedRoles(r.Ctx, r.House.ID, user)
	if err != nil {
		return Response{}, fmt.Errorf("roles: %w", err)
	}
	if granted.Has(RoleMentor) {
		return r.Say("privacy.role.already", "Name", name), nil
	}
	if err := r.privacy().SetGrantedRole(r.Ctx, r.House.ID, user, RoleMentor, true, r.Event.User.ID, r.Now); err != nil {
		return Response{}, fmt.Errorf("grant: %w", err)
	}
	if err := r.Audit("role.grant", "mentor:"+user); err != nil {
		return Response{}, err
	}
	if _, err := r.DM(user, Message{Text: r.LangOfUser(user).T("privacy.role.granted_dm", "House", r.House.Name)}); err != nil {
		return Response{}, err
	}
	return r.Say("privacy.role.granted", "Name", name, "House", r.House.Name), nil
}

// cmdRoleRemove removes a granted House Mentor role.
func (b *Bot) cmdRoleRemove(r *Request) (Response, error) {
	user := r.Args.String("user")
	name, err := r.nameOf(user)
	if err != nil {
		return Response{}, err
	}
	if r.House.IsConfigMentor(user) {
		return Response{}, Fail(EInvalid, "privacy.role.in_config", "Name", name)
	}
	granted, err := r.privacy().GrantedRoles(r.Ctx, r.House.ID, user)
	if err != nil {
		return Response{}, fmt.Errorf("roles: %w", err)
	}
	if !granted.Has(RoleMentor) {
		return Response{}, Fail(ENotFound, "privacy.role.not_mentor", "Name", name, "House", r.House.Name)
	}
	if err := r.privacy().SetGrantedRole(r.Ctx, r.House.ID, user, RoleMentor, false, r.Event.User.ID, r.Now); err != nil {
		return Response{}, fmt.Errorf("revoke: %w", err)
	}
	if err := r.Audit("role.revoke", "mentor:"+user); err != nil {
		return Response{}, err
	}
	ended, err := b.mentorRoleEnded(r, user)
	if err != nil {
		return Response{}, err
	}
	if ended > 0 {
		return Response{Messages: []Message{{Text: r.Lang().N("privacy.role.removed_agreements", ended, "Name", name, "House", r.House.Name)}}}, nil
	}
	return r.Say("privacy.role.removed", "Name", name, "House", r.House.Name), nil
}

// ownMember is the caller's membership record in the house, joined or
// left, or ErrNotFound when nothing is stored about them.
func ownMember(r *Request) (*Member, error) {
	m, err := r.privacy().MemberByUser(r.Ctx, r.House.ID, r.Event.User.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("load member: %w", err)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// cmdExport sends the caller a JSON file of everything stored about them,
// by DM, and audits it.
func (b *Bot) cmdExport(r *Request) (Response, error) {
	m, err := ownMember(r)
	if errors.Is(err, ErrNotFound) {
		return r.Say("privacy.nothing_stored", "House", r.House.Name), nil
	}
	if err != nil {
		return Response{}, err
	}
	data, err := exportJSON(r, m.ID)
	if err != nil {
		return Response{}, err
	}
	if err := r.Audit("data.export", fmt.Sprintf("member:%d", m.ID)); err != nil {
		return Response{}, err
	}
	_, err = r.DM(m.UserID, Message{
		Text:       r.Lang().T("privacy.export.dm", "House", r.House.Name),
		Attachment: &Attachment{Name: "porchlight-my-data.json", ContentType: "application/json", Data: data},
	})
	if err != nil {
		return Response{}, err
	}
	return r.Say("privacy.export.sent"), nil
}

// ExportSchemaVersion is the version of the export's JSON schema, written
// as its schema_version and documented in docs/export-schema.md. It goes up
// when a field is removed or changes meaning; new fields keep it.
const ExportSchemaVersion = 1

// exportJSON renders a member's data as indented JSON, in the versioned
// schema of docs/export-schema.md.
func exportJSON(r *Request, memberID int64) ([]byte, error) {
	d, err := r.privacy().ExportMember(r.Ctx, memberID)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	out := struct {
		SchemaVersion int       `json:"schema_version"`
		House         string    `json:"house"`
		ExportedAt    time.Time `json:"exported_at"`
		*MemberData
	}{ExportSchemaVersion, r.House.Name, r.Now.UTC(), d}
	return json.MarshalIndent(out, "", "  ")
}

// cmdErase asks the caller to confirm erasing their data.
func (b *Bot) cmdErase(r *Request) (Response, error) {
	m, err := ownMember(r)
	if errors.Is(err, ErrNotFound) {
		return r.Say("privacy.nothing_stored", "House", r.House.Name), nil
	}
	if err != nil {
		return Response{}, err
	}
	l := r.Lang()
	return Response{Messages: []Message{{
		Text: l.T("privacy.erase.confirm", "House", r.House.Name),
		Choices: []Choice{
			{ID: fmt.Sprintf("mydata:erase:%d", m.ID), Label: l.T("privacy.erase.button"), Style: StyleDanger},
			{ID: "mydata:keep", Label: l.T("privacy.keep.button")},
		},
	}}}, nil
}

// actMydata handles the erase confirmation.
func (b *Bot) actMydata(r *Request, parts []string) (Response, error) {
	if len(parts) != 2 || parts[0] != "erase" {
		return r.Say("privacy.erase.kept"), nil
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return Response{}, Fail(EInvalid, "privacy.erase.stale")
	}
	m, err := ownMember(r)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Response{}, err
	}
	// The id in the button is checked against the caller: nobody erases
	// someone else's data by replaying a button.
	if err != nil || m.ID != id {
		return r.Say("privacy.erase.nothing"), nil
	}
	if err := eraseMember(r, m); err != nil {
		return Response{}, err
	}
	return r.Say("privacy.erase.done", "House", r.House.Name), nil
}

// eraseMember erases a member's data and audits it.
func eraseMember(r *Request, m *Member) error {
	// Features let go first: a partner is told, as when someone leaves,
	// but without their name. Every message naming them is erased below,
	// and a notice that named them would be too.
	if m.Active() {
		gone := *m
		gone.Name = ""
		for _, hook := range r.bot.leaveHooks {
			if err := hook(r, &gone, NewPhrase("privacy.why.erased")); err != nil {
				return err
			}
		}
	}
	for _, hook := range r.bot.eraseHooks {
		if err := hook(r, m); err != nil {
			return err
		}
	}
	if err := r.privacy().EraseMember(r.Ctx, m.ID); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	// Pages that showed them (their own, a partner's, an RSVP list, the
	// staff's alerts and counts) are refreshed, whoever asked for the
	// erasure: /mydata erase or porchlight erase. Erasure is rare, so every
	// page in the house is.
	if err := r.homeStale(homeOwnDelay, m.UserID); err != nil {
		return err
	}
	if err := r.houseHomesStale(); err != nil {
		return err
	}
	return r.Audit("data.erase", fmt.Sprintf("member:%d", m.ID))
}

// retainRun is the retention job's keyed run, after its steps
// (retentionStep): a house with retention off records it as skipped.
func (b *Bot) retainRun(r *Request, _ time.Time) error {
	if r.House.RetentionDays <= 0 {
		return errSkipRun
	}
	return nil
}

// retentionStep is one step of the daily retention job, in a transaction
// of its own. In turn: the free text of answers older than the house's
// retention period is removed; each feature's own free text, through its
// retention hook; delivered messages of that age are deleted (a share
// carries the answer's words); the attachment bytes of delivered messages
// are dropped (clearSentAttachments, also in a house with retention off);
// the records of job runs a month old are deleted (pruneRuns, also with
// retention off); then what has served its purpose (PruneEnded). Moods,
// choices and counts stay.
//
// A step changes at most redactBatch rows in all (attachments: at most
// attachmentBatch): each stage takes what the stages before it left of
// that budget, and the step reports more, and ends, when a stage used up
// what it was given. So an ordinary night, a day's rows, is one
// transaction, and a night with a backlog holds the writer for one
// bounded batch at a time. Each stage is idempotent, so a crash between
// steps loses nothing and doubles nothing: the next run finds what is left.
func (b *Bot) retentionStep(r *Request, _ time.Time) (bool, error) {
	if r.House.RetentionDays <= 0 {
		n, more, err := b.clearSentAttachments(r, attachmentBatch)
		if more || err != nil {
			return more, err
		}
		return b.pruneRuns(r, redactBatch-n)
	}
	budget := redactBatch
	before := r.Now.AddDate(0, 0, -r.House.RetentionDays)
	answers, err := r.privacy().AnswersToRedact(r.Ctx, r.House.ID, before, budget)
	if err != nil {
		return false, fmt.Errorf("answers to redact: %w", err)
	}
	if len(answers) > 0 {
		kept := map[string]bool{}
		for _, f := range b.questions(r.House) {
			if f.Kind != KindText {
				kept[f.ID] = true
			}
		}
		for _, a := range answers {
			for k := range a.Values {
				if !kept[k] {
					delete(a.Values, k)
				}
			}
			a.Redacted, a.UpdatedAt = true, r.Now
			if err := r.privacy().SaveAnswer(r.Ctx, a); err != nil {
				return false, fmt.Errorf("redact answer: %w", err)
			}
		}
		r.Log.Info("retention: free text redacted", "answers", len(answers))
		if budget -= len(answers); budget <= 0 {
			return true, nil
		}
	}
	// Each feature's own free text (meeting notes, goal notes, the
	// boundaries of ended agreements), through its retention hook.
	features := 0
	for _, hook := range b.retentionHooks {
		n, err := hook(r, before, budget)
		if err != nil {
			return false, err
		}
		features += n
		if budget -= n; budget <= 0 {
			r.Log.Info("retention: features' free text redacted", "rows", features)
			return true, nil
		}
	}
	if features > 0 {
		r.Log.Info("retention: features' free text redacted", "rows", features)
	}
	pruned, err := r.privacy().PruneOutbox(r.Ctx, r.House.ID, before, budget)
	if err != nil {
		return false, fmt.Errorf("prune outbox: %w", err)
	}
	if pruned > 0 {
		r.Log.Info("retention: delivered messages deleted", "messages", pruned)
		if budget -= pruned; budget <= 0 {
			return true, nil
		}
	}
	cleared, more, err := b.clearSentAttachments(r, min(budget, attachmentBatch))
	if more || err != nil {
		return more, err
	}
	if budget -= cleared; budget <= 0 {
		return true, nil
	}
	if more, err := b.pruneRuns(r, budget); more || err != nil {
		return more, err
	}
	ended, err := r.privacy().PruneEnded(r.Ctx, r.House.ID, before, r.Now)
	if err != nil {
		return false, fmt.Errorf("prune ended: %w", err)
	}
	if ended > 0 {
		r.Log.Info("retention: ended pauses, mutes and reach-outs cleared", "ended", ended)
	}
	return false, nil
}

// clearSentAttachments is the retention stage that drops the attachment
// bytes of up to limit delivered messages kept from before delivery
// dropped them, in houses with retention off too. It returns how many it
// changed, and reports more when the batch came back full.
func (b *Bot) clearSentAttachments(r *Request, limit int) (int, bool, error) {
	n, err := r.privacy().ClearSentAttachments(r.Ctx, r.House.ID, limit)
	if err != nil {
		return 0, false, fmt.Errorf("clear sent attachments: %w", err)
	}
	if n > 0 {
		r.Log.Info("retention: attachments of delivered messages cleared", "messages", n)
	}
	return n, n == limit, nil
}

// runsKept is how long the retention job keeps the record of a job's run
// once a later run of the job follows it. Only each job's latest is read
// (catch-up, and whether an occurrence ran); the month before it is kept
// for whoever looks into the file.
const runsKept = 30 * 24 * time.Hour

// pruneRuns is the retention stage that deletes up to limit of the house's
// job runs older than runsKept, each job's latest excepted, in houses with
// retention off too: they are the bot's bookkeeping, not anyone's words,
// and without it they would grow the file by about seven rows a house a
// day for ever. It reports more when the batch came back full.
func (b *Bot) pruneRuns(r *Request, limit int) (bool, error) {
	n, err := r.privacy().PruneRuns(r.Ctx, r.House.ID, r.Now.Add(-runsKept), limit)
	if err != nil {
		return false, fmt.Errorf("prune runs: %w", err)
	}
	if n > 0 {
		r.Log.Info("retention: old job runs deleted", "runs", n)
	}
	return n == limit, nil
}

// ErrNoMember is returned by ExportData and EraseData when nothing is
// stored about the user in the house.
var ErrNoMember = errors.New("no member with that id in the house")

// ExportData returns, as JSON, everything stored about a member of a house,
// for the command line's export; who names them as findMember reads it,
// and actor is written to the audit.
func (b *Bot) ExportData(ctx context.Context, h *House, who, actor string) ([]byte, error) {
	var out []byte
	err := b.asCLI(ctx, h, actor, func(r *Request) error {
		m, err := findMember(r, who)
		if err != nil {
			return err
		}
		if out, err = exportJSON(r, m.ID); err != nil {
			return err
		}
		return r.Audit("data.export", fmt.Sprintf("member:%d", m.ID))
	})
	return out, err
}

// EraseData erases everything stored about a member of a house, for the
// command line's erase; who names them as findMember reads it, and actor
// is written to the audit.
func (b *Bot) EraseData(ctx context.Context, h *House, who, actor string) error {
	return b.asCLI(ctx, h, actor, func(r *Request) error {
		m, err := findMember(r, who)
		if err != nil {
			return err
		}
		return eraseMember(r, m)
	})
}

// findMember finds the member of r's house, current or former, that who
// names on the command line: "@Name", their display name; or their
// Porchlight member id (as the audit shows it, member:12) or platform user
// id. It returns ErrNoMember when none matches, and an EInvalid error
// listing each match, and how to name it, when several do.
func findMember(r *Request, who string) (*Member, error) {
	who = strings.TrimSpace(who)
	var found []*Member
	add := func(m *Member) {
		for _, f := range found {
			if f.ID == m.ID {
				return
			}
		}
		found = append(found, m)
	}
	if name, ok := strings.CutPrefix(who, "@"); ok {
		ms, err := r.privacy().MembersNamed(r.Ctx, r.House.ID, name)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			add(m)
		}
	} else {
		m, err := r.privacy().MemberByUser(r.Ctx, r.House.ID, who)
		switch {
		case err == nil:
			add(m)
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
		if id, perr := strconv.ParseInt(strings.TrimPrefix(who, "member:"), 10, 64); perr == nil {
			m, err := r.privacy().MemberByID(r.Ctx, id)
			switch {
			case err == nil && m.HouseID == r.House.ID:
				add(m)
			case err != nil && !errors.Is(err, ErrNotFound):
				return nil, err
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, ErrNoMember
	case 1:
		return found[0], nil
	}
	lines := make([]string, len(found))
	for i, m := range found {
		state := "current"
		if !m.Active() {
			state = "former"
		}
		lines[i] = fmt.Sprintf("  %s (%s member, joined %s): --member %d or --member %s", m.Name, state, r.Local(m.JoinedAt).Format(time.DateOnly), m.ID, m.UserID)
	}
	return nil, Errorf(EInvalid, "%q matches %d members of %s; name one by member id or platform id:\n%s", who, len(found), r.House.Name, strings.Join(lines, "\n"))
}

// asCLI runs fn in one transaction on behalf of the command line.
func (b *Bot) asCLI(ctx context.Context, h *House, actor string, fn func(r *Request) error) error {
	return b.store.Update(ctx, func(tx Tx) error {
		r := &Request{Ctx: ctx, Tx: tx, Now: b.clock.Now(), Log: b.log.With("house", h.ID), House: h, bot: b,
			Event: Event{Platform: h.Platform, User: User{ID: actor}}}
		return fn(r)
	})
}
