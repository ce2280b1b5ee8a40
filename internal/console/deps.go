package console

import (
	"context"
	"iter"
	"time"

	"github.com/foliopress/folio/internal/artifact"
	"github.com/foliopress/folio/internal/delivery"
	"github.com/foliopress/folio/internal/editor"
	"github.com/foliopress/folio/internal/member"
	"github.com/foliopress/folio/internal/publish"
	"github.com/foliopress/folio/issue"
	"github.com/foliopress/folio/issue/newsletter"
	"github.com/foliopress/folio/store"
)

// Accounts keeps editors, their sessions, the login throttle and the
// audit log.
type Accounts interface {
	EditorByEmail(ctx context.Context, email string) (editor.Editor, error)
	CreateSession(ctx context.Context, s editor.Session) error
	Session(ctx context.Context, id string, now time.Time) (editor.Session, error)
	DeleteSession(ctx context.Context, id string) error
	LoginAttempts(ctx context.Context, key string) (editor.Attempts, error)
	SetLoginAttempts(ctx context.Context, key string, a editor.Attempts) error
	Audit(ctx context.Context, e editor.Entry) error
	AuditLog(ctx context.Context, limit int) ([]editor.Entry, error)
}

// Ledger reads the weeks' deliveries and runs, and keeps the console's
// plans, pauses and figures.
type Ledger interface {
	Counts(ctx context.Context, issueID string) (map[delivery.State]int, error)
	FirstFailures(ctx context.Context, issueID string, limit int) ([]delivery.Failure, error)
	LastRuns(ctx context.Context, limit int) ([]store.Run, error)
	ScheduleSend(ctx context.Context, p editor.Plan) error
	CancelSend(ctx context.Context, week string) error
	Plan(ctx context.Context, week string) (editor.Plan, bool, error)
	Plans(ctx context.Context) ([]editor.Plan, error)
	StartDuePlan(ctx context.Context, week string, now time.Time) (bool, error)
	Hold(ctx context.Context, week, by string, at time.Time) error
	Unhold(ctx context.Context, week string) error
	Holds(ctx context.Context) (map[string]string, error)
	RetryFailed(ctx context.Context, week string, now time.Time) (int, error)
	AllIssueStats(ctx context.Context, limit int) ([]store.IssueStats, error)
	IssueStatsOf(ctx context.Context, week string) (store.IssueStats, bool, error)
	RunState(ctx context.Context, week string) (started, finished bool, err error)
	RefreshIssueStats(ctx context.Context, week string, now time.Time) (store.IssueStats, error)
	StaleIssueStats(ctx context.Context, older, recent time.Time) ([]string, error)
}

// Directory reads members.
type Directory interface {
	SearchMembers(ctx context.Context, q string, limit int) ([]member.Member, error)
	Member(ctx context.Context, id int64) (member.Member, error)
	MemberDeliveries(ctx context.Context, memberID int64, limit int) ([]delivery.Delivery, error)
	History(ctx context.Context, memberID int64) ([]member.Event, error)
	CountMembers(ctx context.Context) (map[member.Status]int, error)
	SuppressionOf(ctx context.Context, email string) (member.Suppression, bool, error)
	MemberByEmail(ctx context.Context, email string) (member.Member, error)
	Export(ctx context.Context) iter.Seq2[member.Record, error]
	ImportMembers(ctx context.Context, rows iter.Seq2[member.ImportRow, error], o member.ImportOptions) (member.ImportReport, error)
}

// Lifecycle changes members, each change recorded in their history;
// *member.Lifecycle implements it.
type Lifecycle interface {
	Leave(ctx context.Context, ref member.Ref, reason member.Reason, c member.Change) (member.Outcome, error)
	Pause(ctx context.Context, id int64, until time.Time, c member.Change) (member.Outcome, error)
	Resume(ctx context.Context, id int64, c member.Change) (member.Outcome, error)
	Suppress(ctx context.Context, email, note string, c member.Change) (member.Outcome, error)
	Unsuppress(ctx context.Context, email, consent string, c member.Change) (member.Outcome, error)
}

// Desk is the publish side; *publish.Desk implements it.
type Desk interface {
	Collect(ctx context.Context, week issue.Week) (*issue.Collection, error)
	Build(ctx context.Context, week issue.Week) (*publish.Built, error)
	Built(ctx context.Context, week issue.Week) (*publish.Built, error)
	Message(ctx context.Context, b *publish.Built, m member.Member) (newsletter.Message, error)
	TestSend(ctx context.Context, week issue.Week, to []string) ([]string, error)
	SendWeek(ctx context.Context, week issue.Week) (delivery.Summary, error)
	Reach(ctx context.Context, week issue.Week) (int, error)
}

// IssueFiles reads built issues' files (artifact.Folder, or the store).
type IssueFiles interface {
	Open(ctx context.Context, week, name string) (artifact.File, error)
	Weeks(ctx context.Context) ([]string, error)
}

// Check is one part of Folio the dashboard shows the health of: the
// relay, the store, the inbound listener. Run returns nil when healthy
// and a short note of what it saw.
type Check struct {
	Name string
	Run  func(ctx context.Context) (note string, err error)
}

// Deps are what the console works with. All are required but Checks.
type Deps struct {
	Accounts  Accounts
	Ledger    Ledger
	Directory Directory
	Lifecycle Lifecycle
	Desk      Desk
	Issues    IssueFiles
	Progress  *Progress
	Checks    []Check
}
