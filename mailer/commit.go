package mailer

import (
	"context"
	"time"
)

// maxGather is the default bound on how long the committer holds a batch
// open for outcomes still on their way, whatever the last commits took.
const maxGather = 2 * time.Millisecond

// commitReq is one worker's outcomes waiting for the group commit.
type commitReq struct {
	outs []Outcome
	done chan error
}

// commit hands outcomes to the run's committer and waits until they are
// durable.
func (s *Sender) commit(r *run, outs []Outcome) error {
	return <-s.commitAsync(r, outs)
}

// commitAsync hands outcomes to the run's committer; the channel says
// when they are durable.
func (s *Sender) commitAsync(r *run, outs []Outcome) <-chan error {
	req := commitReq{outs: outs, done: make(chan error, 1)}
	r.commits <- req
	return req.done
}

// committer writes outcomes in group commits. A worker sends its next
// final dot only once its last outcome is durable, so every commit is on
// some worker's critical path and their number bounds the send rate.
// Like PostgreSQL's commit_delay, a batch is therefore held open while
// other workers have a message in flight (final dot sent, reply not yet
// in), for at most as long as a commit takes: their outcomes join this
// commit instead of queueing behind it for the next.
func (s *Sender) committer(ctx context.Context, r *run) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var last time.Duration // how long the previous commit took
	for req := range r.commits {
		batch := []commitReq{req}
		tx, err := s.o.Ledger.BeginOutcomes(ctx, r.issueID, r.owner, s.o.Now())
		if err == nil {
			err = tx.Add(req.outs)
		}
		closed := false
		if err == nil {
			// Outcomes are written as they arrive, so that once the last
			// one is in only the commit itself is left to wait for.
			closed, err = gather(r, timer, min(last, s.gatherMax), func(more commitReq) error {
				batch = append(batch, more)
				return tx.Add(more.outs)
			})
		}
		switch {
		case err != nil && tx != nil:
			tx.Rollback()
		case err == nil:
			start := time.Now()
			err = tx.Commit()
			last = time.Since(start)
		}
		for _, b := range batch {
			b.done <- err
		}
		if closed {
			return
		}
	}
}

// gather hands add the outcomes queued behind a batch's first and, while
// messages are in flight, those that arrive within wait; closed reports
// that the channel was closed (the workers are done).
func gather(r *run, timer *time.Timer, wait time.Duration, add func(commitReq) error) (closed bool, err error) {
	var expired <-chan time.Time
	if wait > 0 {
		timer.Reset(wait)
		defer timer.Stop()
		expired = timer.C
	}
	for n := 1; n < 64; {
		var more commitReq
		var ok bool
		if expired == nil || r.inFlight.Load() == 0 {
			select {
			case more, ok = <-r.commits:
			default:
				return false, nil
			}
		} else {
			select {
			case more, ok = <-r.commits:
			case <-expired:
				expired = nil
				continue
			}
		}
		if !ok {
			return true, nil
		}
		if err := add(more); err != nil {
			return false, err
		}
		n++
	}
	return false, nil
}
