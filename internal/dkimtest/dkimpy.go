package dkimtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Python is Debian's interpreter, which has python3-dkim (a pyenv python3
// on PATH would not).
const Python = "/usr/bin/python3"

// Verdict is one DKIM-Signature as a verifier judged it.
type Verdict struct {
	Domain   string `json:"d"`
	Selector string `json:"s"`
	Algo     string `json:"a"`
	Headers  string `json:"h"`
	OK       bool   `json:"ok"`
	Error    string `json:"error"`
}

// dkimpyScript verifies every signature of the message on stdin, keys
// from the JSON records file in argv[1], and prints one verdict per
// signature as JSON.
const dkimpyScript = `
import json, re, sys, dkim
records = json.load(open(sys.argv[1]))
def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    txt = records.get(name.rstrip("."))
    return txt.encode() if txt is not None else None
msg = sys.stdin.buffer.read()
headers, _ = dkim.rfc822_parse(msg)
sigs = [v for k, v in headers if k.lower() == b"dkim-signature"]
out = []
for i, sig in enumerate(sigs):
    tags = dkim.util.parse_tag_value(sig)
    v = {"d": tags.get(b"d", b"").decode(), "s": tags.get(b"s", b"").decode(),
         "a": tags.get(b"a", b"").decode(), "h": re.sub(r"\s+", "", tags.get(b"h", b"").decode()),
         "ok": False, "error": ""}
    try:
        v["ok"] = bool(dkim.DKIM(msg).verify(idx=i, dnsfunc=dnsfunc))
    except Exception as e:
        v["error"] = str(e)
    out.append(v)
print(json.dumps(out))
`

// Dkimpy verifies every DKIM-Signature of msg with dkimpy, the public
// keys coming from records ("selector._domainkey.domain" → TXT text).
func Dkimpy(t testing.TB, msg []byte, records map[string]string) []Verdict {
	t.Helper()
	dir := t.TempDir()
	recs := filepath.Join(dir, "records.json")
	data, err := json.Marshal(records)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(recs, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(Python, "-c", dkimpyScript, recs)
	cmd.Stdin = bytes.NewReader(msg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dkimpy: %v\n%s", err, stderr.String())
	}
	var vs []Verdict
	if err := json.Unmarshal(out, &vs); err != nil {
		t.Fatalf("dkimpy output %q: %v", out, err)
	}
	return vs
}
