package bot

import (
	"context"
	"time"
)

// Pair is two residents (or three, when the count is odd) who look out for
// each other.
type Pair struct {
	ID      int64
	HouseID int64
	// Members are member ids, in ascending order.
	Members []int64
	// How is "manual" or "rotation"; Rotation numbers automatic rounds.
	How      string
	Rotation int
	FormedAt time.Time
	EndedAt  time.Time
}

// PartnerPing records that a partner was told about a missed check-in or
// a request for support.
type PartnerPing struct {
	ID      int64
	HouseID int64
	PairID  int64
	// About is the member the ping is about.
	About int64
	// Kind is "missed" or "support".
	Kind string
	// At is when the ping was recorded.
	At         time.Time
	AnsweredAt time.Time
	// DueAt is when it goes out: At, or the end of the house's quiet
	// hours. SentAt is when it went to the outbox, zero while it waits;
	// DroppedAt, when it was not sent after all (the resident checked in,
	// was paused or left, or every partner muted pings).
	DueAt, SentAt, DroppedAt time.Time
	// Misses is how many check-ins in a row the ping said were missed.
	Misses int
}

// PartnerStats are a house's partner numbers for a period, for the digest.
type PartnerStats struct {
	Pairs, Nudges, Contacts, Pings, PingsAnswered int
	// PingsOff counts residents who turned pings about themselves off.
	PingsOff int
}

// PartnerTx stores accountability partners.
type PartnerTx interface {
	// CurrentPairs lists a house's pairs that have not ended.
	CurrentPairs(ctx context.Context, houseID int64) ([]*Pair, error)
	// PairOf returns a member's current pair, or ErrNotFound.
	PairOf(ctx context.Context, memberID int64) (*Pair, error)
	// PairByID returns a pair, ended or not, or ErrNotFound.
	PairByID(ctx context.Context, id int64) (*Pair, error)
	// CreatePair stores p and sets p.ID.
	CreatePair(ctx context.Context, p *Pair) error
	// EndPair ends a pair.
	EndPair(ctx context.Context, pairID int64, at time.Time) error
	// RemoveFromPair takes one member out of a pair (a trio becomes a pair).
	RemoveFromPair(ctx context.Context, pairID, memberID int64) error
	// LastRotation is the house's highest rotation number, 0 if none.
	LastRotation(ctx context.Context, houseID int64) (int, error)
	// RotationPairs lists the pairs formed by rotations after the given one.
	RotationPairs(ctx context.Context, houseID int64, after int) ([]*Pair, error)
	// AddAvoid records that two members must not be paired.
	AddAvoid(ctx context.Context, houseID, a, b int64, by string, at time.Time) error
	// Avoids lists the house's "do not pair" couples.
	Avoids(ctx context.Context, houseID int64) ([][2]int64, error)
	// RecordNudge records a pair's nudge for a house-local day; ErrDuplicate
	// when it was already nudged that day.
	RecordNudge(ctx context.Context, pairID int64, day string, at time.Time) error
	// RecordContact records a pair's first "we connected" of a day; false
	// when the day already had one.
	RecordContact(ctx context.Context, pairID int64, day string, memberID int64, at time.Time) (bool, error)
	// Contacted reports whether a pair connected on a day.
	Contacted(ctx context.Context, pairID int64, day string) (bool, error)
	// RecordPing stores p and sets p.ID; a zero DueAt is At.
	RecordPing(ctx context.Context, p *PartnerPing) error
	// WaitingPing returns the ping about a member that waits to go out,
	// or ErrNotFound.
	WaitingPing(ctx context.Context, about int64) (*PartnerPing, error)
	// MissedPingBetween reports whether a ping about a member's missed
	// check-in went out, or is due, in [from, to).
	MissedPingBetween(ctx context.Context, about int64, from, to time.Time) (bool, error)
	// DuePings lists the waiting pings, of every house, due at or before now.
	DuePings(ctx context.Context, now time.Time) ([]*PartnerPing, error)
	// SettlePing records that a waiting ping went out, saying misses
	// missed check-ins in a row (sent), or was dropped.
	SettlePing(ctx context.Context, id int64, sent bool, misses int, at time.Time) error
	// SetPingMute mutes pings about missed check-ins to a member until
	// until; a zero until unmutes.
	SetPingMute(ctx context.Context, memberID int64, until, at time.Time) error
	// PingMutedUntil returns until when a member muted pings about missed
	// check-ins, or the zero time.
	PingMutedUntil(ctx context.Context, memberID int64) (time.Time, error)
	// PingByID returns a ping, or ErrNotFound.
	PingByID(ctx context.Context, id int64) (*PartnerPing, error)
	// AnswerPing records the first answer to a ping; false if answered.
	AnswerPing(ctx context.Context, id int64, at time.Time) (bool, error)
	// SetPingsOff turns pings about a member off or on.
	SetPingsOff(ctx context.Context, memberID int64, off bool, at time.Time) error
	// PingsOff reports whether pings about a member are off.
	PingsOff(ctx context.Context, memberID int64) (bool, error)
	// PartnerStats counts a house's partner activity in [from, to).
	PartnerStats(ctx context.Context, houseID int64, from, to time.Time) (PartnerStats, error)
}
