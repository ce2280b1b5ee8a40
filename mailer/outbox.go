package mailer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// NewOutbox returns a Transport that writes each message as an .eml file
// into dir (created if missing), named from the issue and the member id:
// 2019-W41.42.eml. A test copy (member id 0) is named after its address.
func NewOutbox(dir string) Transport { return outbox{dir: dir} }

type outbox struct{ dir string }

func (o outbox) Open(context.Context) (Conn, error) {
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return nil, fmt.Errorf("mailer: outbox: %w", err)
	}
	return outboxConn(o), nil
}

type outboxConn outbox

func (outboxConn) Usable() bool { return true }
func (outboxConn) Close() error { return nil }

// Deliver writes the file atomically: a crash leaves either the whole
// message or none.
func (c outboxConn) Deliver(_ context.Context, o *Outgoing) (string, error) {
	name := OutboxName(o)
	path := filepath.Join(c.dir, name)
	tmp, err := os.CreateTemp(c.dir, ".tmp-*.eml")
	if err != nil {
		return "", fmt.Errorf("mailer: outbox: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone once renamed
	// The envelope sender goes with the file as Return-Path, as the
	// final delivery of the message would record it (RFC 5321 §4.4).
	if _, err := tmp.WriteString(returnPath(o.From)); err != nil {
		return "", fmt.Errorf("mailer: outbox write %s: %w", name, errors.Join(err, tmp.Close()))
	}
	if _, err := tmp.Write(o.Data); err != nil {
		return "", fmt.Errorf("mailer: outbox write %s: %w", name, errors.Join(err, tmp.Close()))
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("mailer: outbox sync %s: %w", name, errors.Join(err, tmp.Close()))
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("mailer: outbox close %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("mailer: outbox: %w", err)
	}
	return "250 written " + name, nil
}

// returnPath is the Return-Path header line of an envelope sender ("<>"
// for the null sender).
func returnPath(from string) string {
	return "Return-Path: <" + strings.Trim(oneLine(from), "<> ") + ">\r\n"
}

// OutboxName is the file name of a message in the outbox.
func OutboxName(o *Outgoing) string {
	issue := idSafe(o.IssueID)
	if o.MemberID != 0 {
		return issue + "." + strconv.FormatInt(o.MemberID, 10) + ".eml"
	}
	addr := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, o.To)
	return issue + ".test-" + addr + ".eml"
}
