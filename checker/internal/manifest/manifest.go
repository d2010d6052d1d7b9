// Package manifest records the SHA-256 of every lesson's shipped files, so
// the checker can tell whether a learner changed a test (a lesson with
// changed tests never counts as done) and whether a lesson's starter code
// is still untouched (the lesson is "not started").
//
// The file format is that of sha256sum, one file a line, paths relative to
// the module root with forward slashes:
//
//	<sha256>  lessons/01-blocking-chain/chain_test.go
//	starter <sha256>  lessons/01-blocking-chain/chain.go
//
// Lines for starter (non-test) files carry the word "starter" first.
// Lines that start with "earlier" keep the hash of a test file as an
// earlier release of the workshop shipped it, for every release, even for
// files since renamed or removed: a learner's copy made before a change
// reads "from an older version" rather than "tests changed".
//
//	earlier <sha256>  lessons/04-retries/budget_test.go
//
// Lines starting with '#' and blank lines are comments.
//
// Hashes are taken after turning CRLF line endings into LF, so a copy
// checked out on Windows with automatic line-ending conversion does not look
// changed.
package manifest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
)

// Manifest maps root-relative, slash-separated file paths to their
// hex-encoded SHA-256.
type Manifest struct {
	Tests    map[string]string // lessons/NN-slug/*_test.go
	Starters map[string]string // lessons/NN-slug/*.go that are not tests
	// Earlier holds, by path, the hashes test files had in earlier
	// releases, oldest first; never the file's current hash.
	Earlier map[string][]string
}

// New returns an empty manifest.
func New() Manifest {
	return Manifest{Tests: map[string]string{}, Starters: map[string]string{}, Earlier: map[string][]string{}}
}

// Keep returns m, the files as they are now, with the history of prev,
// the manifest it replaces: every earlier hash prev knew, and prev's
// current hash of every test file that has changed or gone since.
func (m Manifest) Keep(prev Manifest) Manifest {
	out := New()
	maps.Copy(out.Tests, m.Tests)
	maps.Copy(out.Starters, m.Starters)
	add := func(p, sum string) {
		if sum != m.Tests[p] && !slices.Contains(out.Earlier[p], sum) {
			out.Earlier[p] = append(out.Earlier[p], sum)
		}
	}
	for _, p := range sortedKeys(prev.Earlier) {
		for _, sum := range prev.Earlier[p] {
			add(p, sum)
		}
	}
	for _, p := range sortedKeys(prev.Tests) {
		add(p, prev.Tests[p])
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := slices.Collect(maps.Keys(m))
	slices.Sort(ks)
	return ks
}

// Compute hashes the .go files directly inside every lesson folder of root.
func Compute(root string) (Manifest, error) {
	m := New()
	lessons, err := lesson.List(root)
	if err != nil {
		return m, err
	}
	for _, l := range lesson.Published(lessons) {
		entries, err := os.ReadDir(filepath.Join(root, l.Dir()))
		if err != nil {
			return m, err
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(root, l.Dir(), e.Name()))
			if err != nil {
				return m, err
			}
			rel := path.Join(l.Dir(), e.Name())
			if strings.HasSuffix(e.Name(), "_test.go") {
				m.Tests[rel] = Sum(data)
			} else {
				m.Starters[rel] = Sum(data)
			}
		}
	}
	return m, nil
}

// Sum is the hash the manifest records for a file's content.
func Sum(data []byte) string {
	h := sha256.Sum256(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
	return hex.EncodeToString(h[:])
}

const header = `# The lesson files as shipped. The checker compares a learner's copy with
# these hashes: a changed test file means the lesson cannot count as done;
# untouched "starter" files mean the lesson is not started yet; a test file
# with an "earlier" hash is from an older release (see CHANGELOG.md).
# Rewrite this file with: go run ./checker manifest (it keeps the earlier lines)
`

// Bytes renders the manifest in its file format, sorted by path, so the
// same files always give the same bytes.
func (m Manifest) Bytes() []byte {
	type line struct{ path, text string }
	var lines []line
	for p, s := range m.Tests {
		lines = append(lines, line{p, s + "  " + p})
	}
	for p, s := range m.Starters {
		lines = append(lines, line{p, "starter " + s + "  " + p})
	}
	for p, sums := range m.Earlier {
		for _, s := range sums {
			lines = append(lines, line{p, "earlier " + s + "  " + p})
		}
	}
	// By path; a path's current line first, then its earlier ones, oldest
	// first (the sort is stable and Earlier keeps that order).
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].path != lines[j].path {
			return lines[i].path < lines[j].path
		}
		return !strings.HasPrefix(lines[i].text, "earlier ") && strings.HasPrefix(lines[j].text, "earlier ")
	})
	var b bytes.Buffer
	b.WriteString(header)
	for _, l := range lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Parse reads a manifest written by Bytes.
