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

// Stage is the command a Hook is asked about.
type Stage string

// The stages a Hook sees.
const (
	StageMail Stage = "MAIL"
	StageRcpt Stage = "RCPT"
	StageData Stage = "DATA" // after the message was read, before the reply
)

// Action is what the server does at a stage. The zero Action accepts.
type Action struct {
	// Reply rejects the command with this reply (e.g. Temp, Perm).
	Reply *smtp.SMTPError
	// Drop closes the connection: at StageData, after reading half of
	// the message (the message is not accepted and no reply is sent).
	Drop bool
	// DropAfterAccept (StageData only) records the message as accepted,
	// then closes the connection before replying: the ambiguous case.
	DropAfterAccept bool
	// Delay (StageRcpt only) stalls the reply: a slow or hung relay.
	Delay time.Duration
}

// Handy replies.
var (
	Temp        = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	Perm        = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	Policy      = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "relaying denied by policy"}
	MailboxFull = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "mailbox full"}
)

// Hook decides the server's answer at a stage; rcpt is empty at StageMail.
// It is called from the server's goroutines.
type Hook func(stage Stage, from, rcpt string) Action

// Message is one accepted message.
type Message struct {
	From      string
	To        []string
	Data      []byte
	MessageID string // from the header, with angle brackets
	ConnID    int    // which connection carried it (1, 2, …)
	TLS       bool   // the connection was encrypted
	At        time.Time
}

// Server is a running test SMTP server.
type Server struct {
	Addr string // "127.0.0.1:port"
	Host string
	Port int

	srv  *smtp.Server
	hook Hook
	user string
	pass string

	cmds    commandCounter
	tlsMode string
	roots   *x509.CertPool

	mu      sync.Mutex
	msgs    []Message
	conns   int
	arrived chan struct{}
}

// Option configures a Server.
type Option func(*Server)

// WithHook installs a fault-injecting hook.
func WithHook(h Hook) Option { return func(s *Server) { s.hook = h } }

// WithAuth requires AUTH PLAIN with these credentials (allowed without TLS).
func WithAuth(user, pass string) Option { return func(s *Server) { s.user, s.pass = user, pass } }

// Start runs a server on 127.0.0.1:0 until the test ends.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{arrived: make(chan struct{}, 1)}
	for _, o := range opts {
		o(s)
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 32 << 20
	s.srv.ErrorLog = quiet{} // dropped connections are the point of many tests
	s.srv.Debug = &s.cmds
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	l = s.setupTLS(tb, l)
	s.Addr = l.Addr().String()
	s.Host = "127.0.0.1"
	s.Port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = s.srv.Serve(l) }()
	tb.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// Messages returns a copy of the accepted messages in arrival order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Connections is how many connections the server has accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
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
	s.conns++
	id := s.conns
	s.mu.Unlock()
	return &session{s: s, c: c, id: id}, nil
}

func (s *Server) decide(stage Stage, from, rcpt string) Action {
	if s.hook == nil {
		return Action{}
	}
	return s.hook(stage, from, rcpt)
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
