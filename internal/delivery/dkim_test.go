package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/dkimtest"
	"github.com/foliopress/folio/mailer"
	"github.com/foliopress/folio/mailer/smtptest"
)

// TestDKIMSignedMailVerifies signs through the real SMTP path with an
// RSA and an Ed25519 key at once, d= taken from the From address, and
// checks the bytes the relay received with go-msgauth's verifier and
// with dkimpy, the public keys served by stub resolvers.
func TestDKIMSignedMailVerifies(t *testing.T) {
	records := map[string]string{}
	var keys []mailer.DKIMKey
	for _, k := range []struct{ alg, sel string }{{"rsa", "rsa"}, {"ed25519", "ed"}} {
		key, _, err := mailer.GenerateDKIMKey(k.alg)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := mailer.DKIMRecord(key)
		if err != nil {
			t.Fatal(err)
		}
		records[k.sel+"._domainkey.weekly.example.org"] = rec
		keys = append(keys, mailer.DKIMKey{Selector: k.sel, Key: key})
	}
	lookup := func(domain string) ([]string, error) {
		if r, ok := records[domain]; ok {
			return []string{r}, nil
		}
		return nil, fmt.Errorf("no TXT for %s", domain)
	}
	srv := smtptest.Start(t)
	st := newStore(t, 2)
	d, err := mailer.NewDKIM("Folio Weekly <issues@weekly.example.org>", "", keys)
	if err != nil {
		t.Fatal(err)
	}
	s := sender(t, st, smtpTo(srv), func(o *delivery.Options) { o.DKIM = d })
	if _, err := s.Send(context.Background(), issueID); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	for _, m := range msgs {
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(m.Data), &dkim.VerifyOptions{LookupTXT: lookup})
		if err != nil || len(vs) != 2 || vs[0].Err != nil || vs[1].Err != nil {
			t.Fatalf("go-msgauth: %v %+v", err, vs)
		}
		for _, v := range dkimtest.Dkimpy(t, m.Data, records) {
			if !v.OK || v.Domain != "weekly.example.org" || !strings.Contains(v.Headers, "List-Unsubscribe:List-Unsubscribe") {
				t.Errorf("dkimpy: %+v", v)
			}
		}
	}
}
