package smtptest

import (
	"crypto/x509"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Stage is the step of the conversation a Script is asked about.
type Stage string

// The stages a Script sees.
const (
	// StageConnect is a new connection, before the greeting: a Reply
	// there is sent instead of the 220 greeting and ends the connection
	// (plaintext servers only).
	StageConnect Stage = "CONNECT"
	StageMail    Stage = "MAIL"
	StageRcpt    Stage = "RCPT"
	StageData    Stage = "DATA" // after the message was read, before the reply
)

// Action is what the server does at a stage. The zero Action accepts.
type Action struct {
	// Reply rejects the command with this reply (e.g. Temp, Perm). A 421
	// reply closes the connection once it is written, as real servers
	// do (plaintext servers only).
	Reply *smtp.SMTPError
	// Drop closes the connection: at StageData, after reading half of
	// the message (the message is not accepted and no reply is sent).
	Drop bool
	// DropAfterAccept (StageData only) records the message as accepted,
	// then closes the connection before replying: the ambiguous case.
	DropAfterAccept bool
	// Delay stalls the reply: a slow relay.
	Delay time.Duration
	// Hang stalls the reply until the server is closed: a hung relay.
	Hang bool
}

// Handy replies.
var (
	Temp        = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	Perm        = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	Policy      = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "relaying denied by policy"}
	MailboxFull = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "mailbox full"}
	// RelayNotPermitted is Exim's answer to every RCPT on a misconfigured
	// relay: a bare 550 without an enhanced status code.
	RelayNotPermitted = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.NoEnhancedCode, Message: "relay not permitted"}
	// TooBig is a refusal at the end of DATA that is about the message,
	// not the recipient.
	TooBig = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "message size exceeds fixed maximum message size"}
	// Closing ends the session (the connection closes after it).
	Closing = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "too many messages in this session, closing connection"}
	// Throttled is a relay asking the sender to slow down.
	Throttled = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "rate limit exceeded, slow down"}
)

// Call is one question to a Script: the stage, the envelope so far and
// where the connection stands.
type Call struct {
	Stage Stage
	From  string
	Rcpt  string // empty before RCPT
	// Conn numbers the connection (1, 2, … in order of arrival).
	Conn int
	// Accepted is how many messages this connection accepted before.
	Accepted int
	// Open is how many connections are open, this one included
	// (plaintext servers; a relay's limit on concurrent connections).
	Open int
}

// Script decides the server's answer to each call. It is called from the
// server's goroutines.
type Script func(Call) Action

// Hook is the older form of Script: stage, sender and recipient (empty at
// StageMail). It is not asked about StageConnect.
type Hook func(stage Stage, from, rcpt string) Action

// Message is one accepted message.
type Message struct {
	From      string
	To        []string
	Data      []byte
	MessageID string // from the header, with angle brackets
	ConnID    int    // which connection carried it (1, 2, …)
	TLS       bool   // the connection was encrypted
	SMTPUTF8  bool   // MAIL carried the SMTPUTF8 parameter
	At        time.Time
}

// Server is a running test SMTP server.
type Server struct {
	Addr string // "127.0.0.1:port"
	Host string
	Port int

	srv    *smtp.Server
	script Script
	user   string
	pass   string
	noPipe bool

	cmds    commandCounter
	tlsMode string
	roots   *x509.CertPool
	closed  chan struct{}

	mu      sync.Mutex
	msgs    []Message
	dials   int
	open    int // connections accepted and not yet closed
	ids     map[*smtp.Conn]int
	arrived chan struct{}
}

// Option configures a Server.
type Option func(*Server)

// WithScript installs a fault-injecting script.
func WithScript(sc Script) Option { return func(s *Server) { s.script = sc } }

// WithHook installs a fault-injecting hook (see Hook).
func WithHook(h Hook) Option {
	return WithScript(func(c Call) Action {
		if c.Stage == StageConnect {
			return Action{}
		}
		return h(c.Stage, c.From, c.Rcpt)
	})
}

// WithAuth requires AUTH PLAIN with these credentials (allowed without TLS).
func WithAuth(user, pass string) Option { return func(s *Server) { s.user, s.pass = user, pass } }

// WithSMTPUTF8 offers SMTPUTF8 (RFC 6531).
func WithSMTPUTF8() Option { return func(s *Server) { s.srv.EnableSMTPUTF8 = true } }

// WithoutPipelining leaves PIPELINING out of the EHLO reply (plaintext
// servers only), so clients send one command at a time.
func WithoutPipelining() Option { return func(s *Server) { s.noPipe = true } }

// Start runs a server on 127.0.0.1:0 until the test ends.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{arrived: make(chan struct{}, 1), closed: make(chan struct{}), ids: map[*smtp.Conn]int{}}
	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	for _, o := range opts {
		o(s)
	}
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 32 << 20
	s.srv.ErrorLog = quiet{} // dropped connections are the point of many tests
	s.srv.Debug = &s.cmds
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	var l net.Listener = &listener{Listener: tcp, s: s}
	l = s.setupTLS(tb, l)
	s.Addr = tcp.Addr().String()
	s.Host = "127.0.0.1"
	s.Port = tcp.Addr().(*net.TCPAddr).Port
	go func() { _ = s.srv.Serve(l) }()
	tb.Cleanup(func() {
		close(s.closed)
		_ = s.srv.Close()
	})
	return s
}

// Messages returns a copy of the accepted messages in arrival order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Connections is how many connections got as far as EHLO.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

// Dials is how many connections the server accepted, greeted or not.
func (s *Server) Dials() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dials
}

// Wait blocks until at least n messages were accepted or timeout passes,
// and reports whether they were.
func (s *Server) Wait(n int, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got := len(s.msgs)
		s.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-s.arrived:
		case <-deadline:
			return false
		}
	}
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	id, ok := s.ids[c]
	if !ok {
		// A connection says EHLO again after STARTTLS: same connection.
		id = len(s.ids) + 1
		s.ids[c] = id
	}
	s.mu.Unlock()
	return &session{s: s, c: c, id: id}, nil
}

func (s *Server) decide(c Call) Action {
	if s.script == nil {
		return Action{}
	}
	return s.script(c)
}

// stall waits out an Action's Delay, or until the server closes for Hang.
func (s *Server) stall(a Action) {
	if a.Hang {
		<-s.closed
		return
	}
	if a.Delay > 0 {
		select {
		case <-time.After(a.Delay):
		case <-s.closed:
		}
	}
}

// Commands returns how many times the clients sent cmd ("NOOP", "RSET",
// "MAIL", …) on all connections so far.
func (s *Server) Commands(cmd string) int { return s.cmds.count(cmd) }

// commandCounter sees the SMTP conversation (the server's Debug writer)
// and counts the command lines clients sent. The traffic of a connection
// arrives in whole reads, so a command line is never split.
type commandCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *commandCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	for _, line := range strings.Split(string(p), "\r\n") {
		verb, _, _ := strings.Cut(line, " ")
		switch up := strings.ToUpper(verb); up {
		case "EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "AUTH", "STARTTLS":
			c.n[up]++
		}
	}
	return len(p), nil
}

func (c *commandCounter) count(cmd string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[strings.ToUpper(cmd)]
}
