// Command folio builds a magazine's weekly issue from its reviews and
// delivers it to members: see `folio help` and the README.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // magazine time zones work on machines without /usr/share/zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	c := newCLI(os.Stdout, os.Stderr, os.Environ())
	c.boundMemory = boundMemory
	c.exe, _ = os.Executable()
	err := c.rootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		// One line on stderr: several problems (broken reviews, bad CSV
		// rows) are joined with "; " so scripts and cron mail stay tidy.
		fmt.Fprintln(os.Stderr, "folio: "+oneLine(err.Error()))
		var coded interface{ ExitCode() int }
		if errors.As(err, &coded) {
			os.Exit(coded.ExitCode())
		}
		os.Exit(1)
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ; ")), " ")
}
