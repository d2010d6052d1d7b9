//go:build !unix

package gotest

import (
	"errors"
	"os"
)

// childrenNamed cannot list processes here: a stalled test binary is left
// to the go command's own kill.
func childrenNamed(ppid int, name string) ([]int, error) {
	return nil, errors.New("no way to list processes on this system")
}

// quit kills the process: without SIGQUIT there is no goroutine dump.
func quit(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
