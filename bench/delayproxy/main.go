// Command delayproxy forwards TCP connections to a server and holds every
// chunk for half a round-trip time in each direction, so the server seems
// that far away: the store benchmark's distant relay. It prints the
// address it listens on, then serves until killed.
//
//	delayproxy -to 127.0.0.1:2525 -rtt 20ms
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	to := flag.String("to", "127.0.0.1:2525", "server to forward to")
	rtt := flag.Duration("rtt", 20*time.Millisecond, "round-trip time to add")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *listen, *to, *rtt); err != nil {
		fmt.Fprintln(os.Stderr, "delayproxy:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, listen, to string, rtt time.Duration) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	go func() {
		<-ctx.Done()
		_ = ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go proxy(ctx, c.(*net.TCPConn), to, rtt/2)
	}
}

// proxy joins c to a new connection to the server, each way delayed.
func proxy(ctx context.Context, c *net.TCPConn, to string, delay time.Duration) {
	defer c.Close()
	var d net.Dialer
	s, err := d.DialContext(ctx, "tcp", to)
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{}, 2)
	go func() { pipe(s.(*net.TCPConn), c, delay); done <- struct{}{} }()
	go func() { pipe(c, s.(*net.TCPConn), delay); done <- struct{}{} }()
	<-done
	<-done
}

// chunk is data read at one moment, due to be written at another.
type chunk struct {
	data []byte
	due  time.Time
}

// pipe copies src to dst, each chunk written delay after it was read:
// latency added, throughput kept.
func pipe(dst *net.TCPConn, src *net.TCPConn, delay time.Duration) {
	q := make(chan chunk, 4096)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, 32*1024)
			n, err := src.Read(buf)
			if n > 0 {
				q <- chunk{buf[:n], time.Now().Add(delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for ch := range q {
		time.Sleep(time.Until(ch.due))
		if _, err := dst.Write(ch.data); err != nil {
			for range q {
			}
			return
		}
	}
	if err := dst.CloseWrite(); err != nil && !errors.Is(err, net.ErrClosed) {
		_ = dst.Close()
	}
}
