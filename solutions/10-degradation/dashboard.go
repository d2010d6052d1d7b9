// Package degradation chooses what can wait. Lesson 03's dashboard comes
// back with a required part (the profile) and optional ones
// (recommendations, activity): an optional part that is late or down is
// left out, or served from a cheap fallback, and the page goes out on time.
// Under overload the least critical work is shed first, work nobody waits
// for is not started, optional parts are switched off while the queue is
// long, and a client that keeps being refused throttles itself.
package degradation

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Backend answers queries; it is across a network, so every query waits. A
// well-behaved Backend stops when ctx is done (not every one is).
type Backend interface {
	Query(ctx context.Context, q string) (string, error)
}

// The parts of a dashboard, as they are named in queries ("profile:42"),
// errors and Degradation.Part.
const (
	PartProfile         = "profile"
	PartRecommendations = "recommendations"
	PartActivity        = "activity"
)

// Source says what a degraded part was served instead of its backend's
// fresh answer.
type Source int

const (
	// Omitted: nothing; the page goes out without the part.
	Omitted Source = iota
	// Stale: the last good answer, no older than Config.MaxStale.
	Stale
	// Default: the part's static default from Config.Defaults.
	Default
)

// String returns "omitted", "stale" or "default".
func (s Source) String() string {
	switch s {
	case Omitted:
		return "omitted"
	case Stale:
		return "stale"
	case Default:
		return "default"
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// A Degradation says which optional part of a page was not its backend's
// fresh answer, what was served instead, and why.
type Degradation struct {
	Part   string        // PartRecommendations or PartActivity
	Served Source        // what the page holds instead
	Age    time.Duration // with Stale: how old the served answer is
	Reason error         // why the backend's answer was not used
}

// Page is a user's dashboard.
type Page struct {
	Profile         string // required: without it there is no page
	Recommendations string // optional
	Activity        string // optional
	// Degraded lists the optional parts that are not their backend's fresh
	// answer, recommendations before activity. Empty: the page is whole.
	Degraded []Degradation
}

// ErrSwitchedOff is the reason given for optional parts that were not even
// asked for, because the Switch had turned them off.
var ErrSwitchedOff = errors.New("optional parts are switched off")

// Config says how a Service degrades.
type Config struct {
	// OptionalBudget is how long, from the start of Handle, an optional
	// part may take. It must be positive, and it never extends the
	// request's own deadline.
	OptionalBudget time.Duration
	// Margin is how long before the request's deadline the optional parts
	// are given up at the latest: the time the page needs to be rendered
	// and to reach the client, so that it gets there before the client
	// gives up. 0: none, the optional parts may take up to the deadline.
	Margin time.Duration
	// MaxStale is the age of the oldest last good answer that may still be
	// served in place of a fresh one. 0: none is.
	MaxStale time.Duration
	// MaxEntries is how many last good answers (one per part and user) are
	// kept at most: past it, the oldest is forgotten. 0: none is kept.
	MaxEntries int
	// Defaults holds a static answer for an optional part, by part name,
	// served when neither a fresh nor a recent enough answer is at hand.
	Defaults map[string]string
	// Switch, if not nil, turns the optional parts off and on; while it is
	// off they are not asked for at all.
	Switch *Switch
}

// Service builds dashboards from three backends.
type Service struct {
	profiles, recommendations, activity Backend
	cfg                                 Config

	mu sync.Mutex // guards last and order; held only to read or write them
	// last holds the last good answers, by part and user, at most
	// cfg.MaxEntries of them; order lists them newest first, so that the
	// oldest, the first to forget, is at the back. An answer older than
	// MaxStale can never be served: it is forgotten too.
	last  map[string]*list.Element // of an entry
	order *list.List
}

// entry is a last good answer, and whose it is.
type entry struct {
	key string
	answer
}

// answer is what an optional query came back with, and when.
type answer struct {
	value string
	err   error
	at    time.Time
}

// NewService returns a service that asks profiles for the required part
// and recommendations and activity for the optional ones. It panics if
// cfg.OptionalBudget is not positive.
func NewService(profiles, recommendations, activity Backend, cfg Config) *Service {
	if cfg.OptionalBudget <= 0 {
		panic(fmt.Sprintf("degradation: OptionalBudget must be positive, got %v", cfg.OptionalBudget))
	}
	return &Service{
		profiles:        profiles,
		recommendations: recommendations,
		activity:        activity,
		cfg:             cfg,
		last:            map[string]*list.Element{},
		order:           list.New(),
	}
}

// Handle builds userID's page. It asks the three backends at once. The
// profile is required: if it fails, Handle fails with its error, at once,
// and the optional queries are cancelled. An optional part has
// cfg.OptionalBudget (ending cfg.Margin before the request's deadline at
// the latest) and is asked as Sheddable work; if it fails or is late, the
// page goes out without it, or with a fallback, and says so in
// Page.Degraded. Handle never waits for an optional part past its budget,
// even one whose backend ignores its context.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil) // nothing Handle started outlives it

	// The optional parts: less critical than the request, and with a
	// deadline of their own, inside the request's, Margin before it.
	end := time.Now().Add(s.cfg.OptionalBudget)
	if deadline, ok := ctx.Deadline(); ok && deadline.Add(-s.cfg.Margin).Before(end) {
		end = deadline.Add(-s.cfg.Margin)
	}
	optional, stop := context.WithDeadline(Lower(ctx, Sheddable), end)
	defer stop()
	on := s.cfg.Switch == nil || s.cfg.Switch.Enabled()
	recs := s.start(optional, on, s.recommendations, PartRecommendations, userID)
	activity := s.start(optional, on, s.activity, PartActivity, userID)

	profile, err := ask(ctx, s.profiles, PartProfile, userID)
	if err != nil {
		cancel(err) // nobody will read the optional parts now
		return Page{}, err
	}
	page := Page{Profile: profile}
	page.Recommendations = s.settle(optional, &page, PartRecommendations, userID, recs)
	page.Activity = s.settle(optional, &page, PartActivity, userID, activity)
	return page, nil
}

// start asks b for an optional part in a goroutine of its own, and returns
// the channel its answer will arrive on: buffered, so that a query that
// answers after Handle has stopped waiting ends alone. Switched off, it
// asks nothing and returns nil.
func (s *Service) start(ctx context.Context, on bool, b Backend, part, userID string) <-chan answer {
	if !on {
		return nil
	}
	answers := make(chan answer, 1)
	go func() {
		value, err := ask(ctx, b, part, userID)
		answers <- answer{value: value, err: err, at: time.Now()}
	}()
	return answers
}

// settle waits for an optional part until ctx (its budget) ends, and
// returns what the page shows for it: the fresh answer, or a fallback,
// noted in page.Degraded.
func (s *Service) settle(ctx context.Context, page *Page, part, userID string, answers <-chan answer) string {
	var a answer
	if answers == nil {
		a.err = ErrSwitchedOff
	} else {
		select {
		case a = <-answers:
		case <-ctx.Done():
			// An answer that came in time wins, even if both are ready by now.
			select {
			case a = <-answers:
			default:
				a.err = context.Cause(ctx)
			}
		}
	}
	if a.err == nil {
		s.remember(part, userID, a)
		return a.value
	}
	value, d := s.fallback(part, userID, a.err)
	page.Degraded = append(page.Degraded, d)
	return value
}

// remember keeps a fresh answer as the part's last good one, and forgets
// what no longer fits: past MaxEntries, or older than MaxStale.
func (s *Service) remember(part, userID string, a answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := part + ":" + userID
	if e, ok := s.last[key]; ok {
		s.order.Remove(e)
	}
	s.last[key] = s.order.PushFront(entry{key: key, answer: a})
	for s.order.Len() > s.cfg.MaxEntries || s.order.Len() > 0 && time.Since(s.oldest().at) > s.cfg.MaxStale {
		delete(s.last, s.order.Remove(s.order.Back()).(entry).key)
	}
}

// oldest returns the oldest answer kept. Call it with mu held, with at
// least one answer kept.
func (s *Service) oldest() entry {
	return s.order.Back().Value.(entry)
}

// fallback returns what to serve instead of a part whose backend did not
// answer, and the note that says so. Every choice is local and costs
// nothing: the last good answer if it is recent enough, else the static
// default, else nothing. It never asks a backend: the one that just failed
// is the last one to ask for more.
func (s *Service) fallback(part, userID string, reason error) (string, Degradation) {
	d := Degradation{Part: part, Served: Omitted, Reason: reason}
	s.mu.Lock()
	var last answer
	e, ok := s.last[part+":"+userID]
	if ok {
		last = e.Value.(entry).answer
	}
	s.mu.Unlock()
	if age := time.Since(last.at); ok && age <= s.cfg.MaxStale {
		d.Served, d.Age = Stale, age
		return last.value, d
	}
	if value, ok := s.cfg.Defaults[part]; ok {
		d.Served = Default
		return value, d
	}
	return "", d
}

// ask queries b for one part of userID's page, and says which part failed
// if it does.
func ask(ctx context.Context, b Backend, part, userID string) (string, error) {
	value, err := b.Query(ctx, part+":"+userID)
	if err != nil {
		return "", fmt.Errorf("%s for user %s: %w", part, userID, err)
	}
	return value, nil
}
