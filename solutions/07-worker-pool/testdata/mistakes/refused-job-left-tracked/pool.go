// Mistake: A Submit refused with ErrClosed while it waited for room leaves its job in the map ("it was never returned, so it never existed"): the pool holds a status nobody can ask about, "accepted" for ever, never forgotten.
// Caught by: TestARefusedSubmitLeavesNoStatusBehind

package pool

// Submit puts a job in the queue and returns its ID. While the queue is
// full, it waits for room; once Shutdown has begun, it returns ErrClosed at
// once, whether it was waiting or not.
//
// A call that can wait should take a context, so that its caller can stop
// waiting: this one has only Shutdown to end its wait, which is lesson
// 08's starting point (SubmitWait takes a ctx).
func (p *Pool) Submit(input string) (JobID, error) {
	p.mu.Lock()
	p.forget(time.Now())
	if p.closed {
		p.mu.Unlock()
		return "", ErrClosed
	}
	// Counted as a sender, this Submit keeps the queue open until it is
	// done with it: Shutdown never closes a channel someone may send on.
	p.senders++
	p.seq++
	j := &job{
		id:     JobID("job-" + strconv.Itoa(p.seq)),
		seq:    p.seq,
		input:  input,
		status: Status{State: Accepted},
	}
	// Known before it is handed over: the moment it is in the queue, a
	// worker may start it, finish it, and start its retention, and Status
	// must know it all along.
	p.jobs[j.id] = j
	p.mu.Unlock()

	// Wait for room without the lock: a goroutine waiting for a mutex
	// would hold up Shutdown (and, inside a synctest bubble, is not durably
	// blocked, so the virtual clock would stop).
	var err error
	select {
	case p.queue <- j:
	case <-p.closing:
		err = ErrClosed
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	p.senders--
	p.closeQueueIfIdle()
	if err != nil {
		return "", err
	}
	return j.id, nil
}
