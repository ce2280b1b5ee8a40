package console

import (
	"bytes"
	"net/http"
	"strings"
	"time"
)

// progressView is what the progress fragment shows.
type progressView struct {
	Week    string
	Figures Figures
	Held    string
	Done    bool // nothing left to send and nothing running
	Stream  bool // rendered for the stream (no refresh link)
}

// progressData gathers the progress fragment's data.
func (c *Console) progressData(r *http.Request, week string) (progressView, error) {
	f, err := c.figures(r.Context(), week)
	if err != nil {
		return progressView{}, err
	}
	v := progressView{Week: week, Figures: f, Done: f.Total > 0 && f.Remaining() == 0 && !f.Running}
	return v, nil
}

// progressStream is the week's live progress as Server-Sent Events: every
// StreamEvery an "progress" event whose data is the progress fragment
// (sent, retrying, failed, pending, the rate and the time left), which
// htmx swaps into the page. It reads no ledger itself: the figures come
// from this instance's counters, and the ledger is read in the background
// every few seconds, however many editors watch.
func (c *Console) progressStream(w http.ResponseWriter, r *http.Request) {
	wk, ok := c.weekOf(w, r)
	if !ok {
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	t := time.NewTicker(c.cfg.StreamEvery)
	defer t.Stop()
	var buf bytes.Buffer
	for {
		v, err := c.progressData(r, wk.String())
		if err != nil {
			c.fail("progress "+wk.String(), err)
			return
		}
		v.Stream = true
		buf.Reset()
		if err := c.pages["week"].ExecuteTemplate(&buf, "progress", v); err != nil {
			c.fail("progress", err)
			return
		}
		var ev strings.Builder
		ev.WriteString("event: progress\n")
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			ev.WriteString("data: ")
			ev.WriteString(line)
			ev.WriteString("\n")
		}
		ev.WriteString("\n")
		if _, err := w.Write([]byte(ev.String())); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-c.bg.Done():
			return
		case <-t.C:
		}
	}
}
