// Mistake: Shutdown sets a closed flag and closes the queue at once, and Submit checks the flag before it sends, so a Submit that passed the check (say, waiting for room in a full queue) sends on a closed channel and panics.
// Caught by: TestASubmitWaitingForRoomIsRefusedWhenShutdownBegins, TestSubmitsRacingShutdownAreEitherAcceptedAndDoneOrRefused (race)

package pool

// Submit puts a job in the queue and returns its ID. While the queue is
// full, it waits for room; once Shutdown has begun, it returns ErrClosed at
// once, whether it was waiting or not.
func (p *Pool) Submit(input string) (JobID, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return "", ErrClosed
	}
	p.seq++
	j := &job{
		id:     JobID("job-" + strconv.Itoa(p.seq)),
		seq:    p.seq,
		input:  input,
		status: Status{State: Accepted},
	}
	p.mu.Unlock()

	// Wait for room without the lock: a goroutine waiting for a mutex
	// would hold up Shutdown (and, inside a synctest bubble, is not durably
	// blocked, so the virtual clock would stop).
	p.queue <- j // the closed flag was checked above

	p.mu.Lock()
	defer p.mu.Unlock()
	p.jobs[j.id] = j
	return j.id, nil
}

// Shutdown stops intake (Submit returns ErrClosed from now on), lets the
// workers finish every accepted job, queued or running, and returns when
// the last one is done, with a Report and nil.
//
// If ctx ends first, Shutdown stops waiting: it cancels the context of the
// jobs still running, makes sure no queued job starts, and returns at once
// with a Report naming every job that did not finish, and ctx.Err(). The
// workers return as soon as their Work does.
func (p *Pool) Shutdown(ctx context.Context) (Report, error) {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.queue) // no Submit gets past the flag any more
	}
	p.mu.Unlock()

	select {
	case <-p.drained:
		p.cancel() // nothing runs any more; release the context
		return p.report(), nil
	case <-ctx.Done():
		return p.abandon(), ctx.Err()
	}
}
