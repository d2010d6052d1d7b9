// Mistake: when Shutdown gives up it marks the jobs left by setting their status and adding them to the report by hand, not through end: the report names them, but their retention never starts, so every unfinished job's status stays in memory for ever.
// Caught by: TestEveryFinishedJobIsForgottenWhenItsRetentionEnds

package pool

// giveUp stops everything and reports what was left.
func (p *Pool) giveUp() {
	p.mu.Lock()
	p.gaveUp = true
	p.mu.Unlock()
	p.cancel()

	grace := time.NewTimer(p.cfg.Grace)
	defer grace.Stop()
	select {
	case <-p.drained:
	case <-grace.C:
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, j := range p.jobs {
		if j.status.State == Accepted || j.status.State == Running {
			j.status = Status{State: Unfinished}
			p.unfinished = append(p.unfinished, j)
		}
	}
}

// finish records how j ended.
func (p *Pool) finish(j *job, result string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case j.status.State != Running:
	case err == nil:
		p.end(j, Status{State: Done, Result: result})
	case p.gaveUp:
		j.status = Status{State: Unfinished}
		p.unfinished = append(p.unfinished, j)
	default:
		p.end(j, Status{State: Failed, Err: err})
	}
}
