package verify

import (
	"fmt"
	"slices"

	"github.com/wherewaiting/workshop/checker/internal/ansi"
)

// knownFailures lists checks that fail on a lesson while it is being
// corrected: each entry is "NN-slug: short name", with one of the short
// names below. A listed check that fails is printed as KNOWN, with its
// problems, and counted neither as passed nor as failed; a listed check
// that passes is printed with a note to delete its entry once it passes
// every time (a picture that changes from run to run passes some runs).
//
// This list only ever shrinks: delete an entry when its lesson is fixed,
// and never add one to make a change pass. The checks of what learners
// see (diagrams, slides, pictures, the first failure) came in while the
// lessons were being reworked to their shapes; these still fail.
var knownFailures = []string{
	// 17 "Mistakes people make": twelve bullets, the last on the page number.
	"02-deadlines: slides fit",
	// solution/database-times-out-too.txt differs from run to run: the
	// database's span has ended, or is "still waiting", at the instant the
	// picture is drawn (the test is about that instant).
	"02-deadlines: timelines",
	// 10 "Solution: when to stop, and giving up for good" (636px) and 13
	// "Solution: an attempt, abandoned in time" (620px) run into the bottom
	// margin. (6 and 17, text, are measured 628–655px but show whole on a
	// screenshot: the estimate wraps their list items too early.)
	"04-retries: slides fit",
	// 8, 10, 11, 13, 14 and 15: code and pictures of 616–656px into the
	// bottom margin, onto the page number. (17, text, shows whole.)
	"05-circuit-breaker: slides fit",
	// solution/five-jobs-one-worker.txt and solution/work-timeout.txt
	// differ from run to run: "a working" and "b queued" start at the same
	// virtual instant, and their rows come in either order (one run in
	// four to eight draws the other order).
	"06-hand-off: timelines",
	// 6 "The starter: one worker" (620px) and 11 "Solution: Submit, select
	// with no lock held" (636px).
	"07-worker-pool: slides fit",
	// The same as 06: solution/seven-jobs-three-workers.txt (jobs starting
	// at the same instant, in either order), starter/shutdown-grace.txt,
	// solution/shutdown-grace.txt and, more rarely, shutdown-drains.txt
	// (job 1 queued or already working when Shutdown is called, at the
	// same instant).
	"07-worker-pool: timelines",
	// 12 "Solution: SubmitWait, until ctx ends or Shutdown begins": 628px.
	"08-backpressure: slides fit",
	// README line 112: a note of 46 characters that runs past its box.
	"09-delivery: mermaid",
	// 10 "Solution: ack after the work, renew while it lasts" (628px) and
	// 11 "Solution: one owner per key" (644px).
	"09-delivery: slides fit",
	// 8 "Solution: wait for an answer, not for a goroutine": a code line of
	// 98 columns; 9 and 10: 22 lines of code, 628px and more.
	"10-degradation: slides fit",
}

// Short names of the checks that knownFailures may list: the checks of
// what learners see. A check gives its short name in its list entry
// (lessonChecks, starterChecks, deckChecks) or where run calls it.
const (
	checkMermaid      = "mermaid"
	checkSlidesFit    = "slides fit"
	checkSlidesTitle  = "slides title"
	checkSlidesOrder  = "slides order"
	checkFirstFailure = "first failure"
	checkTimelines    = "timelines"
)

// knownShorts are the short names above, for the test that keeps
// knownFailures free of typos.
var knownShorts = []string{checkMermaid, checkSlidesFit, checkSlidesTitle, checkSlidesOrder, checkFirstFailure, checkTimelines}

// knownCheck records a check of lesson ("NN-slug") that knownFailures may
// excuse under its short name; with no short name it is an ordinary check.
// name is what to print. It returns whether the check passed.
func (r *reporter) knownCheck(lesson, short, name string, problems []string) bool {
	key := lesson + ": " + short
	if short == "" || !slices.Contains(r.known, key) {
		return r.check(name, problems)
	}
	if len(problems) == 0 {
		r.check(name, nil)
		r.note("%q is in knownFailures but passed this run: delete the entry once it passes every time (checker/internal/verify/known.go)", key)
		return true
	}
	mark := "KNOWN"
	if r.color {
		mark = ansi.Paint(true, ansi.Yellow, "!")
	}
	fmt.Fprintf(r.out, "%s %s\n", mark, name)
	r.allowed++
	r.details(problems)
	return false
}

// knownSummary says how many failures knownFailures let through.
func (r *reporter) knownSummary() {
	if r.allowed > 0 {
		r.note("%s allowed by knownFailures (checker/internal/verify/known.go): fix the lessons, then delete the entries", plural(r.allowed, "known failure"))
	}
}
