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

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"golang.org/x/tools/present"
)

// Deck size limits: a lesson's deck carries the question, the diagram, the
// idea, the starter and what goes wrong, the exercise, the solution, the
// mistakes, the three questions and further reading, and no more.
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

// deck is one slide deck, read and parsed once for every deck check.
type deck struct {
	path string // absolute
	rel  string // relative to the module root, slash-separated: the name to show
	src  string
	// doc is the parsed deck, nil when it cannot be read or parsed; a
	// file it refers to that is missing leaves that directive empty.
	doc *present.Doc
	lf  *lenientFiles // nil when the deck cannot be read
	err error         // reading or parsing it
	// lesson is the lesson whose deck this is, from its name
	// (slides/NN-slug.slide); isLesson is false for any other deck.
	lesson   lesson.ID
	isLesson bool
}

// readDeck reads and parses a present deck leniently: a file it refers to
// that is missing is recorded instead of ending the parse.
func readDeck(path, rel string) *deck {
	d := &deck{path: path, rel: rel}
	d.lesson, d.isLesson = lesson.ParseName(strings.TrimSuffix(filepath.Base(path), ".slide"))
	d.isLesson = d.isLesson && rel == "slides/"+d.lesson.Name()+".slide"
	src, err := os.ReadFile(path)
	if err != nil {
		d.err = err
		return d
	}
	d.src, d.lf = string(src), &lenientFiles{}
	lines := strings.Split(d.src, "\n")
	ctx := present.Context{ReadFile: d.lf.ReadFile}
	// An address (/START OMIT/,/END OMIT/) cannot match the empty stand-in
	// for a missing file, so that directive still fails the parse. Blank the
	// line and parse again: each round removes one line, so this ends.
	for range len(lines) + 1 {
		d.doc, d.err = ctx.Parse(bytes.NewReader([]byte(strings.Join(lines, "\n"))), path, 0)
		if d.err == nil || !d.lf.lastMiss {
			break
		}
		m := errLineRE.FindStringSubmatch(d.err.Error())
		if m == nil {
			break
		}
		n, _ := strconv.Atoi(m[2])
		if n < 1 || n > len(lines) || lines[n-1] == "" {
			break
		}
		lines[n-1] = ""
	}
	if d.err != nil {
		d.doc = nil
	}
	return d
}

// key is what knownFailures calls the deck: its lesson's "NN-slug", or
// its path.
func (d *deck) key() string {
	if d.isLesson {
		return d.lesson.Name()
	}
	return d.rel
}

// deckProblems checks that a deck parses, that every file it refers to
// (relative to the deck's folder) exists, and counts its slides.
func deckProblems(d *deck) []string {
	if d.lf == nil {
		return []string{d.err.Error()}
	}
	var p []string
	dir := filepath.Dir(d.path)
	for _, f := range d.lf.missing {
		p = append(p, fmt.Sprintf("%s refers to %s, which does not exist", d.rel, relTo(dir, f)))
	}
	if d.err != nil {
		return append(p, fmt.Sprintf("%s does not parse: %s", d.rel, strings.Replace(d.err.Error(), d.path, d.rel, 1)))
	}
	for _, ref := range unreadRefs(d.doc.Sections) {
		if isURL(ref) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(ref))); err != nil {
			p = append(p, fmt.Sprintf("%s refers to %s, which does not exist", d.rel, ref))
		}
	}
	if n := len(d.doc.Sections); n < minSlides || n > maxSlides {
		p = append(p, fmt.Sprintf("%s has %d slides; want %d–%d", d.rel, n, minSlides, maxSlides))
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
