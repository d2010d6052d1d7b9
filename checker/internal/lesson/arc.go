package lesson

import (
	"fmt"
	"strings"
)

// Planned is one step of the workshop's arc, whether or not its folder
// has been written yet.
type Planned struct {
	Number string // "03"
	Slug   string // "fan-out"
	Title  string // "Fan-out"
}

// Arc is the whole course in order. Numbers are fixed; a lesson folder that
// exists overrides the slug, and its README heading overrides the title.
var Arc = []Planned{
	{"00", "warmup", "Warm-up"},
	{"01", "blocking-chain", "The blocking chain"},
	{"02", "deadlines", "Deadlines"},
	{"03", "fan-out", "Fan-out"},
	{"04", "retries", "Retries"},
	{"05", "circuit-breaker", "Circuit breaker"},
	{"06", "hand-off", "Hand-off"},
	{"07", "worker-pool", "Worker pool"},
	{"08", "backpressure", "Backpressure"},
	{"09", "delivery", "Delivery"},
	{"10", "degradation", "Degradation"},
	{"11", "capstone", "Capstone"},
}

// PlannedTitle returns the arc's title for a lesson number, or "".
func PlannedTitle(number string) string {
	for _, p := range Arc {
		if p.Number == number {
			return p.Title
		}
	}
	return ""
}

// Match finds the lesson a learner named on the command line: "3", "03",
// "03-fan-out" or "fan-out". Lessons of the arc that are not written yet
// match too, with found set to false, so the caller can say "coming soon"
// instead of "unknown".
func Match(lessons []ID, arg string) (l ID, found bool, err error) {
	arg = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(arg), "lessons/"), "/")
	if len(arg) == 1 && arg[0] >= '0' && arg[0] <= '9' {
		arg = "0" + arg
	}
	for _, l := range lessons {
		if arg == l.Number || arg == l.Slug || arg == l.Name() {
			return l, true, nil
		}
	}
	for _, p := range Arc {
		if arg == p.Number || arg == p.Slug || arg == p.Number+"-"+p.Slug {
			return ID{Number: p.Number, Slug: p.Slug}, false, nil
		}
	}
	var names []string
	for _, l := range lessons {
		names = append(names, l.Name())
	}
	if len(names) == 0 {
		return ID{}, false, fmt.Errorf("unknown lesson %q, and no lesson is written yet", arg)
	}
	return ID{}, false, fmt.Errorf("unknown lesson %q: give a number or a folder name, one of %s", arg, strings.Join(names, ", "))
}
