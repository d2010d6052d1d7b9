// Mistake: Submit records the job in the map only after the send has handed it to the workers, so a worker can start the job (and even finish it) while Status still answers "unknown job"; and if Submit is held up past the job's retention, the entry it adds afterwards is never forgotten.
// Caught by: TestStatusKnowsAJobFromTheMomentAWorkerCanTakeIt

package pool

// Submit puts a job in the queue and returns its ID.
func (p *Pool) Submit(input string) (JobID, error) {
	p.mu.Lock()
	p.forget(time.Now())
	if p.closed {
		p.mu.Unlock()
		return "", ErrClosed
	}
	p.senders++
	p.seq++
	j := &job{
		id:     JobID("job-" + strconv.Itoa(p.seq)),
		seq:    p.seq,
		input:  input,
		status: Status{State: Accepted},
	}
	p.mu.Unlock()

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
	p.jobs[j.id] = j // only now: a worker may have taken it already
	return j.id, nil
}
