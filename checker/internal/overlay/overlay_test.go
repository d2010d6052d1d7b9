package overlay

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateTakesDeletionsOfFilesFoldersAndLinksThatExist(t *testing.T) {
	dir := t.TempDir()
	file, sub, link := filepath.Join(dir, "a.go"), filepath.Join(dir, "sub"), filepath.Join(dir, "out.go")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/nowhere/at/all.go", link); err != nil { // dangling: a deletion need not follow it
		t.Fatal(err)
	}
	ok := Overlay{file: Delete, sub: Delete, link: Delete}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// A file put back where a learner deleted it.
	ok[filepath.Join(dir, "new.go")] = file
	if err := ok.Validate(); err == nil {
		t.Errorf("Validate took a replacement of a file that does not exist")
	}
	if err := ok.ValidateAdding(); err != nil {
		t.Errorf("ValidateAdding: %v", err)
	}
	for o, want := range map[*Overlay]string{
		{filepath.Join(dir, "missing.go"): Delete}: "does not exist",
		{"rel/a.go": Delete}:                       "not absolute",
		{file: "rel/b.go"}:                         "not absolute",
		{file: filepath.Join(dir, "missing.go")}:   "does not exist",
	} {
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(%v) = %v, want an error that says %q", *o, err, want)
		}
	}
	path, err := ok.Write(dir, "overlay.json")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &back); err != nil || len(back.Replace) != 4 || back.Replace[file] != "" {
		t.Errorf("written overlay %s: %v", data, err)
	}
}
