package verify

import (
	"fmt"
	"path"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/mermaid"
)

// diagramCheck lints the Mermaid diagrams of a lesson's README.
func diagramCheck(l *lesson.Lesson) []string {
	return diagramProblems(path.Join(l.Dir(), "README.md"), l.Readme.Text)
}

// diagramProblems lints the Mermaid diagrams of a README (package mermaid)
// and names each problem by README file and line. readme is the README's
// path relative to the module root.
func diagramProblems(readme, text string) []string {
	var p []string
	for _, pr := range mermaid.Lint(text) {
		p = append(p, fmt.Sprintf("%s:%d: `%s`: %s", readme, pr.Line, pr.Text, pr.Why))
	}
	if len(p) > 0 {
		p = append(p, "render every diagram to check by eye: bash .ci/diagrams/render (see CONTRIBUTING.md)")
	}
	return p
}
