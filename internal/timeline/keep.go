package timeline

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// KeepEnv names the environment variable that makes Keep write files.
const KeepEnv = "WAITING_TIMELINES"

var keepNameRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Keep saves a picture a test drew (a timeline, a table of figures) so that
// a slide deck can show the real output with .code instead of a copy pasted
// by hand. When the environment variable WAITING_TIMELINES names a folder,
// Keep writes picture to FOLDER/name.txt; otherwise it does nothing, so a
// learner's test run never writes a file. name is kebab-case, like
// "storm-without-backoff".
//
// Call it with the same text the test prints or puts in its failure
// message, before the assertions, so that a failing run (the starter's)
// keeps its picture too.
func Keep(t testing.TB, name, picture string) {
	t.Helper()
	dir := os.Getenv(KeepEnv)
	if dir == "" {
		return
	}
	if !keepNameRE.MatchString(name) {
		t.Errorf("timeline.Keep: the name %q is not kebab-case (like storm-without-backoff)", name)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("timeline.Keep: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(picture), 0o644); err != nil {
		t.Errorf("timeline.Keep: %v", err)
	}
}
