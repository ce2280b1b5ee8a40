package inbound_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/inbound"
	"github.com/foliopress/folio/internal/member"
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

// dsnMbox makes an mbox of n Postfix DSNs, each a hard bounce of a
// different member's copy of corpusWeek (members 1..n), sent to their
// VERP address.
func dsnMbox(b *testing.B, n int) []byte {
	b.Helper()
	tmpl, err := os.ReadFile(filepath.Join("testdata", "corpus", "postfix-user-unknown.eml"))
	if err != nil {
		b.Fatal(err)
	}
	l := corpusLinks()
	verp1 := l.BounceAddress(1, corpusWeek)
	var out bytes.Buffer
	for i := 1; i <= n; i++ {
		msg := strings.ReplaceAll(string(tmpl), verp1, l.BounceAddress(int64(i), corpusWeek))
		msg = strings.ReplaceAll(msg, "ada.lovelace@example.org", fmt.Sprintf("m%d@example.org", i))
		msg = strings.Replace(msg, "<20260306120211.4QkB2x0Jd7z9s@relay.weekly.example.org>", fmt.Sprintf("<dsn%d@relay.weekly.example.org>", i), 1)
		out.WriteString("From MAILER-DAEMON Fri Mar  6 07:02:11 2026\n")
		out.WriteString(msg)
		out.WriteString("\n")
	}
	return out.Bytes()
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
		s := storetest.Open(b, "sqlite") // every member active again
		ms := make([]member.Member, n)
		for i := range ms {
			ms[i] = member.Member{Email: fmt.Sprintf("m%d@example.org", i+1), Status: member.StatusActive}
		}
		if _, _, err := s.UpsertMembers(context.Background(), ms); err != nil {
			b.Fatal(err)
		}
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
