package config

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// validatePace checks [delivery] domain_rates and the warm-up keys.
func (d *Delivery) validatePace() error {
	for domain, r := range d.DomainRates {
		if !validDomain(domain) || strings.ContainsAny(domain, "@ ") {
			return fmt.Errorf("[delivery.domain_rates] %q: want a recipient domain such as gmail.com", domain)
		}
		if r <= 0 {
			return fmt.Errorf("[delivery.domain_rates] %q = %g: want messages a second above 0", domain, r)
		}
	}
	set := d.WarmupStart != "" || d.WarmupFirst != 0 || d.WarmupLast != 0 || d.WarmupDays != 0
	if !set {
		return nil
	}
	if d.WarmupStart == "" || d.WarmupFirst < 1 || d.WarmupLast < d.WarmupFirst || d.WarmupDays < 1 {
		return errors.New("[delivery] warmup_start, warmup_first, warmup_last and warmup_days go together: " +
			"a start date, a first day's cap of at least 1, a last day's cap no smaller, and at least 1 day")
	}
	if _, err := time.Parse(time.DateOnly, d.WarmupStart); err != nil {
		return fmt.Errorf("[delivery] warmup_start %q: want a date such as 2026-03-02", d.WarmupStart)
	}
	return nil
}

// WarmupStartDate is warmup_start as a date (zero when unset).
func (d Delivery) WarmupStartDate() time.Time {
	t, _ := time.Parse(time.DateOnly, d.WarmupStart)
	return t
}
