package newsletter

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/websocket"

	"github.com/foliopress/folio/internal/chromiumtest"
)

// browser is headless Chromium driven over the DevTools protocol, which
// lets a test set an exact phone viewport (the --window-size flag cannot
// go below 500 px) and the dark colour scheme.
type browser struct {
	t      testing.TB
	cmd    *exec.Cmd
	ws     *websocket.Conn
	nextID int
}

// startBrowser launches Chromium; it fails the test, never skips, when
// Chromium is missing.
func startBrowser(t testing.TB) *browser {
	t.Helper()
	cmd, profile := chromiumtest.Command(context.Background(), t, "--hide-scrollbars", "--remote-debugging-port=0",
		"--remote-allow-origins=*", "about:blank")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b := &browser{t: t, cmd: cmd}
	t.Cleanup(func() { // before chromiumtest's: the socket first, then the browser
		if b.ws != nil {
			_ = b.ws.Close() // the browser is going away either way
		}
	})
	port := ""
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if data, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil {
			if lines := strings.Split(string(data), "\n"); len(lines) >= 2 && lines[0] != "" {
				port = lines[0]
				break
			}
		}
	}
	if port == "" {
		t.Fatal("Chromium did not open its DevTools port within 20 s")
	}
	var targets []struct{ Type, WebSocketDebuggerURL string }
	resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
	if err != nil {
		t.Fatalf("DevTools target list: %v", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&targets); err != nil {
		t.Fatalf("DevTools target list: %v", err)
	}
	for _, tg := range targets {
		if tg.Type == "page" {
			if b.ws, err = websocket.Dial(tg.WebSocketDebuggerURL, "", "http://127.0.0.1/"); err != nil {
				t.Fatalf("DevTools connection: %v", err)
			}
			break
		}
	}
	if b.ws == nil {
		t.Fatal("Chromium has no page target")
	}
	b.call("Page.enable", nil, nil)
	return b
}

type cdpMessage struct {
	ID     int             `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params any             `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// call sends one command and waits for its answer, noting events on the way.
func (b *browser) call(method string, params, result any) []string {
	b.t.Helper()
	b.nextID++
	id := b.nextID
	if err := b.ws.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		b.t.Fatal(err)
	}
	if err := websocket.JSON.Send(b.ws, cdpMessage{ID: id, Method: method, Params: params}); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	var events []string
	for {
		var m cdpMessage
		if err := websocket.JSON.Receive(b.ws, &m); err != nil {
			b.t.Fatalf("%s: %v", method, err)
		}
		if m.ID != id {
			if m.Method != "" {
				events = append(events, m.Method)
			}
			continue
		}
		if m.Error != nil {
			b.t.Fatalf("%s: %s", method, m.Error.Message)
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				b.t.Fatalf("%s: %v", method, err)
			}
		}
		return events
	}
}

// waitEvent reads messages until the named event arrives.
func (b *browser) waitEvent(name string) {
	b.t.Helper()
	for {
		var m cdpMessage
		if err := websocket.JSON.Receive(b.ws, &m); err != nil {
			b.t.Fatalf("waiting for %s: %v", name, err)
		}
		if m.Method == name {
			return
		}
	}
}

// open loads url in a viewport of the given width, light or dark.
func (b *browser) open(url string, width int, dark bool) {
	b.t.Helper()
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600,
	}, nil)
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	b.call("Emulation.setEmulatedMedia", map[string]any{
		"features": []map[string]string{{"name": "prefers-color-scheme", "value": scheme}},
	}, nil)
	events := b.call("Page.navigate", map[string]any{"url": url}, nil)
	for _, e := range events {
		if e == "Page.loadEventFired" {
			return
		}
	}
	b.waitEvent("Page.loadEventFired")
}

// eval runs a JavaScript expression that returns a JSON string and
// decodes it into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	var res struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails any `json:"exceptionDetails"`
	}
	b.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &res)
	if res.ExceptionDetails != nil {
		b.t.Fatalf("script failed: %v", res.ExceptionDetails)
	}
	if err := json.Unmarshal([]byte(res.Result.Value), out); err != nil {
		b.t.Fatalf("script result %q: %v", res.Result.Value, err)
	}
}

// screenshot captures the whole page (up to maxHeight CSS px) as PNG.
func (b *browser) screenshot(width, height int) []byte {
	b.t.Helper()
	var res struct{ Data string }
	b.call("Page.captureScreenshot", map[string]any{
		"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
	}, &res)
	png, err := base64.StdEncoding.DecodeString(res.Data)
	if err != nil {
		b.t.Fatal(fmt.Errorf("screenshot: %w", err))
	}
	return png
}
