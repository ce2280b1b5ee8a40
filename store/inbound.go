package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/inbound"
	"github.com/foliopress/folio/internal/member"
)

var _ inbound.Store = (*Store)(nil)

// LedgerMessage implements inbound.Store: it finds the ledger row whose
// Message-ID is messageID. Folio's Message-IDs name the member
// ("2026-W10.42.<hash>@domain"), so the lookup is one indexed read of the
// member's rows.
func (s *Store) LedgerMessage(ctx context.Context, messageID string) (string, int64, bool, error) {
	messageID = strings.Trim(strings.TrimSpace(messageID), "<>")
	local, _, ok := strings.Cut(messageID, "@")
	parts := strings.Split(local, ".")
	if !ok || len(parts) < 3 {
		return "", 0, false, nil
	}
	id, err := strconv.ParseInt(parts[len(parts)-2], 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false, nil
	}
	var issueID string
	err = s.r.QueryRowContext(ctx, `SELECT issue_id FROM deliveries WHERE member_id = $1 AND message_id = $2`, id, messageID).Scan(&issueID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, false, nil
	}
	if err != nil {
		return "", 0, false, fmt.Errorf("store: ledger message: %w", err)
	}
	return issueID, id, true, nil
}

// Keep implements inbound.Store: the message is stored once per key; a key
// acted on or kept before is member.ErrDone.
func (s *Store) Keep(ctx context.Context, k inbound.Kept) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return keep(ctx, tx, k) })
}

func keep(ctx context.Context, tx *sql.Tx, k inbound.Kept) error {
	return (&lifeTx{ctx: ctx, tx: tx}).keep(k)
}

func (t *lifeTx) keep(k inbound.Kept) error {
	seen, err := t.claimOnce(k.Key, k.At)
	if err != nil {
		return err
	}
	if seen {
		return member.ErrDone
	}
	_, err = t.exec(`INSERT INTO inbound_kept (key, at, source, kind, reason, size, raw)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, k.Key, ms(k.At), k.Source, string(k.Kind), k.Reason, k.Size, k.Raw)
	if err != nil {
		return fmt.Errorf("store: keep inbound: %w", err)
	}
	return nil
}

// KeptMessage is a kept message as the operator lists it.
type KeptMessage struct {
	ID int64
	inbound.Kept
}

// KeptMessages lists the kept messages, newest first, at most limit; with
// raw they carry the stored bytes.
func (s *Store) KeptMessages(ctx context.Context, limit int, raw bool) ([]KeptMessage, error) {
	cols := `id, key, at, source, kind, reason, size`
	if raw {
		cols += `, raw`
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+cols+` FROM inbound_kept ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: kept messages: %w", err)
	}
	defer rows.Close()
	var out []KeptMessage
	for rows.Next() {
		var k KeptMessage
		var at int64
		var kind string
		dest := []any{&k.ID, &k.Key, &at, &k.Source, &kind, &k.Reason, &k.Size}
		if raw {
			dest = append(dest, &k.Raw)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: kept messages: %w", err)
		}
		k.At, k.Kind = time.UnixMilli(at).UTC(), inbound.Kind(kind)
		out = append(out, k)
	}
	return out, rows.Err()
}
