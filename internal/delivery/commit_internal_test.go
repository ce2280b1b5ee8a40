package delivery

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/member"
)

// recordLog is the committer's view of a ledger: it keeps each group
// commit's outcomes and takes delay per commit, like a disk's flush. The
// committer uses nothing else of the Ledger, and its batching is what is
// under test here (the store's own tests cover writing outcomes).
type recordLog struct {
	Ledger
	delay time.Duration
	mu    sync.Mutex
	calls [][]int64
}

func (l *recordLog) BeginOutcomes(context.Context, string, string, time.Time) (OutcomeBatch, error) {
	return &loggedBatch{log: l}, nil
}

type loggedBatch struct {
	log *recordLog
	ids []int64
}

func (b *loggedBatch) Add(outs []Outcome) error {
	for _, o := range outs {
		b.ids = append(b.ids, o.MemberID)
	}
	return nil
}

func (b *loggedBatch) Commit() error {
	time.Sleep(b.log.delay)
	b.log.mu.Lock()
	b.log.calls = append(b.log.calls, b.ids)
	b.log.mu.Unlock()
	return nil
}

func (b *loggedBatch) Rollback() {}

// Claim claims n made-up rows.
func (b *loggedBatch) Claim(n int, _ time.Time, _ func(member.Member) string) ([]Claim, error) {
	return make([]Claim, n), nil
}

// TestCommitterWaitsForOutcomesInFlight: while another worker's message
// is past its final dot, an outcome waits (at most about one commit's
// time) so both share a commit; with nothing in flight it is committed
// at once.
func TestCommitterWaitsForOutcomesInFlight(t *testing.T) {
	log := &recordLog{delay: 30 * time.Millisecond}
	s, r, stop := startCommitter(log)
	out := func(id int64) []Outcome { return []Outcome{{MemberID: id, State: StateSent}} }

	// The first commit teaches the committer how long a commit takes.
	if err := s.commit(r, out(1)); err != nil {
		t.Fatal(err)
	}
	// Member 2's outcome arrives while member 3's message is in flight;
	// member 3's outcome comes 10 ms later: one commit holds both.
	r.inFlight.Add(1)
	first := submit(r, out(2), 0)
	time.Sleep(10 * time.Millisecond)
	second := submit(r, out(3), 0)
	r.inFlight.Add(-1)
	if err := (<-first.done).err; err != nil {
		t.Fatal(err)
	}
	<-second.done
	// Nothing in flight: member 4 is committed alone, without waiting.
	start := time.Now()
	if err := s.commit(r, out(4)); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*log.delay {
		t.Errorf("a lone outcome took %v with nothing in flight", took)
	}
	stop()

	want := [][]int64{{1}, {2, 3}, {4}}
	if len(log.calls) != len(want) {
		t.Fatalf("commits %v, want %v", log.calls, want)
	}
	for i := range want {
		if len(log.calls[i]) != len(want[i]) {
			t.Fatalf("commits %v, want %v", log.calls, want)
		}
	}
}

// TestHandOffRunsBeforeTheAnswer: work handed off to a request runs on
// the committer with the batch's answer before the request is answered;
// once answered, a request takes no more hand-offs.
func TestHandOffRunsBeforeTheAnswer(t *testing.T) {
	log := &recordLog{delay: 50 * time.Millisecond}
	_, r, stop := startCommitter(log)

	req := submit(r, []Outcome{{MemberID: 1, State: StateSent}}, 3)
	var got []Claim
	ran := req.handOff(func(res committed) error {
		if len(req.done) != 0 {
			t.Error("answered before the handed-off work ran")
		}
		got = res.claims
		return errors.New("dot failed")
	})
	if !ran {
		t.Fatal("hand-off refused before the commit ended")
	}
	res := <-req.done
	if res.err != nil || len(got) != 3 || req.thenErr == nil || req.thenErr.Error() != "dot failed" {
		t.Fatalf("answer %+v, handed-off work saw %d claims and returned %v", res, len(got), req.thenErr)
	}
	if req.handOff(func(committed) error { t.Error("ran after the answer"); return nil }) {
		t.Error("hand-off accepted after the answer")
	}
	stop()
}

// submit hands outcomes, with a claim of up to claim rows, to the run's
// committer as a worker does.
func submit(r *run, outs []Outcome, claim int) *commitReq {
	req := &commitReq{outs: outs, claim: claim, done: make(chan committed, 1)}
	r.commits <- req
	return req
}

// TestCommitterCountsAHandedOverOutcomeLanded: the committer takes a
// flying outcome off the in-flight count itself, so it never holds a
// batch open for an outcome it already has.
func TestCommitterCountsAHandedOverOutcomeLanded(t *testing.T) {
	log := &recordLog{delay: 100 * time.Millisecond}
	s, r, stop := startCommitter(log)
	if err := s.commit(r, []Outcome{{MemberID: 1, State: StateSent}}); err != nil {
		t.Fatal(err) // teaches the committer a commit takes 100 ms
	}
	r.inFlight.Store(1) // this very message
	start := time.Now()
	req := &commitReq{outs: []Outcome{{MemberID: 2, State: StateSent}}, flying: true, done: make(chan committed, 1)}
	r.commits <- req
	if res := <-req.done; res.err != nil {
		t.Fatal(res.err)
	}
	if took := time.Since(start); took > 180*time.Millisecond {
		t.Errorf("took %v: the batch waited for the outcome it held", took)
	}
	if n := r.inFlight.Load(); n != 0 {
		t.Errorf("in flight %d after the outcome was handed over", n)
	}
	stop()
}

// startCommitter runs a committer over log for run "w" of owner "o", as
// Send does; stop ends the run and waits for the committer to finish.
func startCommitter(log *recordLog) (*Sender, *run, func()) {
	s := &Sender{o: Options{Ledger: log, Now: time.Now}, gatherMax: time.Second}
	r := &run{issueID: "w", owner: "o", commits: make(chan *commitReq, 4)}
	done := make(chan struct{})
	go func() { s.committer(context.Background(), r); close(done) }()
	return s, r, func() { close(r.commits); <-done }
}
