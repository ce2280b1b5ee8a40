package delivery

import (
	"context"
	"errors"
	"sync"
	"time"
)

// maxGather is the default bound on how long the committer holds a batch
// open for outcomes still on their way, whatever the last commits took.
const maxGather = 2 * time.Millisecond

// commitReq is one worker's outcomes waiting for the group commit, and
// how many rows the worker wants claimed in the same commit.
type commitReq struct {
	outs  []Outcome
	claim int
	// flying: the outcome's message counts in run.inFlight until the
	// committer has the outcome.
	flying bool
	done   chan committed // the answer, once the batch has ended

	mu       sync.Mutex
	answered bool
	// then, when set (handOff), runs on the committer as soon as the
	// batch has ended, before done is answered; its error is thenErr.
	then    func(committed) error
	thenErr error
}

// handOff has the committer run then with the answer right after the
// commit, instead of the waiting worker once it has been woken: a
// worker's next final dot, held back until this outcome is durable, goes
// out without waiting for the scheduler to run the worker. False when the
// batch has already ended; the caller goes on itself.
func (q *commitReq) handOff(then func(committed) error) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.answered {
		return false
	}
	q.then = then
	return true
}

// finish answers the request: it runs the handed-off work, then done.
func (q *commitReq) finish(res committed) {
	q.mu.Lock()
	q.answered = true
	then := q.then
	q.mu.Unlock()
	if then != nil {
		q.thenErr = then(res)
	}
	q.done <- res
}

// committed is a group commit's answer to one request: nil once the
// outcomes and claims are durable.
type committed struct {
	err    error
	claims []Claim
}

// commit hands outcomes to the run's committer and waits until they are
// durable.
func (s *Sender) commit(r *run, outs []Outcome) error {
	req := &commitReq{outs: outs, done: make(chan committed, 1)}
	r.commits <- req
	return (<-req.done).err
}

// committer writes outcomes in group commits. A worker sends its next
// final dot only once its last outcome is durable, so every commit is on
// some worker's critical path and their number bounds the send rate.
// Like PostgreSQL's commit_delay, a batch is therefore held open while
// other workers have a message in flight (final dot sent, reply not yet
// in), for at most as long as a commit takes: their outcomes join this
// commit instead of queueing behind it for the next. Once a commit is
// done, the committer itself writes the final dots that waited for it
// (commitReq.handOff): they leave at once, not one by one as the
// scheduler gets round to each woken worker.
func (s *Sender) committer(ctx context.Context, r *run) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var last time.Duration // how long the previous commit took
	messageID := s.messageID(r.issueID)
	for req := range r.commits {
		now := s.o.Now()
		tx, err := s.o.Ledger.BeginOutcomes(ctx, r.issueID, r.owner, now)
		var batch []*commitReq
		var claims [][]Claim
		// take joins a request to the batch; its message has landed.
		take := func(req *commitReq) {
			if req.flying {
				r.inFlight.Add(-1)
			}
			batch, claims = append(batch, req), append(claims, nil)
		}
		// add writes a request into the batch as it arrives, so that
		// once the last is in only the commit itself is left to wait for.
		add := func(req *commitReq) error {
			take(req)
			if err := tx.Add(req.outs); err != nil || req.claim == 0 {
				return err
			}
			c, err := tx.Claim(req.claim, now.Add(s.o.Lease), messageID)
			claims[len(claims)-1] = c
			return err
		}
		if err == nil {
			err = add(req)
		} else {
			take(req)
		}
		closed := false
		if err == nil {
			closed, err = gather(r, timer, min(last, s.gatherMax), add)
		}
		switch {
		case err != nil && tx != nil:
			tx.Rollback()
		case err == nil:
			start := time.Now()
			err = tx.Commit()
			last = time.Since(start)
		}
		for i, b := range batch {
			res := committed{err: err}
			if err == nil || errors.Is(err, ErrLeaseLost) {
				res.claims = claims[i]
			}
			b.finish(res)
		}
		if closed {
			return
		}
	}
}

// gather hands add the outcomes queued behind a batch's first and, while
// messages are in flight, those that arrive within wait; closed reports
// that the channel was closed (the workers are done).
func gather(r *run, timer *time.Timer, wait time.Duration, add func(*commitReq) error) (closed bool, err error) {
	var expired <-chan time.Time
	if wait > 0 {
		timer.Reset(wait)
		defer timer.Stop()
		expired = timer.C
	}
	for n := 1; n < 64; {
		var more *commitReq
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
