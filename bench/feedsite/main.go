// Command feedsite serves internal/sitetest's magazine site on loopback
// until it is stopped: WordPress RSS at /feed/, Atom at /atom.xml, JSON
// Feed at /feed.json, the WordPress REST API and the photos, plus, with
// -big N, a WordPress feed of N items and -photos M photos at /big/ for
// week -week. It prints the site's address, then serves. bench/feeds.sh
// and the README's walk-through use it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/foliopress/folio/internal/sitetest"
	"github.com/foliopress/folio/issue"
)

func main() {
	big := flag.Int("big", 200, "items of the /big/ feed")
	photos := flag.Int("photos", 50, "photos of the /big/ feed")
	weekFlag := flag.String("week", "2026-W10", "the week of the /big/ feed")
	tz := flag.String("tz", "America/New_York", "the magazine's time zone")
	flag.Parse()
	if err := run(*big, *photos, *weekFlag, *tz); err != nil {
		fmt.Fprintln(os.Stderr, "feedsite:", err)
		os.Exit(1)
	}
}

func run(big, photos int, weekFlag, tz string) error {
	week, err := issue.ParseWeek(weekFlag)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return err
	}
	site, err := sitetest.Start()
	if err != nil {
		return err
	}
	defer site.Close()
	site.AddBigFeed("/big/", big, photos, week.Start(loc), week.End(loc))
	fmt.Println(site.URL)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}
