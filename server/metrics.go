package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/foliopress/folio/internal/delivery"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/foliopress/folio/issue"
)

// Metrics are Folio's Prometheus metrics, on a registry of their own (never
// the global one, so two servers in one test process do not collide). The
// send path reports to it: pass ObserveResult as delivery.Options.OnResult
// and call SetLastRun when a weekly run completes.
type Metrics struct {
	reg        *prometheus.Registry
	deliveries *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	lastRun    prometheus.Gauge
	requests   *prometheus.CounterVec
}

// NewMetrics creates the metrics with Go and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_deliveries_total",
			Help: "Delivery attempts by the ledger state they ended in.",
		}, []string{"state"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "folio_send_duration_seconds",
			Help:    "Time to hand one message to the relay (or the outbox), by outcome.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"state"}),
		lastRun: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "folio_last_successful_run_timestamp_seconds",
			Help: "Unix time the last weekly run completed without error (0: none since start).",
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_http_requests_total",
			Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
	}
	// The outcomes of an attempt are shown from the start, at zero.
	for _, st := range []delivery.State{delivery.StateSent, delivery.StateFailedTemp, delivery.StateFailedPerm} {
		m.deliveries.WithLabelValues(string(st))
	}
	m.reg.MustRegister(m.deliveries, m.latency, m.lastRun, m.requests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveSend counts one delivery attempt that ended in state after d.
func (m *Metrics) ObserveSend(state delivery.State, d time.Duration) {
	m.deliveries.WithLabelValues(string(state)).Inc()
	m.latency.WithLabelValues(string(state)).Observe(d.Seconds())
}

// ObserveResult is ObserveSend for a delivery.Result; it fits
// delivery.Options.OnResult.
func (m *Metrics) ObserveResult(r delivery.Result) { m.ObserveSend(r.State, r.Duration) }

// SetLastRun records the time a weekly run completed successfully.
func (m *Metrics) SetLastRun(t time.Time) { m.lastRun.Set(float64(t.UnixNano()) / 1e9) }

// Registry is the metrics' registry, for further collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// instrument counts requests by the pattern that matched (set by ServeMux
// on the request), so token-bearing paths never become label values.
func (m *Metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
	})
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ledgerCollector reports the ledger rows of the newest built week by
// state, read from the store at scrape time.
type ledgerCollector struct{ s *Server }

var ledgerDesc = prometheus.NewDesc("folio_ledger_rows",
	"Ledger rows of the newest built issue, by state.", []string{"week", "state"}, nil)

func (c *ledgerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- ledgerDesc }

func (c *ledgerCollector) Collect(ch chan<- prometheus.Metric) {
	week, ok := c.s.newestWeek(context.Background())
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.s.deps.Ledger.Counts(ctx, week)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(ledgerDesc, err)
		return
	}
	for _, st := range delivery.States() {
		ch <- prometheus.MustNewConstMetric(ledgerDesc, prometheus.GaugeValue, float64(counts[st]), week, string(st))
	}
}

// newestWeek is the latest week with a built issue.
func (s *Server) newestWeek(ctx context.Context) (string, bool) {
	weeks, err := s.deps.Issues.Weeks(ctx)
	if err != nil || len(weeks) == 0 {
		return "", false
	}
	return slices.Max(weeks), true
}

// canonicalWeek reports whether name is an ISO week exactly as
// issue.Week.String writes it (the build folder's names).
func canonicalWeek(name string) bool {
	w, err := issue.ParseWeek(name)
	return err == nil && w.String() == name
}
