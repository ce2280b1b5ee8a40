package server_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foliopress/folio/internal/delivery"
)

// metric reads one sample's value from the exposition text; the labels
// are written as Prometheus sorts them.
func metric(t *testing.T, text, name, labels string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name+labels) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no sample %s%s in /metrics", name, labels)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, "")
	e.buildIssue("2026-W10", []testReview{{Section: "Film", Title: "Lanterns at Low Tide", Photo: true}})
	e.sendWeek("2026-W10")
	e.metrics.ObserveSend(delivery.StateFailedTemp, 1500*time.Millisecond)
	last := time.Date(2026, 3, 9, 9, 30, 0, 0, time.UTC)
	e.metrics.SetLastRun(last)
	archive := e.path(e.links.Archive(e.members["ada@example.org"]))
	e.do("GET", archive, nil, nil)
	e.do("GET", "/healthz", nil, nil)
	e.do("GET", "/issues/2026-W10/images/W10-review-0.jpg", nil, nil)

	res, text := e.do("GET", "/metrics", nil, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d", res.StatusCode)
	}
	checks := []struct {
		name, labels string
		want         float64
	}{
		{"folio_deliveries_total", `{state="sent"}`, 2},
		{"folio_deliveries_total", `{state="failed_perm"}`, 0},
		{"folio_deliveries_total", `{state="failed_temp"}`, 1},
		{"folio_send_duration_seconds_count", `{state="sent"}`, 2},
		{"folio_send_duration_seconds_bucket", `{state="failed_temp",le="1"}`, 0},
		{"folio_send_duration_seconds_bucket", `{state="failed_temp",le="2.5"}`, 1},
		{"folio_last_successful_run_timestamp_seconds", "", float64(last.Unix())},
		{"folio_ledger_rows", `{state="sent",week="2026-W10"}`, 2},
		{"folio_ledger_rows", `{state="pending",week="2026-W10"}`, 0},
		{"folio_http_requests_total", `{code="200",route="GET /archive/{token}"}`, 1},
		{"folio_http_requests_total", `{code="200",route="GET /healthz"}`, 1},
		{"folio_http_requests_total", `{code="200",route="GET /issues/{week}/images/{file}"}`, 1},
	}
	for _, c := range checks {
		if got := metric(t, text, c.name, c.labels); got != c.want {
			t.Errorf("%s%s = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// Tokens never become label values.
	if tok := archive[strings.LastIndexByte(archive, '/')+1:]; strings.Contains(text, tok) {
		t.Error("/metrics shows a member's token")
	}
	if !strings.Contains(text, "go_goroutines") || !strings.Contains(text, "process_") {
		t.Error("/metrics lacks the Go and process collectors")
	}
}
