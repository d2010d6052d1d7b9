//go:build unix

package gotest

import "syscall"

// quit sends SIGQUIT: the Go runtime prints every goroutine's stack and
// exits.
func quit(pid int) error { return syscall.Kill(pid, syscall.SIGQUIT) }
