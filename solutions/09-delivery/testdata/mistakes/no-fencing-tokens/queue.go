// Mistake: Ack, Renew, Nack and Reject find the message by its ID alone and never compare the delivery's token, so a worker that was only slow, back after its lease ended, acks, renews, gives back or buries the message another worker is working on now.
// Caught by: TestAWorkerWhoseLeaseEndedCanNeitherAckNorRenew

package delivery

// held returns d's message if d's lease is the current one: the message
// is leased, and to this very delivery (its token), not to a later one.
// q.mu must be held and the queue settled.
func (q *Queue) held(d Delivery) (*message, error) {
	m, ok := q.leased[d.ID] // the ID says which message: that is enough
	if !ok {
		return nil, fmt.Errorf("%w: delivery %d of %s (token %d) no longer holds it",
			ErrLeaseLost, d.Attempt, d.ID, d.Token)
	}
	return m, nil
}
