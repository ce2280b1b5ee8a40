package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
)

// output is where a command writes for people (stdout, stderr). It keeps
// the first write error, so a command whose report could not be written
// (a full disk, a closed pipe) fails instead of claiming success.
type output struct {
	w   io.Writer
	err error
}

func (o *output) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	if err != nil {
		o.err = err
	}
	return n, err
}

// printf writes formatted text; a failure is kept for the command's end.
func (o *output) printf(format string, a ...any) { _, _ = fmt.Fprintf(o, format, a...) }

// println writes a line; a failure is kept for the command's end.
func (o *output) println(a ...any) { _, _ = fmt.Fprintln(o, a...) }

// table lines up columns (tab-separated cells) on an output.
type table struct {
	tw  *tabwriter.Writer
	out output
}

func newTable(w io.Writer) *table {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	return &table{tw: tw, out: output{w: tw}}
}

// row adds one line of cells.
func (t *table) row(format string, a ...any) { t.out.printf(format, a...) }

// flush writes the table out.
func (t *table) flush() error { return errors.Join(t.out.err, t.tw.Flush()) }
