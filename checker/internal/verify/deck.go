package verify

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/present"
)

// Deck size limits: a lesson's deck carries the question, the diagram, the
// idea, the key code and the exercise, and no more.
const (
	minSlides = 8
	maxSlides = 18
)

// findDecks lists every .slide file under the slides folder, sorted.
func findDecks(slidesDir string) ([]string, error) {
	var decks []string
	err := filepath.WalkDir(slidesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".slide") {
			decks = append(decks, path)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	sort.Strings(decks)
	return decks, err
}

// lenientFiles is a present.Context ReadFile that never aborts the parse
// for a missing file: it records the name and returns no content, so one
// parse lists every missing reference instead of the first.
type lenientFiles struct {
	missing  []string
	lastMiss bool // whether the latest read was of a missing file
}

func (lf *lenientFiles) ReadFile(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	lf.lastMiss = err != nil
	if err != nil {
		if !slices.Contains(lf.missing, name) {
			lf.missing = append(lf.missing, name)
		}
		return nil, nil
	}
	return data, nil
}

var errLineRE = regexp.MustCompile(`^(.*?):(\d+):? `)

// deckProblems parses a present deck, resolves every file it refers to
// (relative to the deck's folder) and counts its slides. rel is the
// deck's name to show.
func deckProblems(path, rel string) []string {
	src, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}
	}
	lines := strings.Split(string(src), "\n")
	lf := &lenientFiles{}
	ctx := present.Context{ReadFile: lf.ReadFile}
	var doc *present.Doc
	// An address (/START OMIT/,/END OMIT/) cannot match the empty stand-in
	// for a missing file, so that directive still fails the parse. Blank the
	// line and parse again: each round removes one line, so this ends.
	for range len(lines) + 1 {
		doc, err = ctx.Parse(bytes.NewReader([]byte(strings.Join(lines, "\n"))), path, 0)
		if err == nil || !lf.lastMiss {
			break
		}
		m := errLineRE.FindStringSubmatch(err.Error())
		if m == nil {
			break
		}
		n, _ := strconv.Atoi(m[2])
		if n < 1 || n > len(lines) || lines[n-1] == "" {
			break
		}
		lines[n-1] = ""
	}

	var p []string
	dir := filepath.Dir(path)
	for _, f := range lf.missing {
		p = append(p, fmt.Sprintf("%s refers to %s, which does not exist", rel, relTo(dir, f)))
	}
	if err != nil {
		return append(p, fmt.Sprintf("%s does not parse: %s", rel, strings.Replace(err.Error(), path, rel, 1)))
	}
	for _, ref := range unreadRefs(doc.Sections) {
		if isURL(ref) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(ref))); err != nil {
			p = append(p, fmt.Sprintf("%s refers to %s, which does not exist", rel, ref))
		}
	}
	if n := len(doc.Sections); n < minSlides || n > maxSlides {
		p = append(p, fmt.Sprintf("%s has %d slides; want %d–%d", rel, n, minSlides, maxSlides))
	}
	return p
}

// unreadRefs collects the references the parser does not read itself:
// .image, .iframe, .video and .background, in every section.
func unreadRefs(sections []present.Section) []string {
	var refs []string
	for _, s := range sections {
		for _, style := range s.Styles {
			if m := bgURLRE.FindStringSubmatch(style); m != nil {
				refs = append(refs, m[1])
			}
		}
		for _, e := range s.Elem {
			switch e := e.(type) {
			case present.Image:
				refs = append(refs, e.URL)
			case present.Iframe:
				refs = append(refs, e.URL)
			case present.Video:
				refs = append(refs, e.URL)
			case present.Section:
				refs = append(refs, unreadRefs([]present.Section{e})...)
			}
		}
	}
	return refs
}

var bgURLRE = regexp.MustCompile(`url\('([^']*)'\)`)

func isURL(ref string) bool {
	return strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") ||
		strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "mailto:")
}

// relTo shows path relative to dir when it is below it, so messages name
// files as the deck does.
func relTo(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}
