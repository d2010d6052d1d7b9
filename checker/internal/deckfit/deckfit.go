// Package deckfit measures the slides of a Go present deck, so that verify
// can say which slide runs off a 1280×800 screen without a browser.
//
// present draws a slide as a fixed 1100×700 box (layout-widescreen, scaled
// as a whole to the window), with 40px of padding above and below and 60px
// at the sides, and hides whatever overflows it: text past the bottom, and
// code past the right edge of its grey block. So a slide fits when its
// content, stacked as present's style sheet stacks it, is no taller than
// the box and no code line is wider than a code block. Measure estimates
// both from the parsed deck (after .code includes are resolved, as present
// draws them): text lines wrapped at the width a line of text holds, code
// lines as they are, each block with its margins. The limits below were
// calibrated against screenshots of every slide of the lesson decks.
package deckfit

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/tools/present"
)

// Geometry, in px of the 1100×700 slide, from present's styles.css (x/tools
// cmd/present/static), and the limits calibrated with screenshots at
// 1280×800 (headless Chromium 156, Debian's fonts: Liberation Sans for
// text, Liberation Mono for code).
const (
	// MaxHeight is the height the content may take: the 620px between
	// the box's top and bottom padding (below it, the text runs into the
	// page number, and 40px further present cuts it off), less 5px for the
	// estimate's error. Calibration, against Chromium's own layout of all
	// 115 slides of the lesson decks (the bottom of each slide's content,
	// read from the page): the estimate came within 8px for 99 slides; it
	// was high by up to 35px on a few short ones and low by at most 19px
	// (on a 401px slide), and within 7px on every slide taller than 500px.
	// Screenshots looked at: 02 "The key code" (621px) ends on the page
	// number; 07 "Giving up, honestly" (637px) sits on the bottom edge;
	// 08 "Room, weighed" (681px) loses its last bullet; 03 "The first
	// error cancels the rest" (607px) and 05 "Call: before, the call,
	// after" (606px) show whole.
	MaxHeight = 615

	// MaxCodeColumns is the widest code line, in columns (present draws a
	// tab as 4 spaces), that a code block shows whole: 980px of content
	// less the block's padding and borders, at about 9.75px a column (18px
	// Liberation Mono, letter-spacing -1px). Calibration: 93 columns (01
	// "The pool is a buffered channel") and 92 (06 "Submit: never wait")
	// show whole; lines of 109, 128 and 140 columns overflow their block by
	// 112, 299 and 416px, so 97 columns fill it exactly.
	MaxCodeColumns = 96

	// TextColumns is how many characters of 26px text a paragraph's line
	// holds (980px); a list item's holds fewer (indented by 1.5em).
	// Inline code counts codeInline times (its monospace is wider).
	// Calibration: list items of 75 and 88 characters took one line, the
	// next word wrapped at 89 (01 "The pool is a buffered channel", 05
	// "Call: before, the call, after").
	TextColumns = 89
	ListColumns = 85
	// TitleColumns is the same for a slide's title (30px, bold).
	TitleColumns = 60

	textLine   = 36 // px: a line of text (line-height)
	codeLine   = 24 // px: a line of code
	titleLine  = 36 // px: a line of the title (h3)
	blockGap   = 20 // px: the margin above a paragraph, a list, a code block
	itemGap    = 13 // px: the margin below a list item (0.5em of 26px)
	codeFrame  = 12 // px: a code block's padding and borders, top and bottom
	codeInline = 1.4
)

// Slide is what Measure found on one slide.
type Slide struct {
	Number       int    // as present numbers it, in its corner and its URL (#N): the title slide is 1
	Title        string //
	TextLines    int    // lines of text, wrapped as present wraps them (estimated)
	CodeLines    int    // lines of code: .code includes and preformatted text
	WidestCode   int    // columns of the widest code line
	WidestLine   string // that line
	Height       int    // px the content takes, estimated
	Unmeasurable []string
}

// Fits reports whether the slide fits the screen.
func (s Slide) Fits() bool { return s.Height <= MaxHeight && s.WidestCode <= MaxCodeColumns }

// Problems says, for a slide that does not fit, what runs off the screen.
func (s Slide) Problems() []string {
	var p []string
	at := fmt.Sprintf("slide %d %q", s.Number, s.Title)
	if s.Height > MaxHeight {
		p = append(p, fmt.Sprintf("%s runs off the bottom: %d lines of text and %d of code take about %dpx, more than the %dpx a slide shows; cut it or split it",
			at, s.TextLines, s.CodeLines, s.Height, MaxHeight))
	}
	if s.WidestCode > MaxCodeColumns {
		p = append(p, fmt.Sprintf("%s runs off the right edge: a code line of %d columns, more than %d: %s",
			at, s.WidestCode, MaxCodeColumns, strings.TrimSpace(s.WidestLine)))
	}
	return p
}

// Measure measures every slide of a parsed deck. Sections nested inside
// a slide (present's "###" sub-headings) count toward their slide.
func Measure(doc *present.Doc) []Slide {
	var out []Slide
	for i, sec := range doc.Sections {
		s := Slide{Number: i + 2, Title: sec.Title}
		m := &measure{slide: &s}
		m.height += lines(sec.Title, TitleColumns) * titleLine
		m.elems(sec.Elem)
		s.Height = m.height
		out = append(out, s)
	}
	return out
}

