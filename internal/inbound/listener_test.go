package inbound_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
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

// startListener runs a Listener over the corpus store on 127.0.0.1:0.
func startListener(t testing.TB, s *store.Store, cfg *tls.Config) (string, *refusals) {
	t.Helper()
	ref := &refusals{}
	l := &inbound.Listener{
		Processor: processor(s, map[string]int{}),
		MaxBytes:  64 << 10, MaxConns: 300, Timeout: 10 * time.Second, TLS: cfg,
		OnRefused: ref.add,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})
	return ln.Addr().String(), ref
}

type refusals struct {
	mu   sync.Mutex
	what []string
}

func (r *refusals) add(what string, _ error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.what = append(r.what, what)
}

func (r *refusals) list() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.what, ", ")
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestListener(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		corpusStore(t, s)
		ca := newCA(t)
		pair, _, _ := ca.leaf(t, "bounces.weekly.example.org", "127.0.0.1")
		addr, ref := startListener(t, s, &tls.Config{Certificates: []tls.Certificate{pair}})

		plain, err := smtp.Dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		if err := plain.Hello("relay.weekly.example.org"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := plain.Extension("STARTTLS"); !ok {
			t.Fatal("STARTTLS not offered")
		}
		if err := plain.Close(); err != nil {
			t.Fatal(err)
		}
		c, err := smtp.DialStartTLS(addr, &tls.Config{RootCAs: ca.pool(), ServerName: "bounces.weekly.example.org"})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Noop(); err != nil {
			t.Fatal(err)
		}
		if st, ok := c.TLSConnectionState(); !ok || !st.HandshakeComplete {
			t.Fatal("no TLS after STARTTLS")
		}
		// Never an open relay: only our own addresses are taken.
		if err := c.Mail("", nil); err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{"someone@example.com", "postmaster@bounces.weekly.example.org", "unsubscribe@bounces.weekly.example.org"} {
			if err := c.Rcpt(to, nil); smtpCode(err) != 550 {
				t.Errorf("RCPT TO:<%s>: %v, want 550", to, err)
			}
		}
		if err := c.Rcpt("bounces+aaaaaaaaaaaaaaaaaaaaaaa@bounces.weekly.example.org", nil); smtpCode(err) != 550 {
			t.Errorf("forged VERP: %v, want 550", err)
		}
		if got := ref.list(); got != "not our address, not our address, not our address, forged address token" {
			t.Errorf("refusals %q", got)
		}
		// A real DSN to its VERP address.
		raw, err := os.ReadFile(filepath.Join("testdata", "corpus", "postfix-user-unknown.eml"))
		if err != nil {
			t.Fatal(err)
		}
		send := func(from, to string, msg []byte) error {
			if err := c.Reset(); err != nil {
				return err
			}
			if err := c.Mail(from, nil); err != nil {
				return err
			}
			if err := c.Rcpt(to, nil); err != nil {
				return err
			}
			w, err := c.Data()
			if err != nil {
				return err
			}
			if _, err := w.Write(msg); err != nil {
				return err
			}
			return w.Close()
		}
		verp := "bounces+agfpkbyuoxiljany3dsa@bounces.weekly.example.org"
		if err := send("", verp, raw); err != nil {
			t.Fatal(err)
		}
		if ada, _ := s.MemberByEmail(ctx, "ada.lovelace@example.org"); ada.Status != member.StatusBounced {
			t.Fatalf("ada is %s", ada.Status)
		}
		// The relay lost our 250 and sends it again: accepted, nothing changes.
		if err := send("", verp, raw); err != nil {
			t.Fatal(err)
		}
		// A mailed unsubscribe, with nothing in it but a subject.
		if err := send("jun.park@example.org", "unsubscribe+bijqsajntxxdp6i@bounces.weekly.example.org",
			[]byte("From: jun.park@example.org\r\nSubject: unsubscribe\r\nMessage-ID: <u1@example.org>\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		if jun, _ := s.MemberByEmail(ctx, "jun.park@example.org"); jun.Status != member.StatusUnsubscribed {
			t.Fatalf("jun is %s", jun.Status)
		}
		// A huge message is refused before it is read.
		huge := append([]byte("Subject: big\r\n\r\n"), bytes.Repeat([]byte("0123456789abcdef\r\n"), 8000)...)
		if err := send("", verp, huge); smtpCode(err) != 552 {
			t.Errorf("huge message: %v, want 552", err)
		}
		if !strings.HasSuffix(ref.list(), "message too big") {
			t.Errorf("refusals %q", ref.list())
		}
	})
}

// TestListenerConcurrentConnections: 200 senders at once each deliver
// one message.
func TestListenerConcurrentConnections(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	corpusStore(t, s)
	addr, _ := startListener(t, s, nil)
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	conns := make(chan *smtp.Client, n)
	for i := range n {
		wg.Go(func() {
			c, err := smtp.Dial(addr)
			if err != nil {
				errs <- err
				return
			}
			conns <- c
			msg := []byte("From: MAILER-DAEMON@x.example\r\nSubject: note " + string(rune('a'+i%26)) + "\r\nMessage-ID: <c" + strings.Repeat("x", i%7) + time.Now().Format("150405.000000000") + "@x.example>\r\n\r\nhello\r\n")
			if err := c.SendMail("", []string{"bounces@bounces.weekly.example.org"}, bytes.NewReader(msg)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	close(conns)
	for err := range errs {
		t.Error(err)
	}
	open := 0
	for c := range conns {
		open++
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	}
	if open != n {
		t.Errorf("%d of %d connections opened", open, n)
	}
}
