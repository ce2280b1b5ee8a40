package inbound_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/foliopress/folio/internal/inbound"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

func BenchmarkParse(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus", "postfix-user-unknown.eml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := inbound.Parse(raw, inbound.Envelope{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseJunk is a megabyte of text that looks almost like a
// bounce: parsing stays linear.
func BenchmarkParseJunk(b *testing.B) {
	raw := []byte("From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail\n\n" + strings.Repeat("550 5.1.1 <a@b.example> user unknown @@@ <<>> ;; ", 20000))
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := inbound.Parse(raw, inbound.Envelope{}); err != nil {
			b.Fatal(err)
		}
	}
}

// dsnMessages makes n Postfix DSNs, each a hard bounce of a different
// member's copy of corpusWeek (members 1..n), sent to their VERP address,
// with the VERP addresses.
func dsnMessages(b *testing.B, n int) (msgs [][]byte, rcpts []string) {
	b.Helper()
	tmpl, err := os.ReadFile(filepath.Join("testdata", "corpus", "postfix-user-unknown.eml"))
	if err != nil {
		b.Fatal(err)
	}
	l := corpusLinks()
	verp1 := l.BounceAddress(1, corpusWeek)
	for i := 1; i <= n; i++ {
		verp := l.BounceAddress(int64(i), corpusWeek)
		msg := strings.ReplaceAll(string(tmpl), verp1, verp)
		msg = strings.ReplaceAll(msg, "ada.lovelace@example.org", fmt.Sprintf("m%d@example.org", i))
		msg = strings.Replace(msg, "<20260306120211.4QkB2x0Jd7z9s@relay.weekly.example.org>", fmt.Sprintf("<dsn%d@relay.weekly.example.org>", i), 1)
		msgs, rcpts = append(msgs, []byte(msg)), append(rcpts, verp)
	}
	return msgs, rcpts
}

// dsnMbox is dsnMessages as one mbox.
func dsnMbox(b *testing.B, n int) []byte {
	b.Helper()
	msgs, _ := dsnMessages(b, n)
	var out bytes.Buffer
	for _, msg := range msgs {
		out.WriteString("From MAILER-DAEMON Fri Mar  6 07:02:11 2026\n")
		out.Write(msg)
		out.WriteString("\n")
	}
	return out.Bytes()
}

// membersStore is a new SQLite store with members m1..mn, all active.
func membersStore(b *testing.B, n int) *store.Store {
	b.Helper()
	s := storetest.Open(b, "sqlite")
	ms := make([]member.Member, n)
	for i := range ms {
		ms[i] = member.Member{Email: fmt.Sprintf("m%d@example.org", i+1), Status: member.StatusActive}
	}
	if _, _, err := s.UpsertMembers(context.Background(), ms); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkProcessMbox acts on an mbox of hard bounces, each of its own
// member, on SQLite, as `folio inbound` does (batches of 500 to a
// commit): the goal is at least 2,000 a second.
func BenchmarkProcessMbox(b *testing.B) {
	const n = 2000
	box := dsnMbox(b, n)
	b.SetBytes(int64(len(box)))
	for b.Loop() {
		b.StopTimer()
		s := membersStore(b, n) // every member active again
		p := processor(s, map[string]int{})
		b.StartTimer()
		acted := 0
		begin := func(ctx context.Context) (inbound.BatchStore, error) { return s.BeginBatch(ctx) }
		err := p.Stream(context.Background(), bytes.NewReader(box), inbound.Envelope{}, "bench", 10<<20, 500, begin, func(rs []inbound.Result) {
			for _, res := range rs {
				if res.Outcome == inbound.OutcomeActed {
					acted++
				}
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		if acted != n {
			b.Fatalf("acted on %d of %d", acted, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "dsn/s")
}

// BenchmarkListenerConnections holds 200 SMTP connections open at once on
// the inbound listener (issue 12: it holds 200 concurrent connections):
// every client connects and greets, and only once all 200 are in a
// session does each deliver a DSN of its own member, as a burst of
// bounces from many relays would. Every DSN must be acted on.
func BenchmarkListenerConnections(b *testing.B) {
	const n = 200
	msgs, rcpts := dsnMessages(b, n)
	for b.Loop() {
		b.StopTimer()
		s := membersStore(b, n)
		addr, _ := startListener(b, s, nil)
		b.StartTimer()
		var greeted, wg sync.WaitGroup
		greeted.Add(n)
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				c, err := smtp.Dial(addr)
				if err != nil {
					greeted.Done()
					errs <- err
					return
				}
				defer c.Close()
				// A listener that held fewer sessions would leave the
				// rest unanswered: fail rather than wait for ever.
				c.CommandTimeout = 30 * time.Second
				err = c.Hello("relay.example.net")
				greeted.Done()
				greeted.Wait() // all n sessions are open now
				if err == nil {
					err = c.SendMail("", []string{rcpts[i]}, bytes.NewReader(msgs[i]))
				}
				if err == nil {
					err = c.Quit()
				}
				if err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		b.StopTimer()
		bounced, err := s.ListMembers(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range bounced {
			if m.Status != member.StatusBounced {
				b.Fatalf("%s is %s after its DSN", m.Email, m.Status)
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(n, "conns")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "dsn/s")
}
