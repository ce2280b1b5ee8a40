package inbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/net/netutil"

	"github.com/foliopress/folio/internal/links"
)

// Listener is the SMTP server of `folio serve` that takes bounces,
// complaints and mailed unsubscribes for the bounce domain. It accepts
// mail only for Folio's own addresses (never relays), caps message size
// and connections, and offers STARTTLS when TLS is set.
type Listener struct {
	Processor *Processor
	// Hostname names the server in its greeting; default the bounce domain.
	Hostname string
	// MaxBytes is the largest message accepted (552 beyond it).
	MaxBytes int
	// MaxConns caps concurrent connections; more wait to be accepted.
	MaxConns int
	// Timeout bounds each command and the message transfer.
	Timeout time.Duration
	// TLS, when set, is offered through STARTTLS.
	TLS *tls.Config
	// OnResult hears each message handled (a log line per message); it
	// may be nil.
	OnResult func(Result, Envelope)
	// OnRefused hears each refusal (a recipient not ours, a forged
	// token, a message too big, a store failure); it may be nil.
	OnRefused func(what string, err error)
	// ErrorLog receives go-smtp's own connection errors; nil discards.
	ErrorLog *log.Logger
}

// Serve accepts connections on ln until ctx is done, then closes the
// listener and waits for open sessions.
func (l *Listener) Serve(ctx context.Context, ln net.Listener) error {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{l: l, ctx: ctx}, nil
	}))
	srv.Domain = l.Hostname
	if srv.Domain == "" {
		srv.Domain = l.Processor.Links.MailDomain
	}
	srv.MaxMessageBytes = int64(l.MaxBytes)
	srv.MaxRecipients = 16
	srv.ReadTimeout, srv.WriteTimeout = l.Timeout, l.Timeout
	srv.TLSConfig = l.TLS
	srv.ErrorLog = l.ErrorLog
	if srv.ErrorLog == nil {
		srv.ErrorLog = log.New(io.Discard, "", 0)
	}
	if l.MaxConns > 0 {
		ln = netutil.LimitListener(ln, l.MaxConns)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("inbound: listener: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serveErr := <-errc; err == nil && !errors.Is(serveErr, smtp.ErrServerClosed) && !errors.Is(serveErr, net.ErrClosed) {
		err = serveErr
	}
	if err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		return fmt.Errorf("inbound: listener shutdown: %w", err)
	}
	return nil
}

// ListenAndServe listens on addr and calls Serve.
func (l *Listener) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("inbound: listen %s: %w", addr, err)
	}
	return l.Serve(ctx, ln)
}

func (l *Listener) refused(what string, err error) {
	if l.OnRefused != nil {
		l.OnRefused(what, err)
	}
}

// session is one SMTP transaction at a time.
type session struct {
	l    *Listener
	ctx  context.Context
	from string
	to   []string
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

// Rcpt accepts Folio's own addresses only: anything else is 550, so the
// listener can never relay.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	_, err := s.l.Processor.Links.ParseAddress(to)
	switch {
	case errors.Is(err, links.ErrBadAddress):
		s.l.refused("forged address token", fmt.Errorf("RCPT TO:<%s>: %w", clip(to, 200), err))
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such address here"}
	case err != nil:
		s.l.refused("not our address", fmt.Errorf("RCPT TO:<%s>: %w", clip(to, 200), err))
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relaying denied: not an address of this server"}
	}
	s.to = append(s.to, strings.Trim(to, "<>"))
	return nil
}

// Data reads the message (go-smtp stops it at MaxBytes) and acts on it
// before answering: a 250 means it is recorded, so a sender that loses
// the reply and sends again changes nothing.
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, smtp.ErrDataTooLarge) {
			s.l.refused("message too big", fmt.Errorf("from <%s>: over %d bytes: %w", clip(s.from, 200), s.l.MaxBytes, err))
		}
		return err
	}
	env := Envelope{From: s.from, To: s.to}
	res, err := s.l.Processor.Process(s.ctx, raw, env, "smtp from <"+clip(s.from, 100)+">")
	if err != nil {
		s.l.refused("store", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
	}
	if s.l.OnResult != nil {
		s.l.OnResult(res, env)
	}
	return nil
}
