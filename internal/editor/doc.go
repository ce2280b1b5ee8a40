// Package editor holds the editors' console's domain: editor accounts and
// their roles, password hashing, login sessions, the login throttle's
// rules and the audit log's entries. The store keeps them (the contract is
// declared by the console, where it is used); nothing here knows HTTP.
package editor
