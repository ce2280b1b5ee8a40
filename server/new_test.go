package server_test

import (
	"strings"
	"testing"

	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/server"
)

func TestNewRefusesUnsafeConfig(t *testing.T) {
	e := newEnv(t, "")
	deps := server.Deps{Members: e.store, Archive: e.store, Ledger: e.store, Editor: e.editor, Issues: e.issues, Directory: e.store,
		Lifecycle: &member.Lifecycle{Store: e.store}}
	noSecret := *e.links
	noSecret.Secret = nil
	cases := []struct {
		name string
		cfg  server.Config
		deps server.Deps
		want string
	}{
		{"no links", server.Config{}, deps, "secret"},
		{"no secret", server.Config{Links: &noSecret}, deps, "secret"},
		{"no members", server.Config{Links: e.links}, server.Deps{Archive: deps.Archive}, "Members"},
		{"short admin token", server.Config{Links: e.links, AdminToken: "hunter2"}, deps, "too short"},
		{"no lifecycle", server.Config{Links: e.links}, server.Deps{Members: e.store, Archive: deps.Archive, Issues: e.issues}, "Lifecycle"},
		{"API without editor", server.Config{Links: e.links, AdminToken: adminToken},
			server.Deps{Members: e.store, Archive: deps.Archive, Issues: e.issues, Lifecycle: deps.Lifecycle}, "Editor"},
		{"no issues", server.Config{Links: e.links}, server.Deps{Members: e.store, Archive: e.store, Lifecycle: deps.Lifecycle}, "Issues"},
		{"public issues without a ledger", server.Config{Links: e.links, PublicIssues: true},
			server.Deps{Members: e.store, Archive: e.store, Issues: e.issues, Lifecycle: deps.Lifecycle}, "Ledger"},
	}
	for _, tc := range cases {
		srv, err := server.New(tc.cfg, tc.deps)
		if err == nil {
			_ = srv.Close()
			t.Errorf("%s: New accepted it", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "server: ") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	var _ server.Members = e.store // the store is the Members and the Ledger
	var _ server.Ledger = e.store
}
