package verify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
	"github.com/wherewaiting/workshop/internal/timeline"
)

func TestKeepEnvIsTheVariableTimelineKeepReads(t *testing.T) {
	if keepEnv != timeline.KeepEnv {
		t.Errorf("verify sets %s, but timeline.Keep reads %s", keepEnv, timeline.KeepEnv)
	}
}

func TestPicturesDrawsTheFixturesPicturesAgain(t *testing.T) {
	root := testkit.Copy(t, fixtureRoot(t))
	dir := filepath.Join(root, "slides", "timelines", "01-echo")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	const tag = "//go:build draft\n\n"
	testkit.Write(t, root, map[string]string{
		"slides/timelines/01-echo/solution/old.txt": "a picture no test draws\n",
		// A draft draws its pictures too, built with its tag.
		"lessons/02-draft/draft.go":      tag + "// Package draft is half built.\npackage draft\n\n// Half is not done.\nfunc Half() int { return 0 }\n",
		"lessons/02-draft/draft_test.go": tag + "package draft\n\nimport (\n\t\"fmt\"\n\t\"testing\"\n\n\t\"github.com/wherewaiting/workshop/internal/timeline\"\n)\n\nfunc TestHalf(t *testing.T) {\n\ttimeline.Keep(t, \"half\", fmt.Sprintf(\"Half() = %d\\n\", Half()))\n}\n",
		"solutions/02-draft/draft.go":    tag + "// Package draft is half built.\npackage draft\n\n// Half is done.\nfunc Half() int { return 1 }\n",
	})
	var out strings.Builder
	if err := Pictures(context.Background(), root, &out); err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	for file, want := range map[string]string{
		"01-echo/starter/echo.txt":   "Echo(\"hi\") = \"\"\n",
		"01-echo/solution/echo.txt":  "Echo(\"hi\") = \"hi\"\n",
		"02-draft/starter/half.txt":  "Half() = 0\n",
		"02-draft/solution/half.txt": "Half() = 1\n",
	} {
		got, err := os.ReadFile(filepath.Join(root, "slides", "timelines", filepath.FromSlash(file)))
		if err != nil || string(got) != want {
			t.Errorf("%s: got %q, %v; want %q", file, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "solution", "old.txt")); !os.IsNotExist(err) {
		t.Errorf("old.txt: got %v, want it deleted", err)
	}
	testkit.Contains(t, out.String(), "slides/timelines/ is current: 5 pictures changed")
}
