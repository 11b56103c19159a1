// Package health is the process's own account of what is failing: each
// part of the bot (the outbox sender, a scheduled job, the database) says
// when its work fails and when it works again, and the Status keeps, per
// part, since when it fails, how often, and the class of its last failure.
// An operator hears of it twice in the log, when the part turns degraded
// and when it recovers, never once per retry; a readiness endpoint reads
// Problems. It holds no error text, so nothing a member wrote can reach a
// health report.
//
// It imports nothing of the module, so every package may use it.
package health

import (
	"cmp"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// ClassOther is the class of a failure the classifier does not name.
const ClassOther = "other"

// Problem is one part of the bot that is failing.
type Problem struct {
	// Component names the part: "outbox", "database", "job Maple House/checkin".
	Component string
	// Class is the kind of its last failure, such as "full" or "corrupt"
	// (see New), or ClassOther.
	Class string
	// Since is the first failure of this run of failures, Last the latest.
	Since, Last time.Time
	// Failures counts the failures since Since.
	Failures int
}

// Options says how a Status names and explains failures.
type Options struct {
	// Classify names the class of an error (storage.ErrorClass does for
	// database errors); "" or a nil Classify gives ClassOther.
	Classify func(error) string
	// Advice says what an operator should do about a class of failure;
	// it is logged with the failure.
	Advice map[string]string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Status is what is failing now. It is safe for concurrent use.
type Status struct {
	log  *slog.Logger
	opts Options

	mu      sync.Mutex
	failing map[string]*Problem
}

// New returns a Status with nothing failing, logging to log (nil
// discards).
func New(log *slog.Logger, o Options) *Status {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Status{log: log.With("component", "health"), opts: o, failing: map[string]*Problem{}}
}

// Fail records that component's work failed with err. The first failure,
// and a failure of another class than the one before, are logged as an
// error; the failures after that only count.
func (s *Status) Fail(component string, err error) {
	class := ""
	if s.opts.Classify != nil {
		class = s.opts.Classify(err)
	}
	if class == "" {
		class = ClassOther
	}
	now := s.opts.Now()
	s.mu.Lock()
	p, was := s.failing[component]
	if !was {
		p = &Problem{Component: component, Since: now}
		s.failing[component] = p
	}
	changed := p.Class != class
	p.Class, p.Last = class, now
	p.Failures++
	failures := p.Failures
	s.mu.Unlock()
	attrs := []any{"part", component, "class", class, "failures", failures, "err", err}
	if advice := s.opts.Advice[class]; advice != "" {
		attrs = append(attrs, "advice", advice)
	}
	switch {
	case !was:
		s.log.Error("degraded: "+component+" is failing; retrying with backoff", attrs...)
	case changed:
		s.log.Error("degraded: "+component+" now fails differently", attrs...)
	}
}

// OK records that component's work succeeded. If it was failing, its
// recovery is logged once.
func (s *Status) OK(component string) {
	s.mu.Lock()
	p, was := s.failing[component]
	delete(s.failing, component)
	s.mu.Unlock()
	if was {
		s.log.Info("recovered: "+component+" works again", "part", component, "class", p.Class, "failures", p.Failures, "after", s.opts.Now().Sub(p.Since).Round(time.Second))
	}
}

// Problems returns what is failing now, by component.
func (s *Status) Problems() []Problem {
	s.mu.Lock()
	out := make([]Problem, 0, len(s.failing))
	for _, p := range s.failing {
		out = append(out, *p)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Problem) int { return cmp.Compare(a.Component, b.Component) })
	return out
}

// Degraded reports whether anything is failing.
func (s *Status) Degraded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.failing) > 0
}
