package inbound_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/inbound"
	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/store"
	"github.com/foliopress/folio/store/storetest"
)

// The corpus was made with these: its VERP addresses, unsubscribe tokens
// and Message-IDs belong to members 1 to 12 of corpusMembers, sent
// issue 2026-W10.
const (
	corpusSecret = "inbound-corpus-secret-0123456789"
	corpusWeek   = "2026-W10"
)

var corpusMembers = []string{
	"ada.lovelace@example.org", "boris.pasternak@mail.example.net", "chidi.okafor@example.com",
	"dagny.holm@example.org", "emeka.eze@gmail.example", "fatima.zahra@example.net",
	"goran.novak@yahoo.example", "hana.sato@outlook.example", "ivan.petrov@example.org",
	"jun.park@example.org", "kofi.mensah@example.com", "lea.moreau@example.fr",
}

func corpusLinks() *links.Links {
	return &links.Links{BaseURL: "https://weekly.example.org", Secret: []byte(corpusSecret),
		List: "newsletter.weekly.example.org", MailDomain: "bounces.weekly.example.org"}
}

// corpusStore holds the corpus's members, each sent corpusWeek.
func corpusStore(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	ms := make([]member.Member, len(corpusMembers))
	for i, e := range corpusMembers {
		ms[i] = member.Member{Email: e, Tier: "print", Status: member.StatusActive}
	}
	if _, _, err := s.UpsertMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	sendWeek(t, s, corpusWeek)
}

func sendWeek(t *testing.T, s *store.Store, week string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if _, err := s.EnsureDeliveries(ctx, week, delivery.Audience{}, now); err != nil {
		t.Fatal(err)
	}
	claims, err := s.Claim(ctx, week, "t", 100, now, now.Add(time.Minute), func(m member.Member) string {
		return mailer.MessageID(week, m.ID, "weekly.example.org")
	})
	if err != nil {
		t.Fatal(err)
	}
	var outs []delivery.Outcome
	for _, c := range claims {
		outs = append(outs, delivery.Outcome{MemberID: c.MemberID, State: delivery.StateSent, Reply: "250 ok"})
	}
	if err := s.Record(ctx, week, "t", outs, now); err != nil {
		t.Fatal(err)
	}
}

func processor(s *store.Store, counts map[string]int) *inbound.Processor {
	var mu sync.Mutex // the listener counts from its connections' goroutines
	return &inbound.Processor{
		Links:     corpusLinks(),
		Lifecycle: &member.Lifecycle{Store: s, SoftLimit: 3},
		Store:     s,
		Count: func(k inbound.Kind, o string) {
			mu.Lock()
			defer mu.Unlock()
			counts[string(k)+"/"+o]++
		},
	}
}

