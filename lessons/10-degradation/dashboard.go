// Package degradation chooses what can wait. Lesson 03's dashboard comes
// back with a required part (the profile) and optional ones
// (recommendations, activity): an optional part that is late or down is
// left out, or served from a cheap fallback, and the page goes out on time.
// Under overload the least critical work is shed first, work nobody waits
// for is not started, optional parts are switched off while the queue is
// long, and a client that keeps being refused throttles itself.
package degradation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
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

	// TODO(2): the last good answer of each optional part, by part and
	// user, and when it came: at most cfg.MaxEntries of them, the least
	// recently answered forgotten first (container/list and a map make an
	// LRU), and none kept past cfg.MaxStale, when it can no longer be
	// served. Pages are built in many goroutines at once: guard it with a
	// sync.Mutex, held only to read or write it.
}

// NewService returns a service that asks profiles for the required part
// and recommendations and activity for the optional ones. It panics if
// cfg.OptionalBudget is not positive.
func NewService(profiles, recommendations, activity Backend, cfg Config) *Service {
	if cfg.OptionalBudget <= 0 {
		panic(fmt.Sprintf("degradation: OptionalBudget must be positive, got %v", cfg.OptionalBudget))
	}
	return &Service{profiles: profiles, recommendations: recommendations, activity: activity, cfg: cfg}
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
	// TODO(1): this is lesson 03's Handle: all or nothing. A late
	// recommendation holds the whole page, and a failed one fails it.
	// Keep the profile on the request's context: it is required. Give the
	// optional parts a context of their own that ends after
	// cfg.OptionalBudget, or cfg.Margin before the request's deadline if
	// that is earlier (derived from the request's, so it never outlives
	// it); ask each in a goroutine that hands its answer over a channel of
	// capacity 1; after the profile, wait for each answer or the end of its
	// budget, whichever comes first (an answer that came in time wins).
	// Leave out a part that failed or was late, and note it in
	// Page.Degraded, recommendations first. A failed profile fails the page
	// at once: stop the optional parts then, with the profile's error as
	// their cause (context.WithCancelCause). errgroup's Wait cannot do this:
	// it waits for every goroutine to end, and a backend that ignores its
	// context ends when it likes.
	//
	// TODO(2): instead of leaving a part out, serve its last good answer if
	// it is at most cfg.MaxStale old, else cfg.Defaults[part] if there is
	// one (Degradation.Served says which). Never ask a backend for a
	// fallback: the one that just failed is the last one to load more.
	//
	// TODO(3): ask for the optional parts as Sheddable work (Lower),
	// whatever the page's own criticality.
	//
	// TODO(5): while cfg.Switch is off, do not ask for the optional parts
	// at all: serve their fallbacks, with ErrSwitchedOff as the reason.
	g, gctx := errgroup.WithContext(ctx)
	var p Page
	g.Go(func() (err error) {
		p.Profile, err = ask(gctx, s.profiles, PartProfile, userID)
		return err
	})
	g.Go(func() (err error) {
		p.Recommendations, err = ask(gctx, s.recommendations, PartRecommendations, userID)
		return err
	})
	g.Go(func() (err error) {
		p.Activity, err = ask(gctx, s.activity, PartActivity, userID)
		return err
	})
	if err := g.Wait(); err != nil {
		return Page{}, err
	}
	return p, nil
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
