package editor

import "time"

// Entry is one line of the audit log: who did what to what, and when.
type Entry struct {
	ID     int64
	At     time.Time
	Editor string // the editor's address at the time ("cli" for the command line)
	Action string // one of the Action constants
	Target string // a week, a member's address
	Detail string
}

// The audited actions.
const (
	ActionLogin        = "login"
	ActionLogout       = "logout"
	ActionBuild        = "build"
	ActionTestSend     = "test-send"
	ActionSend         = "send"
	ActionSchedule     = "schedule"
	ActionCancel       = "cancel-schedule"
	ActionPause        = "pause"
	ActionResume       = "resume"
	ActionRetryFailed  = "retry-failed"
	ActionMemberStatus = "member-status"
	ActionSuppress     = "suppress"
	ActionUnsuppress   = "unsuppress"
	ActionImport       = "import"
	ActionExport       = "export"
	ActionEditorAdd    = "editor-add"
	ActionEditorRemove = "editor-remove"
)

// Plan is a send scheduled from the console: the week's send starts at At
// unless it is cancelled first.
type Plan struct {
	Week    string
	At      time.Time
	Editor  string
	State   string // PlanScheduled, PlanStarted or PlanCancelled
	Created time.Time
}

// The states of a plan.
const (
	PlanScheduled = "scheduled"
	PlanStarted   = "started"
	PlanCancelled = "cancelled"
)
