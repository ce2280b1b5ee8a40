package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/issue"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config tunes the console.
type Config struct {
	// Magazine names the magazine in the console's pages.
	Magazine string
	// Secure marks the session cookie Secure: set it when the console is
	// reached over https (magazine.base_url is https).
	Secure bool
	// Location is the magazine's time zone: weeks and times are read in it.
	Location *time.Location
	// NextRun is when the schedule next runs the weekly job.
	NextRun func(now time.Time) time.Time
	// Throttle limits logins; zero is editor.DefaultThrottle.
	Throttle editor.Throttle
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// PlanEvery is how often scheduled sends are looked for; StatsEvery how
	// often issue figures are refreshed; StreamEvery how often the
	// progress stream writes. Defaults 15 s, 5 min, 1 s.
	PlanEvery, StatsEvery, StreamEvery time.Duration
	// OnError hears failures a user only sees as an error page, and the
	// background's (cmd logs them).
	OnError func(op string, err error)
	// Thumbnails renders PDF pages as PNG thumbnails (pdftoppm); nil shows
	// no thumbnails.
	Thumbnails Thumbnailer
}

// Console is the editors' web console; mount Handler under /admin/.
type Console struct {
	cfg   Config
	d     Deps
	pages map[string]*template.Template
	mux   *http.ServeMux
	figs  figureCache

	// Sends started from the console run under bg; Close stops them.
	bg       context.Context
	bgCancel context.CancelFunc
	wg       sync.WaitGroup
	mu       sync.Mutex
	sends    map[string]*sendJob
	thumbs   thumbCache
	bc       builtCache
	reaches  map[string]reachEntry // under figs.mu
	reachGen int                   // under figs.mu: changes of members seen
	counts   map[member.Status]int // members by status, under figs.mu
	countsAt time.Time
	hc       healthCache
}

// sendJob is a send the console started in this process.
type sendJob struct {
	Started  time.Time
	Finished time.Time
	Running  bool
	Err      error
	By       string
}

// New checks the dependencies, parses the templates and builds the routes.
func New(cfg Config, d Deps) (*Console, error) {
	if d.Accounts == nil || d.Ledger == nil || d.Directory == nil || d.Lifecycle == nil || d.Desk == nil || d.Issues == nil || d.Progress == nil {
		return nil, errors.New("console: deps need Accounts, Ledger, Directory, Lifecycle, Desk, Issues and Progress")
	}
	if cfg.Magazine == "" {
		cfg.Magazine = "Folio"
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Throttle == (editor.Throttle{}) {
		cfg.Throttle = editor.DefaultThrottle()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.PlanEvery, 15*time.Second)
	def(&cfg.StatsEvery, 5*time.Minute)
	def(&cfg.StreamEvery, time.Second)
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	c := &Console{cfg: cfg, d: d, pages: pages, sends: map[string]*sendJob{}}
	c.bg, c.bgCancel = context.WithCancel(context.Background())
	c.mux = c.routes()
	return c, nil
}

// Handler serves the console: every path under /admin/.
func (c *Console) Handler() http.Handler { return c.mux }

// Close stops the sends the console started (the ledger resumes them)
// and waits for them.
func (c *Console) Close() {
	c.mu.Lock()
	c.bgCancel()
	c.mu.Unlock()
	c.wg.Wait()
}

func (c *Console) now() time.Time { return c.cfg.Now() }

// fail reports err to OnError, unless it is only a stop: a request gone
// or the console closing.
func (c *Console) fail(op string, err error) {
	if c.cfg.OnError != nil && err != nil && !errors.Is(err, context.Canceled) {
		c.cfg.OnError(op, err)
	}
}

// Run does the console's background work until ctx is done: it starts
// scheduled sends when they are due (exactly one instance starts each)
// and keeps the dashboard's issue figures fresh.
func (c *Console) Run(ctx context.Context) error {
	plans := time.NewTicker(c.cfg.PlanEvery)
	defer plans.Stop()
	stats := time.NewTicker(c.cfg.StatsEvery)
	defer stats.Stop()
	c.refreshStats(ctx)
	c.warmReach(ctx)
	ticks := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-plans.C:
			c.startDuePlans(ctx)
			c.warmFigures(ctx)
			if ticks++; ticks%4 == 0 {
				c.warmReach(ctx)
			}
		case <-stats.C:
			c.refreshStats(ctx)
		}
	}
}

func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"pct":  func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
		"pct2": func(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) },
		"dur": func(d time.Duration) string {
			if d <= 0 {
				return "—"
			}
			d = d.Round(time.Second)
			if d >= time.Hour {
				return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
			}
			return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
		},
		"rate": func(r float64) string { return fmt.Sprintf("%.1f/s", r) },
		// sub and add take the pipeline's value last: {{.Width | sub 190}}.
		"sub":    func(d, x any) float64 { return toFloat(x) - toFloat(d) },
		"add":    func(d, x any) float64 { return toFloat(x) + toFloat(d) },
		"mul100": func(f float64) float64 { return min(100, max(0, 100*f)) },
		"progressOf": func(p weekPage) progressView {
			return progressView{Week: p.Week, Figures: p.Figures, Held: p.Held, Done: p.Figures.Total > 0 && p.Figures.Remaining() == 0 && !p.Figures.Running}
		},
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("console: templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("console: templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// weekOf reads the {week} path value; a bad one answers 404.
func (c *Console) weekOf(w http.ResponseWriter, r *http.Request) (issue.Week, bool) {
	wk, err := issue.ParseWeek(r.PathValue("week"))
	if err != nil || wk.String() != r.PathValue("week") {
		c.notFound(w, r)
		return issue.Week{}, false
	}
	return wk, true
}
