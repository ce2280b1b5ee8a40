// Package dkimtest checks DKIM signatures the way receivers do, with
// independent verifiers and a stub for DNS: Debian's dkimpy (python3-dkim,
// its dnsfunc hook) and OpenDKIM's opendkim-testmsg (libopendkim asks the
// system resolver, so it runs in a private user, mount and network
// namespace whose /etc/resolv.conf points at a stub DNS server on
// 127.0.0.1). The records are the TXT records a magazine would publish.
package dkimtest
