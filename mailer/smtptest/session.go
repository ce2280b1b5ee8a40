package smtptest

import (
	"bytes"
	"errors"
	"io"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

type session struct {
	s        *Server
	c        *smtp.Conn
	id       int
	accepted int // messages accepted on this connection
	authed   bool
	from     string
	utf8     bool
	to       []string
}

func (x *session) AuthMechanisms() []string {
	if x.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != x.s.user || pass != x.s.pass {
			return smtp.ErrAuthFailed
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) call(stage Stage, rcpt string) Action {
	a := x.s.decide(Call{Stage: stage, From: x.from, Rcpt: rcpt, Conn: x.id, Accepted: x.accepted})
	x.s.stall(a)
	return a
}

func (x *session) Mail(from string, opts *smtp.MailOptions) error {
	if x.s.user != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	if a := x.call(StageMail, ""); a.Reply != nil {
		x.from = ""
		return a.Reply
	} else if a.Drop {
		_ = x.c.Conn().Close() // the fault under test: the peer drops
		return errors.New("dropped")
	}
	x.utf8 = opts != nil && opts.UTF8
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	a := x.call(StageRcpt, to)
	if a.Reply != nil {
		return a.Reply
	} else if a.Drop {
		_ = x.c.Conn().Close() // the fault under test: the peer drops
		return errors.New("dropped")
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	rcpt := ""
	if len(x.to) > 0 {
		rcpt = x.to[0]
	}
	a := x.s.decide(Call{Stage: StageData, From: x.from, Rcpt: rcpt, Conn: x.id, Accepted: x.accepted})
	if a.Drop {
		// Read part of the message, then vanish: the client sees a reset
		// or EOF in the middle of DATA.
		_, _ = io.CopyN(io.Discard, r, 512)
		_ = x.c.Conn().Close() // the fault under test: the peer drops
		return errors.New("dropped")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.stall(a)
	if a.Reply != nil {
		return a.Reply
	}
	m := Message{From: x.from, To: append([]string(nil), x.to...), Data: data, ConnID: x.id, SMTPUTF8: x.utf8, At: time.Now()}
	_, m.TLS = x.c.TLSConnectionState()
	if pm, err := mail.ReadMessage(bytes.NewReader(data)); err == nil {
		m.MessageID = strings.TrimSpace(pm.Header.Get("Message-ID"))
	}
	x.accepted++
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, m)
	x.s.mu.Unlock()
	select {
	case x.s.arrived <- struct{}{}:
	default:
	}
	if a.DropAfterAccept {
		_ = x.c.Conn().Close() // the fault under test: the peer drops
		return errors.New("dropped")
	}
	return nil
}

func (x *session) Reset() { x.from, x.to, x.utf8 = "", nil, false }

func (x *session) Logout() error { return nil }

// quiet discards the server's error log.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}
