// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp)
// on 127.0.0.1 for tests: it records every accepted message with its
// envelope and can answer chosen commands with 4xx/5xx replies or drop
// the connection in the middle of DATA, end the session with 421, stall
// or hang; replies are chosen per stage and per connection by a Script.
package smtptest