func TestCorpus(t *testing.T) {
	tests := []struct {
		file, kind, outcome string
		member              string // who it is about ("" for nobody)
		status              member.Status
		reason              member.Reason
		note                string
	}{
		{"postfix-user-unknown.eml", "bounce", "acted", "ada.lovelace@example.org", member.StatusBounced, member.ReasonBounce, "bounced"},
		{"exim-failed.eml", "bounce", "acted", "boris.pasternak@mail.example.net", member.StatusBounced, member.ReasonBounce, "bounced"},
		{"exchange-ndr-legacy.eml", "bounce", "acted", "chidi.okafor@example.com", member.StatusBounced, member.ReasonBounce, "bounced"},
		{"exchange-online-nullmx.eml", "bounce", "acted", "dagny.holm@example.org", member.StatusBounced, member.ReasonBounce, "bounced"},
		{"gmail-address-not-found.eml", "bounce", "acted", "emeka.eze@gmail.example", member.StatusBounced, member.ReasonBounce, "bounced"},
		{"qmail-failure-notice.eml", "bounce", "acted", "fatima.zahra@example.net", member.StatusBounced, member.ReasonBounce, "bounced"},
		{"yahoo-arf.eml", "complaint", "acted", "goran.novak@yahoo.example", member.StatusUnsubscribed, member.ReasonComplaint, "unsubscribed (complaint)"},
		{"microsoft-jmrp-arf.eml", "complaint", "acted", "hana.sato@outlook.example", member.StatusUnsubscribed, member.ReasonComplaint, "unsubscribed (complaint)"},
		{"postfix-delayed.eml", "bounce", "acted", "ivan.petrov@example.org", member.StatusActive, "", "soft bounce 1 of 3 in a row"},
		{"mailto-unsubscribe.eml", "unsubscribe", "acted", "jun.park@example.org", member.StatusUnsubscribed, member.ReasonUnsubscribe, "unsubscribed"},
		// A reputation block is about us, not the address: counted, never suppressed.
		{"policy-rejection.eml", "bounce", "acted", "kofi.mensah@example.com", member.StatusActive, "", "soft bounce 1 of 3 in a row"},
		{"abuse-desk-legacy.eml", "complaint", "acted", "kofi.mensah@example.com", member.StatusUnsubscribed, member.ReasonComplaint, "unsubscribed (complaint)"},
		{"delivered-notice.eml", "bounce", "ignored", "lea.moreau@example.fr", member.StatusActive, "", "a notice of relayed delivery"},
		{"vacation-reply.eml", "other", "kept", "", "", "", "an automatic reply (auto-replied)"},
		{"unknown-message-id.eml", "bounce", "kept", "", "", "", "a bounce for a message we did not send (<not-ours-7781@elsewhere.example>)"},
		{"forged-verp.eml", "bounce", "kept", "", "", "", "a bounce to a forged or altered VERP address"},
		{"malformed-no-boundary.eml", "malformed", "kept", "", "", "", "inbound: malformed message: multipart/report without a boundary"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		corpusStore(t, s)
		counts := map[string]int{}
		p := processor(s, counts)
		for _, tt := range tests {
			raw, err := os.ReadFile(filepath.Join("testdata", "corpus", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Process(ctx, raw, inbound.Envelope{}, "file "+tt.file)
			if err != nil {
				t.Fatalf("%s: %v", tt.file, err)
			}
			if string(res.Kind) != tt.kind || res.Outcome != tt.outcome || res.Note != tt.note {
				t.Errorf("%s: %s %s %q; want %s %s %q", tt.file, res.Kind, res.Outcome, res.Note, tt.kind, tt.outcome, tt.note)
			}
			if tt.member == "" {
				if res.MemberID != 0 {
					t.Errorf("%s: acted on member %d", tt.file, res.MemberID)
				}
				continue
			}
			m, err := s.MemberByEmail(ctx, tt.member)
			if err != nil {
				t.Fatal(err)
			}
			if res.MemberID != m.ID || m.Status != tt.status {
				t.Errorf("%s: member %d is %s; want %d %s", tt.file, res.MemberID, m.Status, m.ID, tt.status)
			}
			sp, _, err := s.SuppressionOf(ctx, tt.member)
			if err != nil {
				t.Fatal(err)
			}
			if sp.Reason != tt.reason {
				t.Errorf("%s: suppression %q, want %q", tt.file, sp.Reason, tt.reason)
			}
		}
		// Everything fed again: acted on once only, nothing changes.
		before := snapshot(t, s)
		for _, tt := range tests {
			raw, _ := os.ReadFile(filepath.Join("testdata", "corpus", tt.file))
			res, err := p.Process(ctx, raw, inbound.Envelope{}, "again")
			if err != nil || res.Outcome != inbound.OutcomeDuplicate {
				t.Errorf("%s a second time: %+v %v", tt.file, res, err)
			}
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("feeding the corpus twice changed the store:\n%s\n---\n%s", before, after)
		}
		// The kept messages are there for the operator, once each.
		kept, err := s.KeptMessages(ctx, 100, true)
		if err != nil || len(kept) != 4 {
			t.Fatalf("kept %d: %v", len(kept), err)
		}
		for _, k := range kept {
			if len(k.Raw) == 0 || k.Size != len(k.Raw) || k.Reason == "" || !strings.HasPrefix(k.Source, "file ") {
				t.Errorf("kept %+v", k.Kept)
			}
		}
		// History says what, why and from where.
		ada, _ := s.MemberByEmail(ctx, "ada.lovelace@example.org")
		evs, _ := s.History(ctx, ada.ID)
		last := evs[len(evs)-1]
		if last.What != member.EventSuppressed || !strings.HasPrefix(last.Why, "5.1.1 smtp; 550 5.1.1") ||
			last.Source != "dsn file postfix-user-unknown.eml" {
			t.Errorf("ada's last event %+v", last)
		}
		want := map[string]int{"bounce/acted": 8, "complaint/acted": 3, "unsubscribe/acted": 1, "bounce/ignored": 1,
			"other/kept": 1, "bounce/kept": 2, "malformed/kept": 1, "bounce/duplicate": 11, "complaint/duplicate": 3,
			"unsubscribe/duplicate": 1, "other/duplicate": 1, "malformed/duplicate": 1}
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Errorf("counts\n got %v\nwant %v", counts, want)
		}
	})
}

// snapshot renders every member with status and suppression, and the
// number of history events and kept messages.
func snapshot(t *testing.T, s *store.Store) string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	for r, err := range s.Export(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		if r.Member.ID != 0 {
			evs, err := s.History(ctx, r.Member.ID)
			if err != nil {
				t.Fatal(err)
			}
			n = len(evs)
		}
		lines = append(lines, fmt.Sprintf("%s %s %s %d", r.Member.Email, r.Member.Status, r.Suppression.Reason, n))
	}
	kept, err := s.KeptMessages(ctx, 1000, false)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + fmt.Sprintf("\nkept %d", len(kept))
}