type measure struct {
	slide  *Slide
	height int
}

func (m *measure) elems(elems []present.Elem) {
	for _, e := range elems {
		switch e := e.(type) {
		case present.Code:
			m.code(strings.TrimSuffix(string(e.Raw), "\n"))
		case present.HTML:
			m.html(string(e.HTML))
		case present.Text:
			if e.Pre {
				m.code(strings.Join(e.Lines, "\n"))
				continue
			}
			m.text(strings.Join(e.Lines, " "), TextColumns)
		case present.List:
			m.height += blockGap
			for _, b := range e.Bullet {
				m.item(b)
			}
			m.height -= itemGap
		case present.Section:
			m.height += lines(e.Title, TitleColumns) * titleLine
			m.elems(e.Elem)
		case present.Image:
			m.height += blockGap + e.Height
			if e.Height == 0 {
				m.slide.Unmeasurable = append(m.slide.Unmeasurable, "an image without a height: "+e.URL)
			}
		default:
			m.slide.Unmeasurable = append(m.slide.Unmeasurable, fmt.Sprintf("a %T", e))
		}
	}
}

// code adds a code block: present draws tabs as 4 spaces.
func (m *measure) code(text string) {
	ls := strings.Split(text, "\n")
	m.height += blockGap + codeFrame + len(ls)*codeLine
	m.slide.CodeLines += len(ls)
	for _, l := range ls {
		l = strings.ReplaceAll(l, "\t", "    ")
		if w := utf8.RuneCountInString(l); w > m.slide.WidestCode {
			m.slide.WidestCode, m.slide.WidestLine = w, l
		}
	}
}

func (m *measure) text(text string, columns int) {
	n := lines(text, columns)
	m.height += blockGap + n*textLine
	m.slide.TextLines += n
}

func (m *measure) item(text string) {
	n := lines(text, ListColumns)
	m.height += n*textLine + itemGap
	m.slide.TextLines += n
}

var tagRE = regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)[^>]*>`)

// html measures the HTML that present's Markdown renderer made of a run of
// text: paragraphs, lists and code blocks, one after the other.
func (m *measure) html(src string) {
	var (
		buf     strings.Builder // the text of the open block
		inPre   bool
		inCode  int // inline code characters count wider
		codeLen int
	)
	flush := func(kind string) {
		t := buf.String()
		buf.Reset()
		switch kind {
		case "pre":
			m.code(strings.TrimSuffix(html.UnescapeString(t), "\n"))
		case "p":
			if strings.TrimSpace(t) != "" {
				m.text(widen(t, codeLen), TextColumns)
			}
		case "li":
			if strings.TrimSpace(t) != "" {
				m.item(widen(t, codeLen))
			}
		}
		codeLen = 0
	}
	pos := 0
	for _, loc := range tagRE.FindAllStringSubmatchIndex(src, -1) {
		text := src[pos:loc[0]]
		pos = loc[1]
		if inPre {
			buf.WriteString(text)
		} else {
			t := html.UnescapeString(strings.ReplaceAll(text, "\n", " "))
			buf.WriteString(t)
			if inCode > 0 {
				codeLen += utf8.RuneCountInString(t)
			}
		}
		closing, tag := src[loc[2]:loc[3]] == "/", strings.ToLower(src[loc[4]:loc[5]])
		switch {
		case tag == "pre" && !closing:
			flush("li") // text of an item before a block inside it
			inPre = true
		case tag == "pre" && closing:
			inPre = false
			flush("pre")
		case tag == "code" && !inPre:
			if closing {
				inCode--
			} else {
				inCode++
			}
		case (tag == "ul" || tag == "ol") && !closing:
			flush("li")
			m.height += blockGap
		case (tag == "ul" || tag == "ol") && closing:
			flush("li")
			m.height -= itemGap // the last item's margin collapses into the next block's
		case tag == "li" && closing:
			flush("li")
		case tag == "li":
			flush("li")
		case tag == "p" && closing:
			flush("p")
		case tag == "p", tag == "br":
			if tag == "br" {
				buf.WriteString("\n")
			}
		case tag == "table", tag == "blockquote", tag == "img", tag == "iframe":
			if !closing {
				m.slide.Unmeasurable = append(m.slide.Unmeasurable, "a <"+tag+">")
			}
		}
	}
	buf.WriteString(html.UnescapeString(src[pos:]))
	flush("p")
}

// widen pads text by the extra width of its inline code: code characters
// are wider than the proportional text around them.
func widen(text string, codeChars int) string {
	extra := int(float64(codeChars)*codeInline) - codeChars
	if extra <= 0 {
		return text
	}
	return text + strings.Repeat("x", extra)
}

// lines estimates how many lines text wraps to, breaking between words,
// at columns characters a line; an explicit line break starts a new line.
func lines(text string, columns int) int {
	n := 0
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			continue
		}
		n++
		width := 0
		for _, w := range words {
			c := utf8.RuneCountInString(w)
			switch {
			case width == 0:
				width = c
			case width+1+c <= columns:
				width += 1 + c
			default:
				n++
				width = c
			}
		}
	}
	return n
}
