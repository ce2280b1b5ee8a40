package server

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/links"
	"github.com/foliopress/folio/internal/member"

	"github.com/foliopress/folio/issue"
)

// Members reads members; *store.Store implements it.
type Members interface {
	Member(ctx context.Context, id int64) (member.Member, error)
}

// Lifecycle changes members and records each change in their history
// (the unsubscribe and manage pages, the members API); *member.Lifecycle
// implements it.
type Lifecycle interface {
	Leave(ctx context.Context, ref member.Ref, reason member.Reason, c member.Change) (member.Outcome, error)
	Pause(ctx context.Context, id int64, until time.Time, c member.Change) (member.Outcome, error)
	Resume(ctx context.Context, id int64, c member.Change) (member.Outcome, error)
	SetDeliverPDF(ctx context.Context, id int64, v string, c member.Change) (member.Outcome, error)
	Upsert(ctx context.Context, m member.Member, u member.Upsert, c member.Change) (member.Outcome, error)
	Delete(ctx context.Context, email string, c member.Change) (member.Outcome, error)
}

// Archive says which issues a member may read: the weeks (as "2026-W10")
// whose audience included them, newest first. *store.Store implements it
// with one indexed query on the ledger.
type Archive interface {
	MemberIssues(ctx context.Context, memberID int64) ([]string, error)
}

// Ledger reads a week's delivery counts; *store.Store implements it.
type Ledger interface {
	Counts(ctx context.Context, issueID string) (map[delivery.State]int, error)
}

// IssueFiles reads built issues' files: artifact.Folder, or the store when
// it keeps them in the database.
type IssueFiles interface {
	// Open opens one file of week's issue ("index.html", "issue.pdf",
	// "images/x.jpg"); an error wrapping fs.ErrNotExist when there is none.
	Open(ctx context.Context, week, name string) (artifact.File, error)
	// Weeks lists the weeks with a built issue.
	Weeks(ctx context.Context) ([]string, error)
}

// Editor performs the editor API's actions; the publish job implements it.
type Editor interface {
	// SendWeek sends week's issue to its audience and returns when no
	// delivery is due; it must be safe to call again (the ledger resumes).
	SendWeek(ctx context.Context, week issue.Week) (delivery.Summary, error)
	// TestSend sends one test copy of week's issue to the address to.
	TestSend(ctx context.Context, week issue.Week, to string) error
}

// Config tunes a Server. Links is required.
type Config struct {
	// PublicIssues serves /issues/{week}/ and its PDF to anyone once the
	// week's send has started. By default issues are for members: they
	// reach them through their signed archive links only.
	PublicIssues bool
	// Links verifies the members' signed unsubscribe and archive tokens.
	Links *links.Links
	// AdminToken guards the editor API; empty disables the API (404).
	AdminToken string
	// Magazine names the magazine on the server's own pages.
	Magazine string
	// MaxBody caps request bodies in bytes; default 64 KiB.
	MaxBody int64
	// Timeouts of the http.Server; defaults 10 s, 30 s, 2 min, 2 min.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownTimeout bounds the graceful shutdown; default 20 s.
	ShutdownTimeout time.Duration
	// Now is the clock of the editor API's job records; default time.Now.
	Now func() time.Time
	// OnRefused hears every request refused for a bad member token (a
	// forged, altered or expired link): one log line and a metric each.
	OnRefused func(what string, err error)
	// OnError hears failures the client only sees as a 500 or that happen
	// in the background (a send started from the API); cmd logs them.
	OnError func(op string, err error)
	// ErrorLog is the http.Server's logger; nil discards its messages.
	ErrorLog *log.Logger
}

// Deps are the services a Server uses. Members, Lifecycle, Archive and
// Issues are required; Ledger when the editor API or PublicIssues is
// enabled, Editor and Directory with the API; a nil Metrics gets a fresh
// one.
type Deps struct {
	Members   Members
	Lifecycle Lifecycle
	// Directory lists and finds members for the members API.
	Directory Directory
	// Webhooks are mounted under /hooks/ (provider events); may be nil.
	Webhooks map[string]http.Handler
	Archive  Archive
	Issues   IssueFiles
	Ledger   Ledger
	Editor   Editor
	Metrics  *Metrics
	// Health, if set, is asked by /healthz on every request.
	Health Health
	// Console, when set, is the editors' console, served under /admin/
	// (it checks its own logins, CSRF tokens and body sizes).
	Console http.Handler
}

// Health reports whether what the server stands on still works (the
// store is still the one opened); *store.Store implements it.
type Health interface {
	Healthy(ctx context.Context) error
}

// Server is the HTTP side of folio serve.
type Server struct {
	cfg     Config
	deps    Deps
	pages   *pages
	handler http.Handler

	// Background sends started from the API run under bg; Close cancels
	// it and waits for them.
	bg       context.Context
	bgCancel context.CancelFunc
	wg       sync.WaitGroup
	closed   sync.Once
	closeErr error
	mu       sync.Mutex
	jobs     map[string]*Job
}

