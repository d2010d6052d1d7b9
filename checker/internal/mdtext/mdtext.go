// Package mdtext turns parts of a lesson's README into plain text for a
// terminal: the hints (`go run ./checker hint`) and the three questions
// (`go run ./checker watch`). The README stays the one source of both.
//
// It parses the Markdown with goldmark, a CommonMark parser, so it reads a
// README as GitHub does: a `<details>` line starts an HTML block that ends
// at the next blank line, the Markdown between the opening and closing
// lines is Markdown, and a "#" or a "<details>" inside a code block is
// code. Text keeps the README's own line breaks (they are wrapped for
// reading already); code blocks are indented, with tabs as four spaces.
package mdtext

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Fold is one collapsed `<details>` block.
type Fold struct {
	Summary string // the text of its <summary>
	Body    string // its content, as plain text
}

// Section is the part of a README under one level-2 heading.
type Section struct {
	// Text is the section as plain text, without its folds.
	Text string
	// Folds are its `<details>` blocks, in order.
	Folds []Fold
}

// Find returns the section under the level-2 heading whose text is title
// ("Hints", "The three questions"), up to the next heading of level 1 or
// 2, and whether the README has that heading.
func Find(src []byte, title string) (Section, bool) {
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	var nodes []ast.Node
	found := false
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level <= 2 {
			if found {
				break
			}
			found = h.Level == 2 && strings.TrimSpace(inline(h, src)) == title
			continue
		}
		if found {
			nodes = append(nodes, n)
		}
	}
	if !found {
		return Section{}, false
	}
	return split(nodes, src), true
}

var (
	openRE    = regexp.MustCompile(`(?is)<details\b[^>]*>`)
	closeRE   = regexp.MustCompile(`(?i)</details\s*>`)
	summaryRE = regexp.MustCompile(`(?is)<summary\b[^>]*>(.*?)</summary\s*>`)
	tagRE     = regexp.MustCompile(`<[^>]*>`)
)

// split separates the folds from the rest of a section. A fold runs from
// the HTML block that opens a <details> to the one that closes it; when
// both are in one block (no blank line inside), its body is that block's
// text between </summary> and </details>.
func split(nodes []ast.Node, src []byte) Section {
	var (
		out   Section
		rest  []string // blocks outside any fold
		body  []string // blocks of the open fold
		open  *Fold
		depth int // nested <details> inside the open fold
	)
	for _, n := range nodes {
		raw := ""
		if h, ok := n.(*ast.HTMLBlock); ok {
			raw = htmlBlock(h, src)
		}
		opens, closes := len(openRE.FindAllString(raw, -1)), len(closeRE.FindAllString(raw, -1))
		switch {
		case open == nil && opens > 0:
			f := Fold{}
			after := raw[openRE.FindStringIndex(raw)[1]:]
			if m := summaryRE.FindStringSubmatchIndex(after); m != nil {
				f.Summary = plainHTML(after[m[2]:m[3]])
				after = after[m[1]:]
			}
			if opens == closes {
				if loc := closeRE.FindStringIndex(after); loc != nil {
					after = after[:loc[0]]
				}
				f.Body = plainHTML(after)
				out.Folds = append(out.Folds, f)
				continue
			}
			if b := plainHTML(after); b != "" {
				body = append(body, b)
			}
			open, depth = &f, opens-closes-1
		case open != nil && closes > depth+opens:
			if b := plainHTML(raw[:closeRE.FindStringIndex(raw)[0]]); b != "" {
				body = append(body, b)
			}
			open.Body = strings.Join(body, "\n\n")
			out.Folds = append(out.Folds, *open)
			open, body, depth = nil, nil, 0
		case open != nil:
			depth += opens - closes
			body = appendBlock(body, n, src)
		default:
			rest = appendBlock(rest, n, src)
		}
	}
	if open != nil { // never closed: keep what there is
		open.Body = strings.Join(body, "\n\n")
		out.Folds = append(out.Folds, *open)
	}
	out.Text = strings.Join(rest, "\n\n")
	return out
}

