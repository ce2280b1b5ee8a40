package config

import (
	"errors"
	"strings"
	"testing"
)

func TestStoreURL(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     []string
		wantURL string
		wantErr string
	}{
		{name: "sqlite default"},
		{name: "url in the file", file: `url = "postgres://folio@db:5432/folio"`, wantURL: "postgres://folio@db:5432/folio"},
		{name: "url from the environment, password and all", env: []string{"FOLIO_STORE_URL=postgres://folio:pw@db/folio"},
			wantURL: "postgres://folio:pw@db/folio"},
		{name: "password in the file", file: `url = "postgres://folio:pw@db/folio"`, wantErr: "PGPASSWORD"},
		{name: "password parameter in the file", file: `url = "postgres://folio@db/folio?password=pw"`, wantErr: "PGPASSWORD"},
		{name: "not postgres", file: `url = "mysql://folio@db/folio"`, wantErr: "want postgres://"},
		{name: "bad scheme from env is redacted", env: []string{"FOLIO_STORE_URL=mysql://folio:topsecret@db/folio"}, wantErr: "want postgres://"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("/srv/folio.toml", []byte(minimal+"[store]\n"+tc.file+"\n"), tc.env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "topsecret") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Store.URL != tc.wantURL || cfg.Store.Path != "/srv/folio.db" {
				t.Errorf("store = %+v, want url %q", cfg.Store, tc.wantURL)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://folio:pw@db/folio":          "postgres://folio:xxxxx@db/folio",
		"postgres://folio@db/folio?password=pw": "postgres://folio@db/folio?password=xxxxx",
		"postgres://folio@db/folio":             "postgres://folio@db/folio",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