// New checks the configuration and builds the routes.
func New(cfg Config, deps Deps) (*Server, error) {
	if cfg.Links == nil || len(cfg.Links.Secret) == 0 {
		return nil, errors.New("server: config needs Links with a secret")
	}
	if deps.Members == nil || deps.Archive == nil || deps.Issues == nil || deps.Lifecycle == nil {
		return nil, errors.New("server: deps need Members, Lifecycle, Archive and Issues")
	}
	if cfg.PublicIssues && deps.Ledger == nil {
		return nil, errors.New("server: public issues need the Ledger (an issue is public once its send has started)")
	}
	if n := len(cfg.AdminToken); n > 0 && n < 16 {
		return nil, errors.New("server: the admin token is too short: use at least 16 random characters")
	}
	if cfg.AdminToken != "" && (deps.Ledger == nil || deps.Editor == nil || deps.Directory == nil) {
		return nil, errors.New("server: the editor API needs Ledger, Editor and Directory")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 64 << 10
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.ReadHeaderTimeout, 10*time.Second)
	def(&cfg.ReadTimeout, 30*time.Second)
	def(&cfg.WriteTimeout, 2*time.Minute)
	def(&cfg.IdleTimeout, 2*time.Minute)
	def(&cfg.ShutdownTimeout, 20*time.Second)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Magazine == "" {
		cfg.Magazine = "Folio"
	}
	if deps.Metrics == nil {
		deps.Metrics = NewMetrics()
	}
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, deps: deps, pages: pg, jobs: map[string]*Job{}}
	if deps.Ledger != nil {
		if err := deps.Metrics.reg.Register(&ledgerCollector{s: s}); err != nil {
			return nil, fmt.Errorf("server: metrics: %w", err)
		}
	}
	s.bg, s.bgCancel = context.WithCancel(context.Background())
	s.handler = s.routes()
	return s, nil
}

// Metrics returns the server's metrics, for the send path to report to.
func (s *Server) Metrics() *Metrics { return s.deps.Metrics }

// Handler returns the server's routes with its middleware.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /u/{token}", s.unsubscribePage)
	mux.HandleFunc("POST /u/{token}", s.unsubscribe)
	mux.HandleFunc("GET /m/{token}", s.managePage)
	mux.HandleFunc("POST /m/{token}/{action}", s.manage)
	for name, h := range s.deps.Webhooks {
		mux.Handle("POST /hooks/"+name, h)
	}
	mux.HandleFunc("GET /archive/{token}", s.archive)
	mux.HandleFunc("GET /archive/{token}/{week}", s.archiveIssueRedirect)
	mux.HandleFunc("GET /archive/{token}/{week}/{$}", s.archiveWeb)
	mux.HandleFunc("GET /archive/{token}/{week}/"+issue.PDFFile, s.archivePDF)
	mux.HandleFunc("GET /archive/{token}/{week}/"+issue.ImagesDir+"/{file}", s.archiveImage)
	mux.HandleFunc("GET /issues/{week}", s.issueRedirect)
	mux.HandleFunc("GET /issues/{week}/{$}", s.issueWeb)
	mux.HandleFunc("GET /issues/{week}/"+issue.PDFFile, s.issuePDF)
	mux.HandleFunc("GET /issues/{week}/"+issue.ImagesDir+"/{file}", s.issueImage)
	if s.cfg.AdminToken != "" {
		mux.Handle("POST /api/weeks/{week}/send", s.admin(s.apiSend))
		mux.Handle("POST /api/weeks/{week}/test", s.admin(s.apiTest))
		mux.Handle("GET /api/weeks/{week}", s.admin(s.apiWeek))
		s.memberRoutes(mux)
		// Other methods get a JSON 405 rather than the mux's plain one.
		mux.Handle("/api/weeks/{week}/send", methodNotAllowed("POST"))
		mux.Handle("/api/weeks/{week}/test", methodNotAllowed("POST"))
		mux.Handle("/api/weeks/{week}", methodNotAllowed("GET, HEAD"))
	}
	if s.deps.Console != nil {
		mux.Handle("/admin/", s.deps.Console)
	}
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.deps.Metrics.Handler())
	mux.HandleFunc("GET /{$}", s.home)
	return s.deps.Metrics.instrument(s.limitBody(baseHeaders(mux)))
}

// Serve serves on ln until ctx is done, then shuts down gracefully:
// requests in flight get ShutdownTimeout to finish, and sends started from
// the API are cancelled (the ledger resumes them later) and awaited.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          s.cfg.ErrorLog,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if srv.ErrorLog == nil {
		srv.ErrorLog = log.New(discard{}, "", 0)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", errors.Join(err, s.Close()))
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err = errors.Join(err, s.Close()); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}

// ListenAndServe listens on addr ("127.0.0.1:8080") and calls Serve.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("server: listen %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Close cancels the sends started from the API and waits for them. It is
// safe to call more than once.
func (s *Server) Close() error {
	s.closed.Do(func() {
		// Under mu, so no send can be added after the cancel.
		s.mu.Lock()
		s.bgCancel()
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s.closeErr
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.deps.Health != nil {
		if err := s.deps.Health.Healthy(r.Context()); err != nil {
			s.fail("healthz", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("unhealthy: store\n"))
			return
		}
	}
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) fail(op string, err error) {
	if s.cfg.OnError != nil && err != nil {
		s.cfg.OnError(op, err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
