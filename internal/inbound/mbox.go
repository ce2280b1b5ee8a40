package inbound

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"
)

// Split reads a stream that holds one message, or an mbox of many (each
// starting with a "From " line; mboxrd's ">From " quoting is undone),
// and calls fn once per message with its first max bytes and its whole
// size. A message over max is never held whole in memory: the caller
// sees size > len(raw) and keeps it aside unread.
func Split(r io.Reader, max int, fn func(raw []byte, size int) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := br.Peek(5)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("inbound: read: %w", err)
	}
	if len(first) == 0 {
		return nil
	}
	if string(first) != "From " {
		return one(br, max, fn)
	}
	return mbox(br, max, fn)
}

// one reads the whole stream as one message.
func one(r io.Reader, max int, fn func([]byte, int) error) error {
	raw, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return fmt.Errorf("inbound: read: %w", err)
	}
	size := len(raw)
	if size > max {
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			return fmt.Errorf("inbound: read: %w", err)
		}
		raw, size = raw[:max], size+int(n)
	}
	return fn(raw, size)
}

// mbox splits at "From " lines that follow a blank line (or start the
// stream).
func mbox(br *bufio.Reader, max int, fn func([]byte, int) error) error {
	var (
		msg     bytes.Buffer
		size    int
		started bool
		blank   = true // the previous line was empty
		last    int    // its length
	)
	flush := func(sep bool) error {
		if !started {
			return nil
		}
		raw := msg.Bytes()
		if sep && blank {
			// The blank line before the next "From " belongs to the mbox.
			if size == len(raw) {
				raw = raw[:len(raw)-last]
			}
			size -= last
		}
		err := fn(raw, size)
		msg.Reset()
		size = 0
		return err
	}
	for {
		line, n, err := readLine(br, max+8)
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return flush(false)
			}
			return fmt.Errorf("inbound: read: %w", err)
		}
		if blank && fromLine().Match(line) {
			if err := flush(true); err != nil {
				return err
			}
			started, blank = true, false
			continue
		}
		blank, last = len(bytes.TrimRight(line, "\r\n")) == 0, n
		if q := bytes.TrimLeft(line, ">"); len(q) < len(line) && bytes.HasPrefix(q, []byte("From ")) {
			line, n = line[1:], n-1 // mboxrd: one level of ">" quoting comes off
		}
		size += n
		if room := max - msg.Len(); room > 0 {
			msg.Write(line[:min(len(line), room)])
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return flush(false)
			}
			return fmt.Errorf("inbound: read: %w", err)
		}
	}
}

// fromLine is an mbox separator: "From sender date", the date ending in
// a year (a body line "From " would have been quoted ">From ").
var fromLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^From \S+ .*\d{4}`) })

// readLine returns the next line with its end: at most keep bytes of
// it, and its whole length n, however long it is.
func readLine(br *bufio.Reader, keep int) ([]byte, int, error) {
	line, err := br.ReadSlice('\n')
	n := len(line)
	buf := append([]byte(nil), line[:min(len(line), keep)]...)
	for errors.Is(err, bufio.ErrBufferFull) {
		line, err = br.ReadSlice('\n')
		n += len(line)
		if room := keep - len(buf); room > 0 {
			buf = append(buf, line[:min(len(line), room)]...)
		}
	}
	return buf, n, err
}
