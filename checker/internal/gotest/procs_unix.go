//go:build unix && !linux

package gotest

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// childrenNamed lists the processes whose parent is ppid and whose
// executable is called name, from ps (macOS and the BSDs have no /proc).
func childrenNamed(ppid int, name string) ([]int, error) {
	out, err := exec.Command("ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "args=").Output()
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[1] != strconv.Itoa(ppid) || filepath.Base(f[2]) != name {
			continue
		}
		if pid, err := strconv.Atoi(f[0]); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}
