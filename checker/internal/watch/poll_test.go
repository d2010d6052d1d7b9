package watch

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

// The poller's clock is the time package's, so under synctest its ticker
// and its debounce timer run on virtual time: each test knows to the
// millisecond when a change must be reported. The files are real, in a
// temporary folder; nothing in a bubble runs until every goroutine of it
// waits, so the poller never looks at a folder the test is half-way
// through changing, unless the test lets virtual time pass on purpose.

const (
	interval = 250 * time.Millisecond
	debounce = 100 * time.Millisecond
)

func newTestPoller(t *testing.T, dir string) *Poller {
	t.Helper()
	p, err := NewPoller(dir)
	if err != nil {
		t.Fatal(err)
	}
	p.Interval, p.Debounce = interval, debounce
	return p
}

// result is what one call of Wait returned, and when.
type result struct {
	changed []string
	err     error
	at      time.Duration // since the start of the test
}

// waitInBackground calls Wait in a goroutine of the bubble. A change that
// is never seen ends it after 10 s of virtual time, with the context's
// error, so a test that misses a save fails at once instead of hanging.
func waitInBackground(ctx context.Context, p *Poller, start time.Time) <-chan result {
	c := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		changed, err := p.Wait(ctx)
		c <- result{changed, err, time.Since(start)}
	}()
	return c
}

// expect fails the test unless Wait returned exactly the files want. what
// says which change it is.
func expect(t *testing.T, r result, what string, want ...string) {
	t.Helper()
	if r.err != nil || !reflect.DeepEqual(r.changed, want) {
		t.Fatalf("%s: Wait = %q, %v; want %q", what, r.changed, r.err, want)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	testkit.Write(t, dir, map[string]string{name: content})
}

func TestASaveIsReportedOneLookAndOneDebounceAfterIt(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"03-fan-out/fanout.go": "package fanout\n"})
	synctest.Test(t, func(t *testing.T) {
		p := newTestPoller(t, dir)
		start := time.Now()
		got := waitInBackground(t.Context(), p, start)
		time.Sleep(610 * time.Millisecond) // looks at 250 and 500 ms find nothing
		write(t, dir, "03-fan-out/fanout.go", "package fanout // saved\n")
		r := <-got
		expect(t, r, "a save", "03-fan-out/fanout.go")
		// Saved at 610 ms, seen by the look at 750 ms, unchanged at 850 ms.
		if r.at != 850*time.Millisecond {
			t.Errorf("the save at 610ms was reported at %v; want 850ms: the next look (750ms) plus the debounce (100ms)", r.at)
		}
	})
}

func TestTwoSavesInOneDebounceWindowAreOneChange(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"03-fan-out/fanout.go": "a\n", "03-fan-out/limit.go": "b\n"})
	synctest.Test(t, func(t *testing.T) {
		p := newTestPoller(t, dir)
		start := time.Now()
		got := waitInBackground(t.Context(), p, start)
		time.Sleep(610 * time.Millisecond)
		write(t, dir, "03-fan-out/fanout.go", "a, saved\n") // seen at 750 ms
		time.Sleep(190 * time.Millisecond)
		write(t, dir, "03-fan-out/limit.go", "b, saved\n") // at 800 ms, inside the debounce
		r := <-got
		expect(t, r, "two saves", "03-fan-out/fanout.go", "03-fan-out/limit.go")
		// The second save restarts the quiet time: the look at 850 ms
		// sees it, the one at 950 ms sees nothing new.
		if r.at != 950*time.Millisecond {
			t.Errorf("reported at %v, want 950ms (a debounce after the last save was seen)", r.at)
		}
		again := waitInBackground(t.Context(), p, start)
		time.Sleep(2 * time.Second)
		select {
		case r := <-again:
			t.Errorf("the two saves were reported a second time, at %v: %q", r.at, r.changed)
		default:
		}
	})
}

// vim, with its default settings on Linux, saves by renaming the file to
// a backup and writing a new one (after checking it may create a file
// named 4913); other editors write a temporary file and rename it over
// the old one. The file's old inode is gone: a notification watch on it
// would be lost. A look that falls in the middle sees the file missing;
// the debounce waits for it to come back.
func TestARenameOnSaveIsOneChangeOfTheFile(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"03-fan-out/fanout.go": "old\n"})
	lesson := filepath.Join(dir, "03-fan-out")
	synctest.Test(t, func(t *testing.T) {
		p := newTestPoller(t, dir)
		start := time.Now()
		got := waitInBackground(t.Context(), p, start)
		time.Sleep(600 * time.Millisecond)
		write(t, lesson, "4913", "")
		os.Remove(filepath.Join(lesson, "4913"))
		if err := os.Rename(filepath.Join(lesson, "fanout.go"), filepath.Join(lesson, "fanout.go~")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond) // the look at 750 ms finds no fanout.go
		write(t, lesson, "fanout.go", "new\n")
		os.Remove(filepath.Join(lesson, "fanout.go~"))
		r := <-got
		expect(t, r, "vim's save", "03-fan-out/fanout.go")
		if r.at != 950*time.Millisecond {
			t.Errorf("reported at %v, want 950ms: seen missing at 750, back at 850, unchanged at 950", r.at)
		}
		snap, err := Scan(dir)
		if err != nil {
			t.Fatal(err)
		}
		if f := snap["03-fan-out/fanout.go"]; f.Size != int64(len("new\n")) {
			t.Errorf("the look after the change saw fanout.go with %d bytes, want the new file's 4", f.Size)
		}

		// Write a temporary file, rename it over the old one.
		got = waitInBackground(t.Context(), p, start)
		write(t, lesson, "fanout.go.tmp", "newer\n")
		if err := os.Rename(filepath.Join(lesson, "fanout.go.tmp"), filepath.Join(lesson, "fanout.go")); err != nil {
			t.Fatal(err)
		}
		expect(t, <-got, "a rename over the file", "03-fan-out/fanout.go")
	})
}

