package dkimtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dnsStub answers TXT queries over UDP on 127.0.0.1:53 from the JSON
// records file in argv[1] (NXDOMAIN for other names), and touches
// argv[2] once it listens.
const dnsStub = `
import json, socket, struct, sys
records = json.load(open(sys.argv[1]))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
open(sys.argv[2], "w").close()
while True:
    q, addr = s.recvfrom(4096)
    qid, flags = struct.unpack(">HH", q[:4])
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode()); i += 1 + q[i]
    qtype, qclass = struct.unpack(">HH", q[i + 1:i + 5])
    question = q[12:i + 5]
    txt = records.get(".".join(labels).lower()) if qtype == 16 else None
    rcode = 0 if txt is not None else 3
    head = struct.pack(">HHHHHH", qid, 0x8180 | (flags & 0x0100) | rcode, 1, 1 if txt is not None else 0, 0, 0)
    answer = b""
    if txt is not None:
        raw = txt.encode()
        rdata = b"".join(bytes([len(raw[j:j + 255])]) + raw[j:j + 255] for j in range(0, len(raw), 255))
        answer = struct.pack(">HHHIH", 0xC00C, 16, 1, 60, len(rdata)) + rdata
    s.sendto(head + question + answer, addr)
`

// inNamespace is the shell run inside unshare: loopback up, a resolv.conf
// naming the stub, the stub started, then the verifier.
const inNamespace = `set -e
ip link set lo up
mount --bind "$DIR/resolv.conf" /etc/resolv.conf
` + Python + ` -c "$STUB" "$DIR/records.json" "$DIR/ready" >/dev/null 2>"$DIR/stub.log" &
stub=$!
for _ in $(seq 200); do [ -e "$DIR/ready" ] && break; sleep 0.02; done
[ -e "$DIR/ready" ] || { echo "dns stub did not start:"; cat "$DIR/stub.log"; kill $stub; exit 99; }
status=0
opendkim-testmsg < "$DIR/msg.eml" || status=$?
kill $stub
exit $status
`

// OpenDKIM verifies msg with opendkim-testmsg, the public keys coming
// from records through a stub DNS server. It returns nil when
// libopendkim accepts the message, else its complaint.
func OpenDKIM(t testing.TB, msg []byte, records map[string]string) error {
	t.Helper()
	dir := t.TempDir()
	data, err := json.Marshal(lower(records))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"records.json": data,
		"resolv.conf":  []byte("nameserver 127.0.0.1\noptions attempts:1 timeout:2\n"),
		"msg.eml":      msg,
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// --pid and --kill-child: nothing started in the namespace outlives it.
	cmd := exec.Command("unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--kill-child", "sh", "-c", inNamespace)
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(os.Environ(), "DIR="+dir, "STUB="+dnsStub, "DKIM_TMPDIR="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 99 {
		t.Fatalf("opendkim-testmsg: %s", out.String())
	}
	if err != nil {
		return fmt.Errorf("opendkim-testmsg: %w: %s", err, strings.TrimSpace(out.String()))
	}
	if strings.TrimSpace(out.String()) != "" {
		return fmt.Errorf("opendkim-testmsg: %s", strings.TrimSpace(out.String()))
	}
	return nil
}

func lower(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(strings.TrimSuffix(k, "."))] = v
	}
	return out
}
