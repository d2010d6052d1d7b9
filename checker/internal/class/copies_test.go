package class

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/overlay"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestFindListsCopiesAndTheLinksItDoesNotFollow(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"a-submissions/ann/go.mod":          "module x\n",
		"a-submissions/ann/lessons/x.txt":   "",
		"a-submissions/ann/nested/go.mod":   "module y\n", // inside a copy: not a copy
		"a-submissions/bob/lessons/00/x.go": "",           // no go.mod yet: a copy with a problem
		"a-submissions/.git/go.mod":         "",
		"notes/readme.txt":                  "",
	})
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "a-submissions", "cat")); err != nil {
		t.Fatal(err)
	}
	found, err := Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.Name+"|"+f.Problem)
	}
	want := "a-submissions/ann|,a-submissions/bob|,a-submissions/cat|a symbolic link (to " + outside + "), not followed: grade the folder it points to with its own path"
	if strings.Join(got, ",") != want {
		t.Errorf("Find:\n%s\nwant\n%s", strings.Join(got, ","), want)
	}
}

func TestReadListResolvesFoldersFromTheListsOwnFolder(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"room.txt":   "# the room\nann\n\n/nowhere/at/all\nnotes.txt\nlink\n",
		"ann/go.mod": "module x\n",
		"notes.txt":  "",
	})
	if err := os.Symlink(filepath.Join(dir, "ann"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	found, err := ReadList(filepath.Join(dir, "room.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.Name+"|"+f.Problem)
	}
	want := "ann|,/nowhere/at/all|no such folder,notes.txt|not a folder,link|a symbolic link (to " + filepath.Join(dir, "ann") + "), not followed: list the folder it points to"
	if strings.Join(got, ",") != want {
		t.Errorf("ReadList:\n%s\nwant\n%s", strings.Join(got, ","), want)
	}
}

// The overlay a copy is graded with: the instructor's tests, go.mod,
// go.sum and internal/ stand in for the learner's; what the learner added
// to them, and every link out of the copy, is deleted.
func TestACopysOverlayStandsTheInstructorsFilesInForTheLearners(t *testing.T) {
	root := workshopRoot(t)
	lessons, err := lesson.LoadAll(root)
	if err != nil {
		t.Fatal(err)
	}
	in, err := LoadInstructor(root, lessons)
	if err != nil {
		t.Fatal(err)
	}
	cp := t.TempDir()
	testkit.WorkshopCopy(t, root, cp)
	testkit.Write(t, cp, map[string]string{
		"lessons/00-warmup/mine_test.go":     "package warmup_test\n",
		"internal/timeline/faster.go":        "package timeline\n",
		"lessons/01-blocking-chain/chain.go": "package chain\n",
	})
	secret := filepath.Join(t.TempDir(), "secret.go")
	testkit.Write(t, filepath.Dir(secret), map[string]string{"secret.go": "package chain\n"})
	link := filepath.Join(cp, "lessons/01-blocking-chain/secret.go")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(cp, "lessons/01-blocking-chain/inside.go")
	if err := os.Symlink("chain.go", inside); err != nil {
		t.Fatal(err)
	}
	ins := in.inspect(cp)
	if ins.problem != "" {
		t.Fatal(ins.problem)
	}
	want := map[string]string{
		filepath.Join(cp, "go.mod"):                         filepath.Join(root, "go.mod"),
		filepath.Join(cp, "lessons/00-warmup/feed_test.go"): filepath.Join(root, "lessons/00-warmup/feed_test.go"),
		filepath.Join(cp, "lessons/00-warmup/mine_test.go"): overlay.Delete,
		filepath.Join(cp, "internal/timeline/timeline.go"):  filepath.Join(root, "internal/timeline/timeline.go"),
		filepath.Join(cp, "internal/timeline/faster.go"):    overlay.Delete,
		link: overlay.Delete,
	}
	for k, v := range want {
		if got, ok := ins.overlay[k]; !ok || got != v {
			t.Errorf("overlay[%s] = %q (%v), want %q", k, got, ok, v)
		}
	}
	if _, ok := ins.overlay[inside]; ok {
		t.Errorf("a link that stays inside the copy is in the overlay")
	}
	if _, ok := ins.overlay[filepath.Join(cp, "lessons/01-blocking-chain/chain.go")]; ok {
		t.Errorf("the learner's own code is in the overlay")
	}
	if err := ins.overlay.ValidateAdding(); err != nil {
		t.Error(err)
	}
	notes := strings.Join(ins.notes, "\n")
	for _, w := range []string{"internal/timeline/faster.go is not in the instructor's internal/: left out",
		"lessons/01-blocking-chain/secret.go is a symbolic link out of the copy (to " + secret + "): not followed, left out"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes:\n%s\nwant %q", notes, w)
		}
	}
}

func TestAGoModThatCannotBeGradedIsAProblemAndAReplaceANote(t *testing.T) {
	root := workshopRoot(t)
	lessons, err := lesson.LoadAll(root)
	if err != nil {
		t.Fatal(err)
	}
	in, err := LoadInstructor(root, lessons)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ gomod, problem, note string }{
		{"", "no go.mod", ""},
		{"module " + lesson.ModulePath + "\n\nrequir (\n", "broken go.mod", ""},
		{"module example.com/other\n", "go.mod names module example.com/other, not " + lesson.ModulePath, ""},
		{string(mod) + "\nreplace go.uber.org/goleak => ./fake\n", "", "go.mod replaces go.uber.org/goleak with ./fake: ignored"},
		{string(mod), "", ""},
	} {
		dir := t.TempDir()
		if tc.gomod != "" {
			testkit.Write(t, dir, map[string]string{"go.mod": tc.gomod})
		}
		problem, notes := in.checkGoMod(dir)
		if (tc.problem == "") != (problem == "") || !strings.Contains(problem, tc.problem) {
			t.Errorf("go.mod %q: problem %q, want %q", tc.gomod, problem, tc.problem)
		}
		if got := strings.Join(notes, "\n"); (tc.note == "") != (got == "") || !strings.Contains(got, tc.note) {
			t.Errorf("go.mod %q: notes %q, want %q", tc.gomod, got, tc.note)
		}
	}
}
