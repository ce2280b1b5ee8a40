package server_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/foliopress/folio/server"
)

// The send path reports to Metrics: ObserveResult fits
// delivery.Options.OnResult, and SetLastRun marks a completed weekly run.
func ExampleMetrics() {
	m := server.NewMetrics()
	opts := delivery.Options{OnResult: m.ObserveResult} // with the rest of the sender's options
	opts.OnResult(delivery.Result{State: delivery.StateSent, Duration: 40 * time.Millisecond})
	opts.OnResult(delivery.Result{State: delivery.StateFailedTemp, Duration: 2 * time.Second})
	m.SetLastRun(time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC))

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for line := range strings.Lines(rec.Body.String()) {
		if strings.HasPrefix(line, "folio_deliveries_total{") || strings.HasPrefix(line, "folio_last_") {
			fmt.Print(line)
		}
	}
	// Output:
	// folio_deliveries_total{state="failed_perm"} 0
	// folio_deliveries_total{state="failed_temp"} 1
	// folio_deliveries_total{state="sent"} 1
	// folio_last_successful_run_timestamp_seconds 1.7730468e+09
}
