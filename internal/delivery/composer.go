package delivery

import (
	"context"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/mailer"
)

// Composer personalises the issue for one member.
type Composer interface {
	Compose(ctx context.Context, m member.Member) (*mailer.Content, error)
}

// ComposerFunc adapts a function to Composer.
type ComposerFunc func(ctx context.Context, m member.Member) (*mailer.Content, error)

// Compose calls f.
func (f ComposerFunc) Compose(ctx context.Context, m member.Member) (*mailer.Content, error) {
	return f(ctx, m)
}