func TestSwapBackupAndTemporaryFilesAreNotSaves(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"03-fan-out/fanout.go": "package fanout\n"})
	synctest.Test(t, func(t *testing.T) {
		p := newTestPoller(t, dir)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		got := waitInBackground(ctx, p, time.Now())
		time.Sleep(400 * time.Millisecond)
		for _, name := range []string{
			".fanout.go.swp", ".fanout.go.swx", "4913", "fanout.go~", ".#fanout.go", "#fanout.go#",
			"fanout.go.tmp", "fanout.go___jb_tmp___", ".goutputstream-X1Y2", "notes.txt",
		} {
			write(t, dir, "03-fan-out/"+name, "x")
			time.Sleep(interval)
		}
		// Folders go test ignores.
		for _, name := range []string{"03-fan-out/testdata/golden.go", "03-fan-out/_scratch/try.go", ".git/x.go"} {
			write(t, dir, name, "x")
			time.Sleep(interval)
		}
		if r := <-got; r.err != context.DeadlineExceeded {
			t.Errorf("Wait = %q, %v; want no change until the context ends", r.changed, r.err)
		}
	})
}

func TestASaveThatKeepsTheSizeAndTheTimeIsSeenByItsContent(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"a/a.go": "aaa\n"})
	file := filepath.Join(dir, "a", "a.go")
	// A file system with coarse timestamps (FAT keeps two seconds, some
	// network shares one) gives two saves in a row the same time.
	old, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		p := newTestPoller(t, dir)
		got := waitInBackground(t.Context(), p, time.Now())
		write(t, dir, "a/a.go", "bbb\n")
		if err := os.Chtimes(file, old.ModTime(), old.ModTime()); err != nil {
			t.Fatal(err)
		}
		expect(t, <-got, "a change of content only", "a/a.go")
	})
}

func TestASaveMadeWhileTheCallerIsBusyIsSeenByTheNextWait(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"a/a.go": "1\n"})
	synctest.Test(t, func(t *testing.T) {
		p := newTestPoller(t, dir)
		start := time.Now()
		write(t, dir, "a/a.go", "2\n")
		expect(t, <-waitInBackground(t.Context(), p, start), "a save", "a/a.go")
		// The caller grades for 3 s; two saves come meanwhile.
		time.Sleep(time.Second)
		write(t, dir, "a/a.go", "3\n")
		time.Sleep(time.Second)
		write(t, dir, "a/b.go", "new\n")
		time.Sleep(time.Second)
		called := time.Since(start)
		r := <-waitInBackground(t.Context(), p, start)
		expect(t, r, "two saves while the caller was busy", "a/a.go", "a/b.go")
		if r.at-called != interval+debounce {
			t.Errorf("they were reported %v after Wait was called, want %v: at its first look, after the debounce", r.at-called, interval+debounce)
		}
	})
}

func TestWaitStopsWhenItsContextEnds(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"a/a.go": "1\n"})
	synctest.Test(t, func(t *testing.T) {
		p := newTestPoller(t, dir)
		ctx, cancel := context.WithCancel(t.Context())
		start := time.Now()
		got := waitInBackground(ctx, p, start)
		time.Sleep(time.Second)
		cancel()
		r := <-got
		if r.err != context.Canceled || r.at != time.Second {
			t.Errorf("Wait = %v at %v, want context.Canceled at once, at 1s", r.err, r.at)
		}
		// synctest.Test fails if the poller left a goroutine behind.
	})
}

func TestEachOfTimeSizeAndContentMakesAChange(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f := File{ModTime: t0, Size: 3, Sum: [32]byte{1}}
	before := Snapshot{"same.go": f, "time.go": f, "size.go": f, "content.go": f, "deleted.go": f}
	after := Snapshot{"same.go": f, "time.go": f, "size.go": f, "content.go": f, "created.go": f}
	after["time.go"] = File{ModTime: t0.Add(time.Nanosecond), Size: 3, Sum: [32]byte{1}}
	after["size.go"] = File{ModTime: t0, Size: 4, Sum: [32]byte{1}}
	after["content.go"] = File{ModTime: t0, Size: 3, Sum: [32]byte{2}}
	want := []string{"content.go", "created.go", "deleted.go", "size.go", "time.go"}
	if got := Changed(before, after); !reflect.DeepEqual(got, want) {
		t.Errorf("Changed = %q, want %q", got, want)
	}
}
