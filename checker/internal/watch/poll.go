package watch

import (
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// File is what a look at one file records. Each of the three catches a
// save the others can miss: a file system with coarse timestamps (FAT,
// some network shares: two saves in one second keep the time), an editor
// that restores the time, a change that keeps the size.
type File struct {
	ModTime time.Time
	Size    int64
	Sum     [sha256.Size]byte
}

// Snapshot is every watched file under a folder, by slash path relative
// to it.
type Snapshot map[string]File

// Watched reports whether a file name is a Go file a learner saves, and
// not one an editor writes on the way: vim's swap files (.x.go.swp) and
// its write test (4913), backups (x.go~), Emacs's locks (.#x.go) and
// autosaves (#x.go#), and the temporary files that editors write before
// renaming them over the real one (x.go.tmp, x.go___jb_tmp___,
// .goutputstream-…) all fail it.
func Watched(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "#")
}

// skipDir reports whether a folder holds nothing go test builds: the go
// command ignores testdata and names that start with "." or "_".
func skipDir(name string) bool {
	return name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// Scan looks at every watched file under dir. A file that disappears
// while it is read (an editor renaming it away) is left out: the next
// look finds it back.
func Scan(dir string) (Snapshot, error) {
	snap := Snapshot{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil // a folder renamed or removed while walking
		}
		if d.IsDir() {
			if path != dir && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !Watched(d.Name()) {
			return nil
		}
		info, err := os.Stat(path) // a link is followed
		if err != nil || !info.Mode().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return nil
		}
		snap[filepath.ToSlash(rel)] = File{ModTime: info.ModTime(), Size: info.Size(), Sum: sha256.Sum256(data)}
		return nil
	})
	return snap, err
}

// Changed lists the files that differ between two snapshots: saved,
// created or deleted, sorted.
func Changed(before, after Snapshot) []string {
	var out []string
	for name, f := range after {
		if g, ok := before[name]; !ok || !g.ModTime.Equal(f.ModTime) || g.Size != f.Size || g.Sum != f.Sum {
			out = append(out, name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Poller finds saves under a folder by looking at its files again and
// again. Polling, unlike file system notifications, sees every save on
// every file system: editors that write a temporary file and rename it
// over the old one (the old file's watch is lost), network and container
// mounts and WSL (which send no notifications for changes made on the
// other side), and a folder created after the watch began.
type Poller struct {
	Dir string
	// Interval is the time between two looks.
	Interval time.Duration
	// Debounce is how long files must stay as they are after a change
	// before it counts, so that a save in several steps (write a
	// temporary file, rename it over the old one; format on save) or
	// several files saved at once make one change, seen when it is whole.
	Debounce time.Duration

	base Snapshot
}

// Default timing: a look four times a second, and a tenth of a second of
// quiet. A save is seen at most Interval+Debounce after it ends.
const (
	DefaultInterval = 250 * time.Millisecond
	DefaultDebounce = 100 * time.Millisecond
)

// NewPoller takes the first look at dir: changes are counted from now.
func NewPoller(dir string) (*Poller, error) {
	base, err := Scan(dir)
	if err != nil {
		return nil, err
	}
	return &Poller{Dir: dir, Interval: DefaultInterval, Debounce: DefaultDebounce, base: base}, nil
}

// Wait returns the files that changed since the last change it returned
// (or since NewPoller), once they have stayed unchanged for Debounce. A
// save made while the caller was busy is seen on the first look after
// Wait is called again: nothing is missed. Files that changed and came
// back exactly as they were count as no change.
func (p *Poller) Wait(ctx context.Context) ([]string, error) {
	tick := time.NewTicker(p.Interval)
	defer tick.Stop()
	for {
		if err := wait(ctx, tick.C); err != nil {
			return nil, err
		}
		cur, err := Scan(p.Dir)
		if err != nil {
			return nil, err
		}
		if len(Changed(p.base, cur)) == 0 {
			continue
		}
		if cur, err = p.settle(ctx, cur); err != nil {
			return nil, err
		}
		if changed := Changed(p.base, cur); len(changed) > 0 {
			p.base = cur
			return changed, nil
		}
	}
}

// settle looks again, Debounce after each change, until a look finds
// what the one before it found.
func (p *Poller) settle(ctx context.Context, cur Snapshot) (Snapshot, error) {
	for {
		t := time.NewTimer(p.Debounce)
		err := wait(ctx, t.C)
		t.Stop()
		if err != nil {
			return nil, err
		}
		next, err := Scan(p.Dir)
		if err != nil {
			return nil, err
		}
		if len(Changed(cur, next)) == 0 {
			return next, nil
		}
		cur = next
	}
}

func wait(ctx context.Context, c <-chan time.Time) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c:
		return nil
	}
}

// Pending reports whether a file changed since Wait last returned (or
// since NewPoller), with one look and no waiting: a save made while the
// caller graded. Wait returns it.
func (p *Poller) Pending() bool {
	cur, err := Scan(p.Dir)
	return err == nil && len(Changed(p.base, cur)) > 0
}
