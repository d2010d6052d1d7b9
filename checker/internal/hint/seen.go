package hint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// Seen remembers which hints a learner has been shown in one copy of the
// workshop. It lives in a small JSON file in a folder outside the workshop
// (the user's cache folder: StateDir), never in lessons/ or anywhere in
// the repository, so it is never committed and never shows in git status.
// The file is named after the copy's root folder, so two copies of the
// workshop (a second clone, a colleague's copy graded on the same machine)
// each start at the first hint. Losing the file loses nothing but the
// count: the next hint shown is the first again.
type Seen struct {
	path string
	// Root is the copy's root folder, to tell a reader whose file it is.
	Root string `json:"root"`
	// Shown maps "NN-slug/exercise" to the levels shown, sorted.
	Shown map[string][]int `json:"shown"`
}

// Open reads what the copy of the workshop at root has seen, from dir
// (StateDir). A file that does not exist yet, or that cannot be read as
// JSON, is an empty record; so is the record of an empty dir, which is
// kept nowhere.
func Open(dir, root string) *Seen {
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	s := &Seen{Root: root, Shown: map[string][]int{}}
	if dir == "" {
		return s
	}
	sum := sha256.Sum256([]byte(root))
	s.path = filepath.Join(dir, "hints-"+hex.EncodeToString(sum[:8])+".json")
	data, err := os.ReadFile(s.path)
	if err != nil {
		return s
	}
	var read Seen
	if json.Unmarshal(data, &read) == nil && read.Shown != nil {
		s.Shown = read.Shown
	}
	return s
}

// Path is the file the record is kept in.
func (s *Seen) Path() string { return s.path }

func key(lesson string, exercise int) string { return lesson + "/" + strconv.Itoa(exercise) }

// Has reports whether a level of an exercise was shown.
func (s *Seen) Has(lesson string, exercise, level int) bool {
	return s != nil && slices.Contains(s.Shown[key(lesson, exercise)], level)
}

// Mark records that a level was shown.
func (s *Seen) Mark(lesson string, exercise, level int) {
	k := key(lesson, exercise)
	if !slices.Contains(s.Shown[k], level) {
		s.Shown[k] = append(s.Shown[k], level)
		slices.Sort(s.Shown[k])
	}
}

// Save writes the record: to a temporary file in the same folder, renamed
// over the old one, so a reader never sees half a file.
func (s *Seen) Save() error {
	if s.path == "" {
		return errors.New("no folder to keep it in")
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".hints-*.json")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(append(data, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("keeping the hints seen in %s: %w", s.path, err)
	}
	return nil
}
