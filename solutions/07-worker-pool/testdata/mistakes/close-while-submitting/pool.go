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
	p.jobs[j.id] = j
	p.mu.Unlock()

	p.queue <- j // the closed flag was checked above
	return j.id, nil
}

// Shutdown stops intake and waits for the workers, or gives up when ctx
// ends.
func (p *Pool) Shutdown(ctx context.Context) (Report, error) {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.queue) // no Submit gets past the flag any more
	}
	p.mu.Unlock()

	select {
	case <-p.drained:
	case <-ctx.Done():
		p.giveUp()
	}
	p.cancel()
	r := p.report()
	if len(r.Unfinished) > 0 {
		return r, ctx.Err()
	}
	return r, nil
}
