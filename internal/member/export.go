package member

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"time"
)

// ExportHeader is the header of an export: Folio's own import format
// (email, name, tier, status, deliver_pdf) followed by the pause and the
// suppression, so an export imports back as it was.
var ExportHeader = []string{"email", "name", "tier", "status", "deliver_pdf", "paused_until",
	"suppression", "suppression_detail", "suppression_source", "suppressed_at"}

// WriteExport writes records as CSV under ExportHeader and returns how
// many rows it wrote. A suppressed address that belongs to no member is
// written with the status its reason implies (paused for the operator's
// own suppression), so it is kept out after a re-import too.
func WriteExport(w io.Writer, recs iter.Seq2[Record, error]) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportHeader); err != nil {
		return 0, fmt.Errorf("member: export: %w", err)
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	n := 0
	for r, err := range recs {
		if err != nil {
			return n, err
		}
		m, s := r.Member, r.Suppression
		status := m.Status
		if m.ID == 0 && status == "" {
			if status = s.Reason.Status(); status == "" {
				status = StatusPaused
			}
		}
		if err := cw.Write([]string{m.Email, m.Name, m.Tier, string(status), m.DeliverPDF, stamp(m.PausedUntil),
			string(s.Reason), s.Detail, s.Source, stamp(s.At)}); err != nil {
			return n, fmt.Errorf("member: export: %w", err)
		}
		n++
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("member: export: %w", err)
	}
	return n, nil
}
