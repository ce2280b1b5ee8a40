package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/foliopress/folio/internal/editor"
)

// AddEditor adds an editor account; an address already used is
// editor.ErrExists.
func (s *Store) AddEditor(ctx context.Context, e editor.Editor) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM editors WHERE email_key = $1`, emailKey(e.Email)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: %s", editor.ErrExists, e.Email)
		}
		return tx.QueryRowContext(ctx, `INSERT INTO editors (email, email_key, role, password, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			e.Email, emailKey(e.Email), string(e.Role), e.Password, ms(e.Created)).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: add editor: %w", err)
	}
	return id, nil
}

const editorCols = `id, email, role, password, created_at`

func scanEditor(row scanner) (editor.Editor, error) {
	var e editor.Editor
	var role string
	var at int64
	err := row.Scan(&e.ID, &e.Email, &role, &e.Password, &at)
	e.Role, e.Created = editor.Role(role), fromMS(at)
	return e, err
}

// EditorByEmail returns the editor with the address (ignoring case), or
// editor.ErrNoEditor.
func (s *Store) EditorByEmail(ctx context.Context, email string) (editor.Editor, error) {
	e, err := scanEditor(s.r.QueryRowContext(ctx, `SELECT `+editorCols+` FROM editors WHERE email_key = $1`, emailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("%w: %s", editor.ErrNoEditor, email)
	}
	if err != nil {
		return e, fmt.Errorf("store: editor %s: %w", email, err)
	}
	return e, nil
}

// Editors lists the accounts by address.
func (s *Store) Editors(ctx context.Context) ([]editor.Editor, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+editorCols+` FROM editors ORDER BY email_key`)
	if err != nil {
		return nil, fmt.Errorf("store: editors: %w", err)
	}
	defer rows.Close()
	var out []editor.Editor
	for rows.Next() {
		e, err := scanEditor(rows)
		if err != nil {
			return nil, fmt.Errorf("store: editors: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// RemoveEditor deletes an account and, with it, its sessions.
func (s *Store) RemoveEditor(ctx context.Context, email string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM editor_sessions WHERE editor_id IN (SELECT id FROM editors WHERE email_key = $1)`, emailKey(email)); err != nil {
			return fmt.Errorf("store: remove editor: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM editors WHERE email_key = $1`, emailKey(email))
		if err != nil {
			return fmt.Errorf("store: remove editor: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %s", editor.ErrNoEditor, email)
		}
		return nil
	})
}

// CreateSession stores a new session (and drops expired ones).
func (s *Store) CreateSession(ctx context.Context, se editor.Session) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM editor_sessions WHERE expires_at < $1`, ms(se.Created)); err != nil {
			return fmt.Errorf("store: sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO editor_sessions (id, editor_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			se.ID, se.Editor.ID, se.CSRF, ms(se.Created), ms(se.Expires)); err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		return nil
	})
}

// Session returns the live session with id at now, with its editor;
// editor.ErrNoEditor when there is none (logged out, expired, removed).
func (s *Store) Session(ctx context.Context, id string, now time.Time) (editor.Session, error) {
	var se editor.Session
	var created, expires int64
	var role string
	var eat int64
	err := s.r.QueryRowContext(ctx, `SELECT s.id, s.csrf, s.created_at, s.expires_at, e.id, e.email, e.role, e.password, e.created_at
		FROM editor_sessions s JOIN editors e ON e.id = s.editor_id WHERE s.id = $1 AND s.expires_at > $2`, id, ms(now)).
		Scan(&se.ID, &se.CSRF, &created, &expires, &se.Editor.ID, &se.Editor.Email, &role, &se.Editor.Password, &eat)
	if errors.Is(err, sql.ErrNoRows) {
		return se, editor.ErrNoEditor
	}
	if err != nil {
		return se, fmt.Errorf("store: session: %w", err)
	}
	se.Created, se.Expires = fromMS(created), fromMS(expires)
	se.Editor.Role, se.Editor.Created = editor.Role(role), fromMS(eat)
	return se, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM editor_sessions WHERE id = $1`, id); err != nil {
			return fmt.Errorf("store: delete session: %w", err)
		}
		return nil
	})
}

// LoginAttempts returns what the throttle remembers of key.
func (s *Store) LoginAttempts(ctx context.Context, key string) (editor.Attempts, error) {
	var a editor.Attempts
	var start, until int64
	err := s.r.QueryRowContext(ctx, `SELECT failures, window_start, locked_until FROM login_throttle WHERE key = $1`, key).Scan(&a.Failures, &start, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return editor.Attempts{}, nil
	}
	if err != nil {
		return a, fmt.Errorf("store: login throttle: %w", err)
	}
	a.WindowStart, a.LockedUntil = fromMS(start), fromMS(until)
	return a, nil
}

// SetLoginAttempts records key's failed logins; zero Attempts forgets it.
func (s *Store) SetLoginAttempts(ctx context.Context, key string, a editor.Attempts) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if a.Failures == 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, key)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($1, $2, $3, $4)
				ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, locked_until = excluded.locked_until`,
				key, a.Failures, ms(a.WindowStart), ms(a.LockedUntil))
		}
		if err != nil {
			return fmt.Errorf("store: login throttle: %w", err)
		}
		return nil
	})
}

// Audit appends an entry to the audit log.
func (s *Store) Audit(ctx context.Context, e editor.Entry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, editor, action, target, detail) VALUES ($1, $2, $3, $4, $5)`,
			ms(e.At), e.Editor, e.Action, e.Target, e.Detail); err != nil {
			return fmt.Errorf("store: audit: %w", err)
		}
		return nil
	})
}

// AuditLog returns the latest entries, newest first, at most limit.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]editor.Entry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, editor, action, target, detail FROM audit_log ORDER BY at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []editor.Entry
	for rows.Next() {
		var e editor.Entry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Editor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
