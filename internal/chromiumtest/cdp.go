package chromiumtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// Browser is headless Chromium driven over the DevTools protocol: exact
// viewports (a phone's too), the colour scheme, script evaluation in the
// page and screenshots.
type Browser struct {
	t      testing.TB
	ws     *websocket.Conn
	nextID int
}

// Start launches Chromium with a page target and connects to it; it
// fails the test, never skips, when Chromium is missing.
func Start(t testing.TB) *Browser {
	t.Helper()
	cmd, profile := Command(context.Background(), t, "--hide-scrollbars", "--remote-debugging-port=0",
		"--remote-allow-origins=*", "about:blank")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b := &Browser{t: t}
	t.Cleanup(func() {
		if b.ws != nil {
			_ = b.ws.Close()
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
	b.Call("Page.enable", nil, nil)
	return b
}

type message struct {
	ID     int             `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params any             `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// Call sends one command, waits for its answer and returns the events
// that arrived meanwhile.
func (b *Browser) Call(method string, params, result any) []string {
	b.t.Helper()
	b.nextID++
	id := b.nextID
	if err := b.ws.SetDeadline(time.Now().Add(60 * time.Second)); err != nil {
		b.t.Fatal(err)
	}
	if err := websocket.JSON.Send(b.ws, message{ID: id, Method: method, Params: params}); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	var events []string
	for {
		var m message
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

// Viewport sets the page's size (mobile below 600 px) and colour scheme.
func (b *Browser) Viewport(width, height int, dark bool) {
	b.t.Helper()
	b.Call("Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600,
	}, nil)
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	b.Call("Emulation.setEmulatedMedia", map[string]any{
		"features": []map[string]string{{"name": "prefers-color-scheme", "value": scheme}},
	}, nil)
}

// Open loads url and waits for its load event.
func (b *Browser) Open(url string) {
	b.t.Helper()
	b.Navigate(func() { b.Call("Page.navigate", map[string]any{"url": url}, nil) })
}

// Navigate runs act, which makes the page navigate (a form submitted, a
// link followed), and waits for the new page's load event.
func (b *Browser) Navigate(act func()) {
	b.t.Helper()
	b.Call("Runtime.evaluate", map[string]any{"expression": "window.__folioOld = true"}, nil)
	act()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var old bool
		b.Eval(`JSON.stringify(window.__folioOld === true || document.readyState !== "complete")`, &old)
		if !old {
			return
		}
	}
	b.t.Fatal("the page did not load within 60 s")
}

// Run evaluates a JavaScript statement for its effect.
func (b *Browser) Run(expr string) {
	b.t.Helper()
	var res struct {
		ExceptionDetails any `json:"exceptionDetails"`
	}
	b.Call("Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true}, &res)
	if res.ExceptionDetails != nil {
		b.t.Fatalf("script %q failed: %v", expr, res.ExceptionDetails)
	}
}

// Eval runs a JavaScript expression returning a JSON string and decodes
// it into out.
func (b *Browser) Eval(expr string, out any) {
	b.t.Helper()
	var res struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails any `json:"exceptionDetails"`
	}
	b.Call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &res)
	if res.ExceptionDetails != nil {
		b.t.Fatalf("script %q failed: %v", expr, res.ExceptionDetails)
	}
	if err := json.Unmarshal([]byte(res.Result.Value), out); err != nil {
		b.t.Fatalf("script result %q: %v", res.Result.Value, err)
	}
}

// Screenshot captures the page from the top, width × height CSS pixels
// (beyond the viewport when taller), as PNG.
func (b *Browser) Screenshot(width, height int) []byte {
	b.t.Helper()
	var res struct{ Data string }
	b.Call("Page.captureScreenshot", map[string]any{
		"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
	}, &res)
	png, err := base64.StdEncoding.DecodeString(res.Data)
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	return png
}

// Bind makes t the test that b's failures go to: a subtest's while it
// runs, its parent's again after.
func (b *Browser) Bind(t testing.TB) { b.t = t }