func Parse(data []byte) (Manifest, error) {
	m := New()
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind := ""
		for _, k := range []string{"starter ", "earlier "} {
			if rest, ok := strings.CutPrefix(line, k); ok {
				kind, line = k, rest
			}
		}
		sum, p, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 || !isHex(sum) || p == "" {
			return m, fmt.Errorf("manifest line %d: want \"[starter|earlier] <sha256>  <path>\", got %q", n, sc.Text())
		}
		switch kind {
		case "starter ":
			m.Starters[p] = sum
		case "earlier ":
			if !slices.Contains(m.Earlier[p], sum) {
				m.Earlier[p] = append(m.Earlier[p], sum)
			}
		default:
			m.Tests[p] = sum
		}
	}
	return m, sc.Err()
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// Diff is how one lesson of a copy differs from the manifest.
type Diff struct {
	// Known is false when the manifest lists no file of the lesson at all
	// (a lesson added after the manifest was last written).
	Known bool
	// Changed, Missing and Extra list test files (root-relative, slash
	// paths): changed content, deleted, or added.
	Changed, Missing, Extra []string
	// Older lists test files exactly as an earlier release shipped them:
	// the copy is from an older version of the workshop.
	Older []string
	// StarterUntouched is true when the lesson's non-test files are exactly
	// the shipped starter files, byte for byte.
	StarterUntouched bool
}

// TestsChanged reports whether a test file differs from every release:
// changed, added, or deleted where no older file explains it.
func (d Diff) TestsChanged() bool {
	return len(d.Changed)+len(d.Extra) > 0 || (len(d.Missing) > 0 && len(d.Older) == 0)
}

// Untouched reports whether the lesson's files, tests and starter alike,
// are exactly the shipped ones: nothing changed, added or deleted.
func (d Diff) Untouched() bool {
	return d.Known && d.StarterUntouched && len(d.Changed)+len(d.Missing)+len(d.Extra)+len(d.Older) == 0
}

// Outdated reports whether the test files are those of an earlier
// release (a file the new release added may be missing): pulling the new
// version brings them up to date.
func (d Diff) Outdated() bool { return len(d.Older) > 0 && !d.TestsChanged() }

// Restorable lists the changed and missing test files: the ones git can
// bring back. Extra files have to be deleted instead.
func (d Diff) Restorable() []string {
	out := append(append([]string{}, d.Changed...), d.Missing...)
	sort.Strings(out)
	return out
}

// Compare reports how current differs from the shipped manifest m for the
// lesson in lessonDir ("lessons/01-blocking-chain").
func (m Manifest) Compare(current Manifest, lessonDir string) Diff {
	prefix := strings.TrimSuffix(filepath.ToSlash(lessonDir), "/") + "/"
	shippedTests, currentTests := under(m.Tests, prefix), under(current.Tests, prefix)
	shippedStarters, currentStarters := under(m.Starters, prefix), under(current.Starters, prefix)
	d := Diff{Known: len(shippedTests)+len(shippedStarters) > 0}
	if !d.Known {
		return d
	}
	for p, s := range shippedTests {
		switch c, ok := currentTests[p]; {
		case !ok:
			d.Missing = append(d.Missing, p)
		case c == s:
		case slices.Contains(m.Earlier[p], c):
			d.Older = append(d.Older, p)
		default:
			d.Changed = append(d.Changed, p)
		}
	}
	for p, c := range currentTests {
		if _, ok := shippedTests[p]; ok {
			continue
		}
		if slices.Contains(m.Earlier[p], c) {
			d.Older = append(d.Older, p) // renamed or removed since
		} else {
			d.Extra = append(d.Extra, p)
		}
	}
	sort.Strings(d.Changed)
	sort.Strings(d.Missing)
	sort.Strings(d.Extra)
	sort.Strings(d.Older)
	d.StarterUntouched = len(shippedStarters) > 0 && len(shippedStarters) == len(currentStarters)
	for p, s := range shippedStarters {
		if currentStarters[p] != s {
			d.StarterUntouched = false
		}
	}
	return d
}

func under(files map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for p, s := range files {
		if strings.HasPrefix(p, prefix) && !strings.Contains(p[len(prefix):], "/") {
			out[p] = s
		}
	}
	return out
}
