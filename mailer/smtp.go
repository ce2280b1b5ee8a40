package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SMTPConfig says how to reach the relay.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string // empty: no authentication
	Password string
	TLS      string        // "starttls" (default), "tls" (implicit, port 465) or "none"
	Timeout  time.Duration // per message and for dialing; default 60s
	// MaxConnTime bounds a connection's whole life, however its relay
	// answers: every read and write of a connection ends by then, and a
	// connection with less than Timeout left takes no new message (it is
	// recycled). Default 5 minutes; keep it well below the Sender's
	// lease so a hung relay never holds claimed rows until they expire.
	MaxConnTime time.Duration
	HELO        string // default: the local host name
	// TLSConfig overrides certificate checks (tests with a private CA).
	TLSConfig *tls.Config
}

// NewSMTP returns a Transport that delivers to the relay with go-mail's
// client. go-mail dials, negotiates TLS and authenticates; each message then
// costs MAIL, RCPT, DATA and the body: no NOOP before and no RSET after a
// successful message (a finished DATA ends the transaction). When the
// relay offers PIPELINING, MAIL, RCPT and DATA share one round trip, and
// on a busy connection they ride behind the previous message's final
// dot, so a message costs one.
func NewSMTP(cfg SMTPConfig) Transport {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxConnTime <= 0 {
		cfg.MaxConnTime = 5 * time.Minute
	}
	cfg.MaxConnTime = max(cfg.MaxConnTime, cfg.Timeout)
	return &smtpTransport{cfg: cfg}
}

type smtpTransport struct{ cfg SMTPConfig }

func (t *smtpTransport) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithTimeout(t.cfg.Timeout),
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}
	port := t.cfg.Port
	if port == 0 {
		port = map[string]int{"": 587, "starttls": 587, "tls": 465, "none": 25}[t.cfg.TLS]
	}
	if port != 0 {
		opts = append(opts, gomail.WithPort(port))
	}
	switch t.cfg.TLS {
	case "", "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("mailer: smtp tls %q: want starttls, tls or none", t.cfg.TLS)
	}
	if t.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(t.cfg.TLSConfig))
	}
	if t.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(t.cfg.HELO))
	}
	if t.cfg.Username != "" {
		// Over TLS go-mail picks the strongest mechanism offered. With
		// tls = "none" the operator chose a plaintext link (a relay on
		// localhost), where go-mail's discovery refuses PLAIN: say PLAIN.
		auth := gomail.SMTPAuthAutoDiscover
		if t.cfg.TLS == "none" {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(t.cfg.Username), gomail.WithPassword(t.cfg.Password))
	}
	c, err := gomail.NewClient(t.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mailer: smtp client: %w", err)
	}
	return c, nil
}

// Open dials, greets, starts TLS and authenticates.
func (t *smtpTransport) Open(ctx context.Context) (Conn, error) {
	c, err := t.client()
	if err != nil {
		return nil, err
	}
	end := time.Now().Add(t.cfg.MaxConnTime)
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, newSMTPError(PhaseDial, err)
	}
	conn := &smtpConn{c: sc, timeout: t.cfg.Timeout, end: end, ok: true}
	conn.pipelining, _ = sc.Extension("PIPELINING")
	if ok, _ := sc.Extension("8BITMIME"); ok {
		conn.mailParams += " BODY=8BITMIME"
	}
	conn.utf8, _ = sc.Extension("SMTPUTF8")
	return conn, nil
}

type smtpConn struct {
	c       *smtp.Client
	timeout time.Duration
	end     time.Time // MaxConnTime after dialing
	ok      bool
	buf     []byte // the dot-stuffed body, reused across messages
	// pipelining: the relay offers PIPELINING (RFC 2920), so MAIL, RCPT
	// and DATA go out in one write and their replies are read together.
	pipelining bool
	mailParams string // " BODY=8BITMIME", as the relay offers
	// utf8: the relay offers SMTPUTF8, so addresses outside ASCII may go
	// (with the SMTPUTF8 parameter on their MAIL).
	utf8 bool
	// sent is the envelope pipelined behind the last message's dot,
	// whose replies the next Deliver reads.
	sent *Envelope
}

// Usable reports whether the connection works and has a whole Timeout
// of its life left for another message.
func (c *smtpConn) Usable() bool { return c.ok && time.Until(c.end) >= c.timeout }

func (c *smtpConn) GatesDot() bool { return true }

