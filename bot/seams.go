package bot

// The seams between the features and storage. Every event runs in one
// transaction, Request.Tx, so that a state change and the messages it
// causes commit together. A feature reaches that transaction only through
// its accessor here, typed with the narrow store interfaces (the *Tx
// interfaces of the *_store.go files) it may use; TestFeatureStoreSeams
// checks that no feature file uses Request.Tx itself. A feature that reads
// another's tables shows it here.
//
// Adding a feature: its file, its *_store.go with its *Tx interface (and
// one line in Tx), its storage file, one line in registerFeatures, and its
// accessor here.

// activityStore is what /activity uses: activities, RSVPs, attendance, and
// the members it DMs.
type activityStore interface {
	ActivityTx
	MemberTx
}

func (r *Request) activities() activityStore { return r.Tx }

// checkinStore is what check-ins use: rounds and answers, the members
// asked, the outbox refs of the prompts it edits, and the requests for
// someone to reach out that House Mentors take.
type checkinStore interface {
	CheckinTx
	MemberTx
	OutboxTx
	ReachOutTx
}

func (r *Request) checkins() checkinStore { return r.Tx }

// convos is the forms in progress.
func (r *Request) convos() ConvoTx { return r.Tx }

// crisisAlerts is the requests for a House Mentor.
func (r *Request) crisisAlerts() CrisisTx { return r.Tx }

// supportPartners is what a resident's request for support reads: their
// accountability partner.
func (r *Request) supportPartners() PartnerTx { return r.Tx }

// digestSources is what the weekly digest reads: aggregates of every
// feature's tables, the audit log its reads are written to, and its
// readers' language (MemberTx).
type digestSources interface {
	ActivityTx
	AuditTx
	CheckinTx
	DigestTx
	GoalTx
	MentoringTx
	MilestoneTx
	PartnerTx
	MeetingTx
	ChoreTx
	MemberTx
}

func (r *Request) digests() digestSources { return r.Tx }

// historyStore is what /history reads about one resident: their check-ins
// (visibility applied in the query), the digest's reads of alerts and
// pairs, and activities.
type historyStore interface {
	ActivityTx
	DigestTx
	HistoryTx
	MemberTx
}

func (r *Request) histories() historyStore { return r.Tx }

// goalStore is what recovery goals use: goals and their progress, and
// the members they DM.
type goalStore interface {
	GoalTx
	MemberTx
}

func (r *Request) goals() goalStore { return r.Tx }

// members is the membership: joining, leaving, roles.
func (r *Request) members() MemberTx { return r.Tx }

// mentoringStore is what mentoring agreements use: agreements and their
// contacts, the members they DM, and the goals a mentee shared (read
// through GoalProgress, which checks the reader).
type mentoringStore interface {
	GoalTx
	MemberTx
	MentoringTx
}

func (r *Request) mentoring() mentoringStore { return r.Tx }

// milestoneStore is what sober dates and celebrations use.
type milestoneStore interface {
	MemberTx
	MilestoneTx
}

func (r *Request) milestones() milestoneStore { return r.Tx }

// partnerStore is what accountability partners use, and the check-in
// misses a ping about missed check-ins counts.
type partnerStore interface {
	CheckinTx
	MemberTx
	PartnerTx
}

func (r *Request) partners() partnerStore { return r.Tx }

// privacyStore is what export, erasure and retention use: every answer
// (to export, erase or redact), roles, and their own queries.
type privacyStore interface {
	CheckinTx
	MemberTx
	PrivacyTx
}

func (r *Request) privacy() privacyStore { return r.Tx }

// meetingStore is what recovery meetings use: the log, and the members
// reminded.
type meetingStore interface {
	MeetingTx
	MemberTx
}

func (r *Request) meetings() meetingStore { return r.Tx }

// newcomerStore is what the newcomer welcome uses: its sequence, when the
// house started (its founding residents are not newcomers), and what the
// steps tell: the partner, the next activity, the meetings asked for.
type newcomerStore interface {
	NewcomerTx
	HouseTx
	MemberTx
	PartnerTx
	ActivityTx
}

func (r *Request) newcomers() newcomerStore { return r.Tx }

// choreStore is what chores use: turns, swaps and tallies, and the
// members they rotate among.
type choreStore interface {
	ChoreTx
	MemberTx
}

func (r *Request) chores() choreStore { return r.Tx }

// homeSources is what a member's home page reads: their own rounds,
// answers, streak, partner and RSVPs; for staff, the house's open alerts
// and this week's counts. Refreshes of homes wait in the outbox.
type homeSources interface {
	ActivityTx
	CheckinTx
	CrisisTx
	DigestTx
	MemberTx
	OutboxTx
	PartnerTx
}

func (r *Request) homes() homeSources { return r.Tx }
