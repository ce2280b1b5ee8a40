package inbound

import (
	"context"
	"io"
)

// BatchStore is a Store whose changes become durable together, at Commit
// (*store.Batch is one).
type BatchStore interface {
	Store
	Commit() error
	Rollback()
}

// With returns a copy of p that keeps its changes in s.
func (p *Processor) With(s Store) *Processor {
	q := *p
	lc := *p.Lifecycle
	lc.Store = s
	q.Store, q.Lifecycle = s, &lc
	return &q
}

// Stream reads every message of r (one message, or an mbox) and acts on
// each, batch messages to a transaction (begin opens one): an mbox of a
// thousand bounces costs one commit, not a thousand. report hears each
// batch's results once they are committed; a store failure rolls the
// open batch back (nothing of it was acted on; feed it again) and is
// returned. Messages over max bytes are kept aside unread.
func (p *Processor) Stream(ctx context.Context, r io.Reader, env Envelope, source string, max, batch int,
	begin func(context.Context) (BatchStore, error), report func([]Result)) error {
	var (
		b       BatchStore
		bp      *Processor
		results []Result
	)
	flush := func() error {
		if b == nil {
			return nil
		}
		err := b.Commit()
		b = nil
		if err != nil {
			return err
		}
		for _, res := range results {
			if p.Count != nil {
				p.Count(res.Kind, res.Outcome)
			}
		}
		report(results)
		results = results[:0]
		return nil
	}
	err := Split(r, max, func(raw []byte, size int) error {
		if b == nil {
			var err error
			if b, err = begin(ctx); err != nil {
				return err
			}
			bp = p.With(b)
			// Metrics count what is committed, in report.
			bp.Count = nil
		}
		var res Result
		var err error
		if size > len(raw) {
			res, err = bp.TooBig(ctx, raw, size, source)
		} else {
			res, err = bp.Process(ctx, raw, env, source)
		}
		if err != nil {
			return err
		}
		results = append(results, res)
		if len(results) >= batch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil && b != nil {
		b.Rollback()
	}
	return err
}
