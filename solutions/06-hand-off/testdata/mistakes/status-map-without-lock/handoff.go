// Mistake: The status map is read and written without the lock ("the worker is the only writer"): Submit and the worker write it while Status reads it, a data race that -race reports and that can crash the program with "concurrent map read and map write".
// Caught by: TestStatusIsSafeToReadWhileTheWorkerWrites (race)

package handoff

// Status returns what is known about the job now, or an error wrapping
// ErrUnknownJob.
func (s *Service) Status(id JobID) (Status, error) {
	st, ok := s.status[id]
	if !ok {
		return Status{}, fmt.Errorf("%w: %q", ErrUnknownJob, id)
	}
	return st, nil
}

// set records a job's status. The lock is held for the write only, never
// while the work runs.
func (s *Service) set(id JobID, st Status) {
	s.status[id] = st
}
