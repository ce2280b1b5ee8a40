// Package schedule decides when the weekly job runs. Cron (robfig/cron)
// only wakes the process; the store decides whether the due week's run has
// already happened, so a second wake-up, a second instance, a DST change or
// a restart never skips or doubles a week, and a run missed while the
// daemon was down is caught up within a bound.
package schedule
