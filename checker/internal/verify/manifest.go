package verify

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/manifest"
)

// staleHint is what to do when the manifest does not match the files.
const staleHint = "the manifest is stale: run `go run ./checker manifest` and commit checker/manifest.txt"

// manifestProblems compares the manifest the checker embeds with one
// computed from the files now in root, with the embedded one's history. Both are rendered by Bytes, so
// only content counts, not how the embedded file happens to be laid out.
func manifestProblems(root string, embedded []byte) []string {
	if len(bytes.TrimSpace(embedded)) == 0 {
		return []string{"the checker embeds an empty manifest; " + staleHint}
	}
	shipped, err := manifest.Parse(embedded)
	if err != nil {
		return []string{fmt.Sprintf("the embedded manifest does not parse: %v; %s", err, staleHint)}
	}
	current, err := manifest.Compute(root)
	if err != nil {
		return []string{fmt.Sprintf("cannot hash the lesson files: %v", err)}
	}
	// The earlier releases are history, not files: they carry over.
	want, got := shipped.Bytes(), current.Keep(shipped).Bytes()
	if bytes.Equal(want, got) {
		return nil
	}
	return append([]string{staleHint}, lineDiff(string(want), string(got))...)
}

// lineDiff lists the lines only in a ("- ") and only in b ("+ ").
func lineDiff(a, b string) []string {
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(a, "\n") {
		inA[l] = true
	}
	for _, l := range strings.Split(b, "\n") {
		inB[l] = true
	}
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if l != "" && !inB[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if l != "" && !inA[l] {
			out = append(out, "+ "+l)
		}
	}
	return out
}
