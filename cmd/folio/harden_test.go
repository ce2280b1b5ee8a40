package main

import (
	"bufio"
	"compress/zlib"
	"database/sql"
	be "encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeBomb writes a real PNG of w×h black pixels, one bit each: a few
// tens of KB that decode to w×h bytes (Go expands them to 8-bit gray).
func writeBomb(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	chunk := func(typ string, data []byte) {
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		_ = be.Write(bw, be.BigEndian, uint32(len(data)))
		_, _ = bw.WriteString(typ)
		_, _ = bw.Write(data)
		_ = be.Write(bw, be.BigEndian, c.Sum32())
	}
	_, _ = bw.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	be.BigEndian.PutUint32(ihdr[0:], uint32(w))
	be.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 1 // 1-bit grayscale
	chunk("IHDR", ihdr)
	pr, pw := io.Pipe()
	go func() {
		zw, _ := zlib.NewWriterLevel(pw, zlib.BestCompression)
		row := make([]byte, 1+(w+7)/8)
		for range h {
			_, _ = zw.Write(row)
		}
		pw.CloseWithError(zw.Close())
	}()
	idat, err := io.ReadAll(pr)
	if err != nil {
		t.Fatal(err)
	}
	chunk("IDAT", idat)
	chunk("IEND", nil)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
}

// addBombReview adds a review of the sample week whose photo is a bomb.
func addBombReview(t *testing.T, dir string, w, h int) {
	t.Helper()
	writeBomb(t, filepath.Join(dir, "reviews", "film", "bomb.png"), w, h)
	md := "---\ntitle: A Very Large Picture\nsection: Film\npublished: 2026-03-04\nphoto:\n  file: bomb.png\n---\nIts photo is a decompression bomb.\n"
	if err := os.WriteFile(filepath.Join(dir, "reviews", "film", "bomb.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
}

// prlimitData runs the folio binary under a data-segment limit, as the
// test's memory bound: Go's allocations past it fail.
func prlimitData(t *testing.T, mb int, args ...string) *exec.Cmd {
	t.Helper()
	return exec.Command("prlimit", append([]string{"--data=" + strconv.Itoa(mb<<20), binary(t)}, args...)...)
}

// TestPhotoBombIsRefusedBeforeDecoding: a 20000×20000 PNG of some 50 KB
// (400 MB once decoded) in a child process bounded to 300 MB. Before the
// fix the typesetter decoded it and the process died ("fatal error:
// runtime: cannot allocate memory"); now the header check refuses it,
// naming the file, line and field, and the process exits cleanly.
func TestPhotoBombIsRefusedBeforeDecoding(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	dir := sample(t)
	addBombReview(t, dir, 20000, 20000)
	cmd := prlimitData(t, 300, "build", "--week", sampleWeek, "--config", filepath.Join(dir, "folio.toml"))
	cmd.Env = append(os.Environ(), "FOLIO_SECRET=")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("build of a bomb: %v, want exit status 1\n%s", err, out)
	}
	for _, want := range []string{"folio: ", "bomb.md:6: photo.file:", "20000×20000 pixels is 400 megapixels", "at most 40 megapixels"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "fatal error") || strings.Contains(string(out), "goroutine ") {
		t.Errorf("the build crashed:\n%s", out)
	}
}

// TestServeSurvivesABuildThatRunsOutOfMemory: serve runs its builds as
// child processes under [build] memory_limit_mb. With the pixel limit
// raised so a 900-megapixel bomb passes the header check, the child dies
// of its bound; serve, itself bounded to 512 MB here, reports the failed
// build through the editor API and keeps serving. Before the fix the
// build ran inside serve and took it down.
func TestServeSurvivesABuildThatRunsOutOfMemory(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	addBombReview(t, dir, 30000, 30000)
	env := append(os.Environ(), "FOLIO_SECRET=", "FOLIO_ADMIN_TOKEN=editor-token-0123456789",
		"FOLIO_SERVER_LISTEN=127.0.0.1:0", "FOLIO_CONTENT_MAX_PHOTO_MEGAPIXELS=1000", "FOLIO_BUILD_MEMORY_LIMIT_MB=256")
	imp := exec.Command(binary(t), "members", "import", filepath.Join(dir, "members.csv"), "--config", cfg)
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	serve := prlimitData(t, 512, "serve", "--config", cfg)
	serve.Env = env
	var logs syncBuffer
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	t.Cleanup(func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			t.Logf("serve stopped: %v", err)
		case <-time.After(20 * time.Second):
			_ = serve.Process.Kill()
		}
	})
	re := regexp.MustCompile(`http=(127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			base = "http://" + m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s", logs.String())
	}
	api := func(method, path string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, nil)
		req.Header.Set("Authorization", "Bearer editor-token-0123456789")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, logs.String())
		}
		defer res.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v
	}
	if code, v := api("POST", "/api/weeks/"+sampleWeek+"/send"); code != http.StatusAccepted {
		t.Fatalf("send: %d %v", code, v)
	}
	var job map[string]any
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		_, v := api("GET", "/api/weeks/"+sampleWeek)
		if j, ok := v["job"].(map[string]any); ok && j["running"] == false {
			job = j
			break
		}
	}
	if job == nil {
		t.Fatalf("the send did not finish:\n%s", logs.String())
	}
	errText, _ := job["error"].(string)
	if !strings.Contains(errText, "ran out of memory under its limit of 256 MiB") || !strings.Contains(errText, "serve is unaffected") {
		t.Errorf("job error %q does not say the build ran out of memory", errText)
	}
	select {
	case err := <-exited:
		t.Fatalf("serve died: %v\n%s", err, logs.String())
	default:
	}
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz after the failed build: %v %v", res, err)
	}
	_ = res.Body.Close()
}

// TestBuildOfASentWeekNeedsForce: once a week's send has begun, build
// refuses to replace the issue members already have, says how many have
// it, and with --force rebuilds and says so again.
func TestBuildOfASentWeekNeedsForce(t *testing.T) {
	t.Parallel() // its own folder, store, relay and processes
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	for _, args := range [][]string{{"members", "import", filepath.Join(dir, "members.csv")}, {"run", "--week", sampleWeek}} {
		if out, errOut, err := folio(t, nil, append(args, "--config", cfg)...); err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
		}
	}
	pdfPath := filepath.Join(dir, "issues", sampleWeek, "issue.pdf")
	before, err := os.ReadFile(pdfPath)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = folio(t, nil, "build", "--week", sampleWeek, "--config", cfg)
	if err == nil || !strings.Contains(err.Error(), "6 of its 6 members already have the issue") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("build of a sent week: %v", err)
	}
	if after, _ := os.ReadFile(pdfPath); string(after) != string(before) {
		t.Error("the refused build replaced the issue")
	}
	out, _, err := folio(t, nil, "build", "--week", sampleWeek, "--force", "--config", cfg)
	if err != nil || !strings.Contains(out, "rebuilt with --force: 6 members already have the old version") {
		t.Fatalf("build --force: %v\n%s", err, out)
	}
}

// TestKilledBuildLeavesNothingBehind kills a real build while its draft
// folder exists; the next build removes the draft and publishes whole.
func TestKilledBuildLeavesNothingBehind(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	out := filepath.Join(dir, "issues")
	drafts := func() []string {
		m, _ := filepath.Glob(filepath.Join(out, ".*.tmp-*"))
		return m
	}
	var left []string
	for try := 0; try < 20 && len(left) == 0; try++ {
		cmd := exec.Command(binary(t), "build", "--week", sampleWeek, "--config", cfg)
		cmd.Env = append(os.Environ(), "FOLIO_SECRET=")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if left = drafts(); len(left) > 0 {
				break
			}
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		left = drafts()
	}
	if len(left) == 0 {
		t.Fatal("never caught a build with its draft folder")
	}
	if _, _, err := folio(t, nil, "build", "--week", sampleWeek, "--config", cfg); err != nil {
		t.Fatal(err)
	}
	if d := drafts(); len(d) > 0 {
		t.Errorf("drafts of the killed build are still there: %v", d)
	}
	if _, err := os.Stat(filepath.Join(out, sampleWeek, "issue.pdf")); err != nil {
		t.Error(err)
	}
}

// TestSummaryAfterAnEarlyFailureCountsTheLedger: a send that fails before
// any message (the ledger cannot take the new member's row: a trigger
// stands in for a full disk) still reports the ledger as it is — six
// sent — where it used to print a ledger of zeros.
func TestSummaryAfterAnEarlyFailureCountsTheLedger(t *testing.T) {
	dir := sample(t)
	cfg := filepath.Join(dir, "folio.toml")
	for _, args := range [][]string{{"members", "import", filepath.Join(dir, "members.csv")}, {"run", "--week", sampleWeek}} {
		if out, errOut, err := folio(t, nil, append(args, "--config", cfg)...); err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
		}
	}
	late := filepath.Join(dir, "late.csv")
	if err := os.WriteFile(late, []byte("email,name,tier,status\nlate@example.org,Late Reader,digital,active\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := folio(t, nil, "members", "import", late, "--config", cfg); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "folio.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`CREATE TRIGGER full_disk BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'database or disk is full (injected)'); END`)
	_ = db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := folio(t, nil, "send", "--week", sampleWeek, "--config", cfg)
	if err == nil || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("send with a full ledger: %v", err)
	}
	if !strings.Contains(out, "0 sent, 0 retrying, 0 failed, 0 skipped (ledger: 6 sent, 0 remaining, 0 failed)") {
		t.Errorf("summary does not count the ledger: %q", out)
	}
}
