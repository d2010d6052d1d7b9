package class

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
)

// Sandbox runs each test binary under bubblewrap (bwrap, Debian's
// bubblewrap package): in new namespaces with no network, no other
// process in sight and none left behind (it dies with its parent), a
// root file system that is read only, the home folders, /run and the
// temporary folders hidden behind empty ones, the learner's copy read
// only, the copy's own temporary folder the one place it may write, and
// an environment of nothing but PATH, HOME, TMPDIR and GORACE (no token
// of the instructor's can leak into a report). Only the test binaries run
// in it: the go command builds them outside, with the shared build cache,
// which the learner's code never runs in (go test -exec).
type Sandbox struct {
	Bwrap string // the bwrap executable
}

// FindSandbox finds bwrap and checks that it can make a sandbox here: it
// needs unprivileged user namespaces, or root. The error says what was
// tried and what it printed.
func FindSandbox() (*Sandbox, error) {
	p, err := exec.LookPath("bwrap")
	if err != nil {
		return nil, fmt.Errorf("-sandbox needs bubblewrap (bwrap), which is not on PATH: on Debian or Ubuntu, apt-get install bubblewrap")
	}
	s := &Sandbox{Bwrap: p}
	tmp, err := os.MkdirTemp("", "class-sandbox-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	argv, err := s.Command(tmp, tmp)
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(argv[0], append(argv[1:], "/bin/sh", "-c", "true")...).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("bubblewrap cannot make a sandbox here (%s %s): %v: %s", p, strings.Join(argv[1:], " "), err, strings.TrimSpace(string(out)))
	}
	return s, nil
}

// Command is the command that runs a test binary of the copy in dir in
// the sandbox, with tmp as its only writable folder.
func (s *Sandbox) Command(dir, tmp string) ([]string, error) {
	for _, p := range []string{dir, tmp} {
		if !gotest.CanExec(p) {
			return nil, fmt.Errorf("cannot sandbox %q: its path holds both kinds of quotes", p)
		}
	}
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/bin:/bin"
	}
	return []string{s.Bwrap,
		"--ro-bind", "/", "/",
		"--tmpfs", "/home", "--tmpfs", "/root", "--tmpfs", "/run", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp",
		"--ro-bind", dir, dir,
		"--bind", tmp, tmp,
		"--dev", "/dev", "--proc", "/proc",
		"--unshare-all", "--die-with-parent", "--new-session",
		"--clearenv",
		"--setenv", "PATH", path,
		"--setenv", "HOME", tmp,
		"--setenv", "TMPDIR", tmp,
		"--setenv", "GORACE", "atexit_sleep_ms=0",
		"--",
	}, nil
}
