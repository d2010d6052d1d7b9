package classreport

import (
	"fmt"
	"html/template"
	"io"

	"github.com/wherewaiting/workshop/checker/internal/class"
	"github.com/wherewaiting/workshop/checker/internal/grade"
)

// HTML writes the class as one self-contained page (no script, no font,
// no image, nothing fetched): a heat map of learners × lessons, a cell's
// colour its verdict (a failing lesson redder the fewer tests pass), the
// first failing test and its problem on hover, the lessons' totals under
// it, and each learner's details after. html/template escapes every
// string by the context it lands in.
func HTML(w io.Writer, r class.Report) error {
	type cell struct {
		Text, Kind, Hover string
		Style             template.CSS
		Changed           bool
	}
	type row struct {
		Name, Mark, On, Problem string
		Cells                   []cell
	}
	type detail struct {
		Name, On string
		Lines    []string
	}
	type total struct{ Number, Title, Sentence string }
	var page struct {
		Copies, LessonCount int
		Notes               string
		Lessons             []class.Column
		Rows                []row
		Totals              []total
		Details             []detail
	}
	page.Copies, page.LessonCount, page.Notes, page.Lessons = len(r.Copies), len(r.Lessons), notes(r), r.Lessons
	for _, c := range r.Copies {
		rw := row{Name: Clean(c.Name), On: Clean(r.OnText(c)), Problem: Clean(c.Problem)}
		switch {
		case c.Problem != "":
			rw.Mark = "not graded"
		case r.Stuck(c):
			rw.Mark = "stuck"
		}
		if c.Problem == "" {
			for i, l := range c.Lessons {
				hover := fmt.Sprintf("%s · %s: %s", Clean(c.Name), r.Lessons[i].Number, Describe(r, i, l))
				cl := cell{Text: Cell(l), Kind: Kind(l), Hover: hover, Changed: l.TestsChanged}
				if l.Verdict == grade.Failing && l.Total > 0 {
					// From red (none pass) to yellow (nearly all).
					cl.Style = template.CSS(fmt.Sprintf("background:hsl(%d,75%%,72%%)", 55*l.Passed/l.Total))
				}
				rw.Cells = append(rw.Cells, cl)
			}
		}
		page.Rows = append(page.Rows, rw)
		if lines := copyDetail(r, c); len(lines) > 0 {
			page.Details = append(page.Details, detail{Name: Clean(c.Name), On: Clean(r.OnText(c)), Lines: lines})
		}
	}
	for i, col := range r.Lessons {
		page.Totals = append(page.Totals, total{Number: col.Number, Title: col.Title, Sentence: r.Sentence(i)})
	}
	return pageTemplate.Execute(w, page)
}

var pageTemplate = template.Must(template.New("class").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Where Waiting Lives — the class</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.sub { color: #555; margin: 0 0 16px; }
table.map { border-collapse: collapse; }
table.map th, table.map td { border: 1px solid #fff; padding: 4px 6px; text-align: center; white-space: nowrap; }
table.map th { background: #eee; font-weight: 600; }
table.map th.name, table.map td.name { text-align: left; }
table.map td.name { max-width: 16em; overflow: hidden; text-overflow: ellipsis; }
table.map td.on { text-align: left; color: #333; white-space: normal; min-width: 14em; }
table.map td.cell { min-width: 3.2em; }
td.done { background: #4caf50; color: #fff; }
td.failing { background: #ffb74d; }
td.broken { background: #c62828; color: #fff; font-weight: 600; }
td.notstarted { background: #eceff1; color: #90a4ae; }
td.older { background: #90caf9; }
td.missing { background: #fafafa; color: #bbb; }
td.changed { outline: 3px dashed #6a1b9a; outline-offset: -3px; }
td[title] { cursor: help; }
tr.stuck td.name { font-weight: 700; color: #b71c1c; }
tr.stuck td.name::before { content: "▶ "; }
tr.problem td.name { color: #b71c1c; }
table.map td.problem { text-align: left; background: #ffebee; color: #b71c1c; white-space: normal; }
.legend span { display: inline-block; padding: 2px 8px; margin: 0 4px 4px 0; border-radius: 3px; }
ul.totals li, ul.lines li { margin: 2px 0; }
h2 { font-size: 16px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
code { font-size: 13px; }
</style>
</head>
<body>
<h1>Where Waiting Lives — the class</h1>
<p class="sub">{{.Copies}} copies, {{.LessonCount}} lessons{{.Notes}}. Hover a cell for the first failing test and why.</p>
<p class="legend"><span class="done" style="background:#4caf50;color:#fff">done</span><span style="background:hsl(0,75%,72%)">0/7</span><span style="background:hsl(27,75%,72%)">4/7</span><span style="background:hsl(47,75%,72%)">6/7 failing</span><span style="background:#c62828;color:#fff">hang, leak, race, crash, build, vet</span><span style="background:#eceff1;color:#90a4ae">- not started</span><span style="background:#90caf9">old: older version</span><span style="background:#fafafa;color:#bbb">none: not in the copy</span><span style="outline:3px dashed #6a1b9a;outline-offset:-3px">* tests changed</span></p>
<table class="map">
<thead><tr><th class="name">learner</th>{{range .Lessons}}<th title="{{.Title}}">{{.Number}}</th>{{end}}<th class="name">on</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr{{if eq .Mark "stuck"}} class="stuck"{{else if eq .Mark "not graded"}} class="problem"{{end}}><td class="name" title="{{.Name}}">{{.Name}}</td>
{{- if .Problem}}<td class="problem" colspan="{{len $.Lessons}}">not graded: {{.Problem}}</td><td class="on"></td>
{{- else}}{{range .Cells}}<td class="cell {{.Kind}}{{if .Changed}} changed{{end}}"{{if .Style}} style="{{.Style}}"{{end}} title="{{.Hover}}">{{.Text}}</td>{{end}}<td class="on">{{.On}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
<h2>Lessons</h2>
<ul class="totals">
{{- range .Totals}}
<li><b>{{.Number}} {{.Title}}</b>: {{.Sentence}}</li>
{{- end}}
</ul>
{{- if .Details}}
<h2>Learners</h2>
{{- range .Details}}
<h3>{{.Name}} <small>({{.On}})</small></h3>
<ul class="lines">
{{- range .Lines}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
{{- end}}
</body>
</html>
`))
