package delivery_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer/smtptest"
)

// TestAddressLimitsAndSMTPUTF8: addresses keep RFC 5321's limits — a
// 65-octet local part and an IP literal fail at once, in Folio's own
// words, without suppression or a word to the relay (an IP literal goes
// when allowed); an internationalised domain goes as its A-label to any
// relay; a local part outside ASCII goes with SMTPUTF8 to a relay that
// offers it and fails clearly, as the member's own failure, where the
// relay does not.
func TestAddressLimitsAndSMTPUTF8(t *testing.T) {
	long := strings.Repeat("l", 65) + "@example.org"
	extra := []member.Member{
		{Email: "long@example.org", Name: "Long", Status: member.StatusActive},
		{Email: "literal@example.org", Name: "Literal", Status: member.StatusActive},
		{Email: "zoë@example.org", Name: "Zoë", Status: member.StatusActive},
		{Email: "bo@bücher.example", Name: "Bo", Status: member.StatusActive},
	}
	// Addresses the importer now refuses, as an older Folio stored them.
	stored := map[string]string{"long@example.org": long, "literal@example.org": "ann@[192.0.2.1]"}
	for _, tc := range []struct {
		name           string
		opts           []smtptest.Option
		allowLiteral   bool
		utf8Delivered  bool
		literalReached bool
	}{
		{"relay with SMTPUTF8", []smtptest.Option{smtptest.WithSMTPUTF8()}, false, true, false},
		{"relay without SMTPUTF8", nil, false, false, false},
		{"without SMTPUTF8, one command at a time", []smtptest.Option{smtptest.WithoutPipelining()}, false, false, false},
		{"IP literals allowed", []smtptest.Option{smtptest.WithSMTPUTF8()}, true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t, tc.opts...)
			path := filepath.Join(t.TempDir(), "folio.db")
			st := newStoreAt(t, path, 3, extra...)
			rewriteEmails(t, path, stored)
			s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.Addresses.AllowIPLiteral = tc.allowLiteral })
			sum, err := s.Send(context.Background(), issueID)
			if err != nil || sum.Paused {
				t.Fatalf("%+v %v", sum, err)
			}
			got := map[string]smtptest.Message{}
			for _, m := range srv.Messages() {
				got[m.To[0]] = m
			}
			ds := states(t, st)
			for _, addr := range []string{"m1@example.org", "m2@example.org", "m3@example.org"} {
				if m, ok := got[addr]; !ok || m.SMTPUTF8 {
					t.Errorf("%s: delivered %v, with SMTPUTF8 %v", addr, ok, m.SMTPUTF8)
				}
			}
			if m, ok := got["bo@xn--bcher-kva.example"]; !ok || m.SMTPUTF8 || !strings.Contains(string(m.Data), "<bo@xn--bcher-kva.example>") {
				t.Errorf("internationalised domain: delivered %v (relay saw %v)", ok, srv.Messages())
			}
			if d := ds[long]; d.State != delivery.StateFailedPerm || !strings.Contains(d.Reply, "local part is 65 octets") {
				t.Errorf("long local part: %s %q", d.State, d.Reply)
			}
			if _, ok := got[long]; ok {
				t.Error("the long address reached the relay")
			}
			if _, ok := got["ann@[192.0.2.1]"]; ok != tc.literalReached {
				t.Errorf("IP literal reached the relay: %v", ok)
			}
			if d := ds["ann@[192.0.2.1]"]; !tc.allowLiteral && (d.State != delivery.StateFailedPerm || !strings.Contains(d.Reply, "IP address literal")) {
				t.Errorf("IP literal: %s %q", d.State, d.Reply)
			}
			m, ok := got["zoë@example.org"]
			d := ds["zoë@example.org"]
			switch {
			case tc.utf8Delivered && (!ok || !m.SMTPUTF8 || d.State != delivery.StateSent):
				t.Errorf("zoë: delivered %v with SMTPUTF8 %v, ledger %s %q", ok, m.SMTPUTF8, d.State, d.Reply)
			case !tc.utf8Delivered && (ok || d.State != delivery.StateFailedPerm || !strings.Contains(d.Reply, "553 5.6.7") || !strings.Contains(d.Reply, "SMTPUTF8")):
				t.Errorf("zoë without SMTPUTF8: delivered %v, ledger %s %q", ok, d.State, d.Reply)
			}
			for _, addr := range []string{long, "ann@[192.0.2.1]", "zoë@example.org", "bo@bücher.example", "m1@example.org"} {
				if sup, _, _ := st.Suppressed(context.Background(), addr); sup {
					t.Errorf("%s suppressed", addr)
				}
			}
		})
	}
}

// rewriteEmails changes members' stored addresses behind the store's
// back, as rows written by an older version that checked less.
func rewriteEmails(t *testing.T, path string, emails map[string]string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for from, to := range emails {
		res, err := db.Exec(`UPDATE members SET email = $1, email_key = $2 WHERE email = $3`, to, strings.ToLower(to), from)
		if err != nil {
			t.Fatalf("rewrite %s: %v", from, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("rewrite %s: %d rows", from, n)
		}
	}
}
