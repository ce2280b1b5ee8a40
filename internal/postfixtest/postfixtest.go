// Package postfixtest runs a real Postfix for tests and benchmarks: a
// private instance (Debian's postfix) with its own configuration, queue
// and data folders in a temporary folder, listening on 127.0.0.1, with
// short queue timers and a transport map that routes each test domain to
// a port. Nothing of the system's own Postfix is used or touched. Sink
// starts Postfix's smtp-sink, optionally refusing every recipient.
//
// Postfix's master runs as root; as another user the commands go through
// `sudo -n`. A missing postfix fails the test: scripts/test.sh installs it.
package postfixtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Postfix is a running private instance.
type Postfix struct {
	// Addr is its SMTP listener, "127.0.0.1:port", open to 127.0.0.0/8.
	Addr string
	Host string
	Port int
	dir  string
}

// FreePort returns a port on 127.0.0.1 nothing listens on right now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

// privileged runs a command as root (directly, or through sudo -n).
func privileged(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command(name, args...)
	}
	return exec.Command("sudo", append([]string{"-n", name}, args...)...)
}

// Start runs a Postfix that relays for 127.0.0.0/8 and delivers each
// domain of transports (domain → "127.0.0.1:port") there by SMTP. It is
// stopped when the test ends; its log is printed if the test failed.
func Start(t testing.TB, transports map[string]string) *Postfix {
	t.Helper()
	if _, err := exec.LookPath("postfix"); err != nil {
		if _, err2 := os.Stat("/usr/sbin/postfix"); err2 != nil {
			t.Fatalf("postfixtest: postfix is not installed (apt-get install postfix): %v", err)
		}
	}
	dir, err := os.MkdirTemp("", "folio-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	// Postfix's daemons run as the postfix user: they must reach the folder.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "conf")
	for _, d := range []string{conf, filepath.Join(dir, "queue"), filepath.Join(dir, "data")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	p := &Postfix{Host: "127.0.0.1", Port: FreePort(t), dir: dir}
	p.Addr = fmt.Sprintf("%s:%d", p.Host, p.Port)
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(conf, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.cf", mainCF(dir))
	write("master.cf", fmt.Sprintf(masterCF, p.Addr))
	domains := make([]string, 0, len(transports))
	for d := range transports {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	var tm strings.Builder
	for _, d := range domains {
		host, port, err := net.SplitHostPort(transports[d])
		if err != nil {
			t.Fatalf("postfixtest: transport for %s: %v", d, err)
		}
		fmt.Fprintf(&tm, "%s smtp:[%s]:%s\n", d, host, port)
	}
	write("transport", tm.String())
	if out, err := privileged("chown", "postfix", filepath.Join(dir, "data")).CombinedOutput(); err != nil {
		t.Fatalf("postfixtest: chown: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := privileged("postfix", "-c", conf, "stop").CombinedOutput(); err != nil {
			t.Logf("postfixtest: stop: %v\n%s", err, out)
		}
		if t.Failed() {
			t.Logf("postfix log:\n%s", p.Log())
		}
		_ = privileged("rm", "-rf", dir).Run()
	})
	if out, err := privileged("postfix", "-c", conf, "start").CombinedOutput(); err != nil {
		t.Fatalf("postfixtest: start: %v\n%s\n%s", err, out, p.Log())
	}
	waitListening(t, p.Addr)
	return p
}

// Log is the instance's mail log so far.
func (p *Postfix) Log() string {
	b, _ := os.ReadFile(filepath.Join(p.dir, "maillog"))
	return string(b)
}

// mainCF is the instance's configuration: its own folders and log, no
// DNS, no local delivery, relaying for loopback only, retries within
// seconds and bounces at once.
func mainCF(dir string) string {
	return strings.NewReplacer("DIR", dir).Replace(`compatibility_level = 3.6
queue_directory = DIR/queue
data_directory = DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.postfixtest.invalid
mydomain = postfixtest.invalid
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relay_domains =
transport_maps = texthash:DIR/conf/transport
default_transport = error:no route in this test
smtp_dns_support_level = disabled
alias_maps =
alias_database =
local_recipient_maps =
maillog_file = DIR/maillog
maillog_file_prefixes = DIR
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
delay_warning_time = 0h
smtp_connect_timeout = 5s
biff = no
smtputf8_enable = no
`)
}

// masterCF runs every daemon outside a chroot; %s is the SMTP listener.
const masterCF = `%s inet n - n - - smtpd
pickup     unix  n - n 60 1 pickup
cleanup    unix  n - n -  0 cleanup
qmgr       unix  n - n 300 1 qmgr
rewrite    unix  - - n -  - trivial-rewrite
bounce     unix  - - n -  0 bounce
defer      unix  - - n -  0 bounce
trace      unix  - - n -  0 bounce
verify     unix  - - n -  1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -  - proxymap
proxywrite unix  - - n -  1 proxymap
smtp       unix  - - n -  - smtp
relay      unix  - - n -  - smtp
showq      unix  n - n -  - showq
error      unix  - - n -  - error
retry      unix  - - n -  - error
discard    unix  - - n -  - discard
anvil      unix  - - n -  1 anvil
scache     unix  - - n -  1 scache
postlog    unix-dgram n - n - 1 postlogd
`

// Sink starts Postfix's smtp-sink on a free port and returns its address.
// With reject set (e.g. "550 5.1.1 Recipient address rejected: User
// unknown"), it refuses every RCPT with that reply. It is stopped when
// the test ends.
func Sink(t testing.TB, reject string) string {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	var args []string
	if os.Geteuid() == 0 {
		args = append(args, "-u", "nobody")
	}
	if reject != "" {
		args = append(args, "-f", "RCPT", "-B", reject)
	}
	args = append(args, addr, "256")
	cmd := exec.Command("smtp-sink", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("postfixtest: smtp-sink (apt-get install postfix): %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	waitListening(t, addr)
	return addr
}

func waitListening(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("postfixtest: nothing listens on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