func appendBlock(blocks []string, n ast.Node, src []byte) []string {
	if b := block(n, src); b != "" {
		blocks = append(blocks, b)
	}
	return blocks
}

// htmlBlock is the raw text of an HTML block, closing line included.
func htmlBlock(h *ast.HTMLBlock, src []byte) string {
	var b strings.Builder
	b.Write(lines(h, src))
	if h.HasClosure() {
		b.Write(h.ClosureLine.Value(src))
	}
	return b.String()
}

// plainHTML is HTML as text: tags dropped, entities resolved, blank lines
// at the ends trimmed.
func plainHTML(s string) string {
	s = tagRE.ReplaceAllString(s, "")
	return strings.Trim(string(resolve([]byte(s))), "\n\t ")
}

func resolve(b []byte) []byte {
	return util.ResolveEntityNames(util.ResolveNumericReferences(b))
}

func lines(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		b.Write(seg.Value(src))
	}
	return b.Bytes()
}

// codeIndent sets code blocks off from the text around them.
const codeIndent = "    "

// block renders one block node as plain text, without a trailing newline.
func block(n ast.Node, src []byte) string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		return strings.TrimRight(inline(n, src), "\n ")
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		code := strings.TrimRight(string(lines(n, src)), "\n")
		var out []string
		for _, l := range strings.Split(code, "\n") {
			l = expandTabs(l)
			if l != "" {
				l = codeIndent + l
			}
			out = append(out, l)
		}
		return strings.Join(out, "\n")
	case *ast.List:
		return list(n, src)
	case *ast.Blockquote:
		return prefix(children(n, src), "> ", "> ")
	case *ast.ThematicBreak:
		return "----"
	case *ast.HTMLBlock:
		return plainHTML(htmlBlock(n, src))
	}
	return children(n, src)
}

// children renders the blocks inside a container, a blank line apart.
func children(n ast.Node, src []byte) string { return joined(n, src, "\n\n") }

func joined(n ast.Node, src []byte, sep string) string {
	var parts []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		parts = appendBlock(parts, c, src)
	}
	return strings.Join(parts, sep)
}

func list(l *ast.List, src []byte) string {
	var items []string
	number := l.Start
	sep := "\n" // a tight list has no blank lines, a loose one has them
	if !l.IsTight {
		sep = "\n\n"
	}
	for c := l.FirstChild(); c != nil; c = c.NextSibling() {
		marker := "- "
		if l.IsOrdered() {
			marker = strconv.Itoa(number) + string(l.Marker) + " "
			number++
		}
		items = append(items, prefix(joined(c, src, sep), marker, strings.Repeat(" ", len(marker))))
	}
	return strings.Join(items, sep)
}

// prefix puts first before the first line of s and rest before the others
// (blank lines stay blank).
func prefix(s, first, rest string) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		p := rest
		if i == 0 {
			p = first
		}
		if l == "" && i > 0 {
			p = strings.TrimRight(p, " ")
		}
		ls[i] = p + l
	}
	return strings.Join(ls, "\n")
}

func expandTabs(l string) string {
	rest := strings.TrimLeft(l, "\t")
	return strings.Repeat("    ", len(l)-len(rest)) + rest
}

// inline renders the inline content of n: text with its line breaks, code
// spans in backticks, a link's text followed by its address.
func inline(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				v := c.Segment.Value(src)
				if !c.IsRaw() {
					v = resolve(util.UnescapePunctuations(v))
				}
				b.Write(v)
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte('\n')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.CodeSpan:
				b.WriteByte('`')
				for t := c.FirstChild(); t != nil; t = t.NextSibling() {
					if t, ok := t.(*ast.Text); ok {
						b.Write(t.Segment.Value(src))
					}
				}
				b.WriteByte('`')
			case *ast.Link:
				start := b.Len()
				walk(c)
				if dest := string(c.Destination); dest != "" && b.String()[start:] != dest {
					b.WriteString(" (" + dest + ")")
				}
			case *ast.AutoLink:
				b.Write(c.URL(src))
			case *ast.Image:
				walk(c)
			case *ast.RawHTML:
				// A tag inside a line (<kbd>, <br>): its text comes as
				// the Text nodes around it.
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}
