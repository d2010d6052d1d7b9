package gotest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// childrenNamed lists the descendants of ppid whose executable is called
// name, from /proc: the go command's test binaries, its children, or its
// grandchildren when go test -exec runs them through a sandbox (bwrap).
func childrenNamed(ppid int, name string) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	parent := map[int]int{}
	argv0 := map[int]string{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // it ended meanwhile
		}
		// "pid (comm) state ppid …": comm may hold spaces and parentheses.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+1:])
		fields := strings.Fields(rest)
		if len(fields) < 2 {
			continue
		}
		pp, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		first, _, _ := strings.Cut(string(cmdline), "\x00")
		parent[pid], argv0[pid] = pp, first
	}
	var out []int
	for pid, first := range argv0 {
		if filepath.Base(first) != name {
			continue
		}
		// A few levels are enough; the bound also ends a loop that pids
		// reused while /proc was read could make.
		for p, depth := parent[pid], 0; p > 1 && depth < 16; p, depth = parent[p], depth+1 {
			if p == ppid {
				out = append(out, pid)
				break
			}
		}
	}
	return out, nil
}
