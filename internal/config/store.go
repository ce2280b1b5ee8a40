package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// checkFileURL refuses a [store] url written in the file with a
// password in it: secrets come from the environment.
func (s Store) checkFileURL() error {
	if s.URL == "" {
		return nil
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return errors.New("[store] url is not a URL (want postgres://user@host:5432/db)")
	}
	if _, ok := u.User.Password(); ok || u.Query().Has("password") {
		return errors.New("[store] url holds a password: put it in PGPASSWORD, or the whole URL in FOLIO_STORE_URL")
	}
	return nil
}

// validate checks the store's URL, from the file or the environment.
func (s Store) validate() error {
	if s.URL == "" {
		return nil
	}
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("[store] url %q: want postgres://user@host:5432/db", Redact(s.URL))
	}
	return nil
}

// Redact hides the password of a database URL for messages and logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.Index(raw, "@"); i >= 0 {
			return "…" + raw[i:]
		}
		return "…"
	}
	if u.Query().Has("password") {
		q := u.Query()
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