// Deliver runs one mail transaction. A rejected MAIL or RCPT is followed
// by RSET so the connection stays usable; any failure without a reply
// code marks the connection unusable. The body is dot-stuffed into one
// buffer and written in one piece, the final dot only after o.Gate.
func (c *smtpConn) Deliver(_ context.Context, o *Outgoing) (string, error) {
	if !c.ok {
		return "", newSMTPError(PhaseMail, errors.New("connection is closed"))
	}
	if err := c.c.UpdateDeadline(min(c.timeout, time.Until(c.end))); err != nil {
		c.ok = false
		return "", newSMTPError(PhaseMail, err)
	}
	if c.pipelining {
		return c.deliverPipelined(o)
	}
	w, err := c.start(o)
	if err != nil {
		return "", err
	}
	// The body goes out pre-stuffed in one write, bypassing the client's
	// byte-by-byte dot writer; its last CRLF goes through that writer so
	// the writer's Close ends the data with ".CRLF" and reads the reply.
	c.buf = dotStuff(c.buf[:0], o.Data)
	tw := c.c.Text.W
	body := c.buf[:max(len(c.buf)-2, 0)]
	if _, err = tw.Write(body); err == nil {
		err = tw.Flush()
	}
	if err != nil {
		c.ok = false
		return "", newSMTPError(PhaseBody, err)
	}
	if err := c.passGate(o, nil); err != nil {
		return "", err
	}
	if _, err := w.Write([]byte("\r\n")); err != nil {
		c.ok = false
		return "", newSMTPError(PhaseBody, err)
	}
	if err := w.Close(); err != nil {
		return "", c.bodyError(err)
	}
	return withReply("250", w.response()), nil
}

// deliverPipelined is Deliver on a relay that offers PIPELINING. The
// message's final dot and the next message's MAIL, RCPT and DATA share a
// write, so a message costs one round trip once the connection is busy;
// when the gate is already open the body goes in that same write.
func (c *smtpConn) deliverPipelined(o *Outgoing) (string, error) {
	if err := c.openPipelined(o); err != nil {
		return "", err
	}
	body := o.Data
	if !wireReady(body) {
		c.buf = dotStuff(c.buf[:0], body)
		body = c.buf
	}
	c.buf = c.buf[:0]
	if o.Gate != nil && (o.GateOpen == nil || !o.GateOpen()) {
		// The previous outcome is still committing: the body travels
		// meanwhile and only the dot waits.
		if err := c.send(body); err != nil {
			return "", newSMTPError(PhaseBody, err)
		}
	} else {
		c.buf = append(c.buf, body...)
	}
	// dot ends the message, with the next envelope behind it; the gate
	// may have the committer run it the moment the previous outcome is
	// durable.
	dot := func() error {
		c.buf = append(c.buf, '.', '\r', '\n')
		if o.Next != nil {
			var err error
			if c.buf, err = c.appendEnvelope(c.buf, *o.Next); err != nil {
				o.Next = nil // not sent; the next Deliver reports it
			}
		}
		if err := c.send(c.buf); err != nil {
			se := newSMTPError(PhaseBody, err)
			se.Ambiguous = true // part of the dot may have gone out
			return se
		}
		if o.Next != nil {
			c.sent = o.Next
		}
		return nil
	}
	if err := c.passGate(o, dot); err != nil {
		return "", err
	}
	if o.AfterDot != nil {
		o.AfterDot()
	}
	_, msg, err := c.c.Text.ReadResponse(250)
	if err != nil {
		return "", c.bodyError(err)
	}
	return withReply("250", msg), nil
}

// send writes b to the relay at once; a failure leaves the connection
// unusable.
func (c *smtpConn) send(b []byte) error {
	w := c.c.Text.W
	_, err := w.Write(b)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		c.ok = false
	}
	return err
}

// passGate has dot (nil: nothing) run once o.Gate lets the message go.
// When the gate fails before dot ran, the message is abandoned
// undelivered: no dot, and the connection is dropped.
func (c *smtpConn) passGate(o *Outgoing, dot func() error) error {
	if o.Gate == nil {
		if dot == nil {
			return nil
		}
		return dot()
	}
	ran := false
	var run func() error
	if dot != nil {
		run = func() error { ran = true; return dot() }
	}
	err := o.Gate(run)
	if err != nil && !ran {
		c.ok = false
		_ = c.c.Close()
		return fmt.Errorf("mailer: message %s held back: %w", o.MessageID, err)
	}
	return err
}

// bodyError classifies a failed final dot.
func (c *smtpConn) bodyError(err error) error {
	se := newSMTPError(PhaseBody, err)
	if se.Code == 0 {
		// The whole message went out but no reply came back: the
		// relay may have queued it. Retried with the same Message-ID.
		se.Ambiguous = true
		c.ok = false
	}
	if se.Code == 421 {
		c.ok = false
	}
	return se
}

func withReply(code, msg string) string {
	if msg == "" {
		return code
	}
	return code + " " + msg
}

// reject records a refused command and resets the transaction when the
// server is still talking to us.
func (c *smtpConn) reject(phase string, err error) error {
	se := newSMTPError(phase, err)
	var tp *textproto.Error
	if !errors.As(err, &tp) || tp.Code == 421 {
		c.ok = false
		return se
	}
	if rerr := c.c.Reset(); rerr != nil {
		c.ok = false
	}
	return se
}

// Close says QUIT, or just drops a broken connection or one whose relay
// waits in DATA for a pipelined message that will not come (a QUIT there
// would be read as message text).
func (c *smtpConn) Close() error {
	if c.ok && c.sent == nil {
		c.ok = false
		if err := c.c.Quit(); err == nil {
			return nil
		}
	}
	c.ok = false
	_ = c.c.Close()
	return nil
}
