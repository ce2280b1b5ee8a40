package smtptest

import (
	"bytes"
	"fmt"
	"net"
	"sync"
)

// listener hands the server connections that behave like a real relay's
// on the wire: a 421 reply ends the connection, the greeting can be
// replaced or stalled (StageConnect), and PIPELINING can be left out of
// the EHLO reply. go-smtp itself keeps a connection open after any reply
// and always greets with 220.
type listener struct {
	net.Listener
	s *Server
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	l.s.dials++
	n := l.s.dials
	if l.s.tlsMode != tlsImplicit {
		l.s.open++
	}
	l.s.mu.Unlock()
	if l.s.tlsMode == tlsImplicit {
		return c, nil // the bytes below TLS are not SMTP lines
	}
	return &wireConn{Conn: c, s: l.s, dial: n}, nil
}

// wireConn is one accepted plaintext connection (until STARTTLS).
type wireConn struct {
	net.Conn
	s    *Server
	dial int

	mu      sync.Mutex
	greeted bool
	closed  bool
}

// Close closes the connection once, counting it out of Server.open.
func (c *wireConn) Close() error {
	c.mu.Lock()
	first := !c.closed
	c.closed = true
	c.mu.Unlock()
	if first {
		c.s.mu.Lock()
		c.s.open--
		c.s.mu.Unlock()
	}
	return c.Conn.Close()
}

func (c *wireConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	first := !c.greeted
	c.greeted = true
	c.mu.Unlock()
	if first {
		c.s.mu.Lock()
		open := c.s.open
		c.s.mu.Unlock()
		a := c.s.decide(Call{Stage: StageConnect, Conn: c.dial, Open: open})
		c.s.stall(a)
		if a.Reply != nil {
			line := fmt.Sprintf("%d %s\r\n", a.Reply.Code, a.Reply.Message)
			if a.Reply.EnhancedCode[0] > 0 {
				e := a.Reply.EnhancedCode
				line = fmt.Sprintf("%d %d.%d.%d %s\r\n", a.Reply.Code, e[0], e[1], e[2], a.Reply.Message)
			}
			_, _ = c.Conn.Write([]byte(line))
			_ = c.Close()
			return 0, net.ErrClosed
		}
		if a.Drop {
			_ = c.Close()
			return 0, net.ErrClosed
		}
	}
	if c.s.noPipe && bytes.Equal(p, []byte("250-PIPELINING\r\n")) {
		return len(p), nil
	}
	n, err := c.Conn.Write(p)
	if err == nil && bytes.HasPrefix(p, []byte("421")) {
		// RFC 5321 §3.8: a server that answers 421 closes the channel.
		_ = c.Close()
	}
	return n, err
}
