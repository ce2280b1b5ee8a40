package inbound

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics count what comes back: every inbound message by kind and
// outcome, every refusal by what was refused, and every webhook event by
// provider and outcome.
type Metrics struct {
	messages *prometheus.CounterVec
	refused  *prometheus.CounterVec
	webhooks *prometheus.CounterVec
}

// NewMetrics registers the inbound counters on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_inbound_messages_total",
			Help: "Inbound messages (bounces, complaints, mailed unsubscribes, others) by kind and outcome.",
		}, []string{"kind", "outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_inbound_refused_total",
			Help: "Inbound mail and webhook requests refused, by reason (not our address, forged token, too big, bad signature, ...).",
		}, []string{"reason"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "folio_webhook_events_total",
			Help: "Provider webhook events by provider and outcome.",
		}, []string{"provider", "outcome"}),
	}
	for _, c := range []prometheus.Collector{m.messages, m.refused, m.webhooks} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("inbound: metrics: %w", err)
		}
	}
	return m, nil
}

// Message counts one processed message; it fits Processor.Count.
func (m *Metrics) Message(kind Kind, outcome string) {
	m.messages.WithLabelValues(string(kind), outcome).Inc()
}

// Refused counts one refusal; it fits Listener.OnRefused.
func (m *Metrics) Refused(what string, _ error) { m.refused.WithLabelValues(what).Inc() }

// Webhook counts one webhook event.
func (m *Metrics) Webhook(provider, outcome string) {
	m.webhooks.WithLabelValues(provider, outcome).Inc()
}
