package schedule

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/store"
)

// TestTwoInstancesShareTheStore runs two schedulers (two processes) on one
// real SQLite store: only one runs the week, the other stands by while
// the run is live and takes over a run abandoned by a crash once its lease
// has run out.
func TestTwoInstancesShareTheStore(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	spec, _ := Parse("CRON_TZ=UTC 0 7 * * FRI", nil)
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	entered, release := make(chan struct{}), make(chan struct{})
	runs := map[string]int{}
	a := &Scheduler{Spec: spec, CatchUp: 48 * time.Hour, Runs: st, Now: clock, Owner: "host-a", Lease: time.Hour,
		Job: func(context.Context, issue.Week) error {
			runs["a"]++
			close(entered)
			<-release
			return nil
		}}
	b := &Scheduler{Spec: spec, CatchUp: 48 * time.Hour, Runs: st, Now: clock, Owner: "host-b", Lease: time.Hour,
		Job: func(context.Context, issue.Week) error { runs["b"]++; return nil }}

	done := make(chan Outcome)
	go func() {
		out, err := a.Wake(ctx)
		if err != nil {
			t.Error(err)
		}
		done <- out
	}()
	<-entered
	if out, err := b.Wake(ctx); err != nil || out.Ran || out.Reason != "running elsewhere" {
		t.Fatalf("second instance during the run: %+v %v", out, err)
	}
	close(release)
	if out := <-done; !out.Ran {
		t.Fatalf("first instance: %+v", out)
	}
	if out, _ := b.Wake(ctx); out.Ran || out.Reason != "already done" {
		t.Fatalf("second instance after the run: %+v", out)
	}

	// Next week instance A "crashes" mid-run: the run stays claimed.
	now = now.AddDate(0, 0, 7)
	a.Job = func(context.Context, issue.Week) error { return errors.New("killed") }
	if _, err := a.Wake(ctx); err == nil {
		t.Fatal("crashed run reported success")
	}
	now = now.Add(30 * time.Minute)
	if out, _ := b.Wake(ctx); out.Ran {
		t.Fatal("took over a run whose lease is still live")
	}
	now = now.Add(31 * time.Minute)
	if out, err := b.Wake(ctx); err != nil || !out.Ran {
		t.Fatalf("did not take over an abandoned run: %+v %v", out, err)
	}
	if runs["a"] != 1 || runs["b"] != 1 {
		t.Errorf("runs = %v", runs)
	}
}

// TestEveryUnfinishedWeekIsResumed: week 10's run fails (the relay is
// down) and is still unfinished when week 11 becomes due. The wake-up runs
// week 11 and resumes week 10 too, on the real store; before, only the
// latest fire time's week was ever looked at and week 10 was abandoned.
func TestEveryUnfinishedWeekIsResumed(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	spec, _ := Parse("CRON_TZ=UTC 0 7 * * FRI", nil)
	now := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC) // Friday of 2026-W10
	relayDown := true
	var ran []string
	s := &Scheduler{Spec: spec, CatchUp: 48 * time.Hour, Runs: st, Now: func() time.Time { return now }, Owner: "a", Lease: time.Minute,
		Job: func(_ context.Context, w issue.Week) error {
			ran = append(ran, w.String())
			if relayDown {
				return errors.New("relay down")
			}
			return nil
		}}
	if _, err := s.Wake(ctx); err == nil {
		t.Fatal("a failed run reported success")
	}
	now = now.AddDate(0, 0, 7) // week 11 is due; the relay is back
	relayDown = false
	out, err := s.Wake(ctx)
	if err != nil || !out.Ran || out.Week.String() != "2026-W11" {
		t.Fatalf("week 11: %+v %v", out, err)
	}
	resumed, err := s.Resume(ctx, out.Week)
	if err != nil || len(resumed) != 1 || !resumed[0].Ran || resumed[0].Week.String() != "2026-W10" {
		t.Fatalf("resume: %+v %v", resumed, err)
	}
	if strings.Join(ran, ",") != "2026-W10,2026-W11,2026-W10" {
		t.Errorf("jobs ran for %v", ran)
	}
	if left, _ := st.UnfinishedRuns(ctx); len(left) != 0 {
		t.Errorf("unfinished after the resume: %v", left)
	}
	// Nothing is left to resume, and a finished week is not run again.
	if resumed, err := s.Resume(ctx, issue.Week{}); err != nil || len(resumed) != 0 {
		t.Errorf("second resume: %+v %v", resumed, err)
	}
}
