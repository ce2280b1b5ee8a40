package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
)

// verp is a stand-in for the members' signed VERP addresses: one
// envelope sender per member and issue.
func verp(m member.Member, issueID string) string {
	return fmt.Sprintf("bounces+%d-%s@bounces.weekly.example.org", m.ID, issueID)
}

// TestEnvelopeSenderPerMember: with an EnvelopeFrom hook each member's
// message goes out with their own envelope sender — also the envelopes
// pipelined behind the previous message's dot — while the From header
// stays the magazine's; outbox files carry it as Return-Path.
func TestEnvelopeSenderPerMember(t *testing.T) {
	srv := smtptest.Start(t)
	st := newStore(t, 9)
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.EnvelopeFrom = verp })
	if sum, err := s.Send(context.Background(), issueID); err != nil || sum.Sent != 9 {
		t.Fatalf("%+v %v", sum, err)
	}
	for _, m := range srv.Messages() {
		var id int64
		if _, err := fmt.Sscanf(m.To[0], "m%d@", &id); err != nil {
			t.Fatal(err)
		}
		if want := verp(member.Member{ID: id}, issueID); m.From != want {
			t.Errorf("%s: MAIL FROM %s, want %s", m.To[0], m.From, want)
		}
		if !bytes.Contains(m.Data, []byte("\r\nFrom: \"Folio Weekly\" <issues@weekly.example.org>\r\n")) && !bytes.HasPrefix(m.Data, []byte("From: \"Folio Weekly\" <issues@weekly.example.org>\r\n")) {
			t.Errorf("%s: the From header changed", m.To[0])
		}
	}

	dir := t.TempDir()
	st = newStore(t, 2)
	s = sender(t, st, mailer.NewOutbox(dir), func(o *delivery.Options) { o.EnvelopeFrom = verp })
	if _, err := s.Send(context.Background(), issueID); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, issueID+".1.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Return-Path: <" + verp(member.Member{ID: 1}, issueID) + ">\r\n"; !bytes.HasPrefix(data, []byte(want)) {
		t.Errorf("outbox file starts %q, want %q", data[:min(len(data), 80)], want)
	}
	smtptest.CheckTree(t, data, "Member 1", fakePDF)
}
