package console

import (
	"io/fs"
	"net/http"
)

// routes maps the console's pages and actions; every one but the login
// and the static files goes through the guard.
func (c *Console) routes() *http.ServeMux {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/admin/static/", http.FileServerFS(static))
	mux.Handle("GET /admin/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /admin/login", c.loginPage)
	mux.HandleFunc("POST /admin/login", c.login)
	mux.HandleFunc("POST /admin/logout", c.guard(false, c.logout))

	mux.HandleFunc("GET /admin/{$}", c.guard(false, c.dashboard))
	mux.HandleFunc("GET /admin/weeks", c.guard(false, c.weeks))
	mux.HandleFunc("GET /admin/weeks/{week}", c.guard(false, c.week))
	mux.HandleFunc("POST /admin/weeks/{week}/build", c.guard(false, c.build))
	mux.HandleFunc("GET /admin/weeks/{week}/preview", c.guard(false, c.preview))
	mux.HandleFunc("GET /admin/weeks/{week}/email", c.guard(false, c.emailDoc))
	mux.HandleFunc("GET /admin/weeks/{week}/web/{$}", c.guard(false, c.webDoc))
	mux.HandleFunc("GET /admin/weeks/{week}/web/images/{file}", c.guard(false, c.webImage))
	mux.HandleFunc("GET /admin/weeks/{week}/issue.pdf", c.guard(false, c.pdfFile))
	mux.HandleFunc("GET /admin/weeks/{week}/web/issue.pdf", c.guard(false, c.pdfFile))
	mux.HandleFunc("GET /admin/weeks/{week}/pages/{n}", c.guard(false, c.pdfPage))
	mux.HandleFunc("POST /admin/weeks/{week}/test", c.guard(false, c.testSend))
	mux.HandleFunc("GET /admin/weeks/{week}/send", c.guard(false, c.confirmSend))
	mux.HandleFunc("POST /admin/weeks/{week}/send", c.guard(false, c.send))
	mux.HandleFunc("POST /admin/weeks/{week}/schedule", c.guard(false, c.schedule))
	mux.HandleFunc("POST /admin/weeks/{week}/cancel", c.guard(false, c.cancel))
	mux.HandleFunc("POST /admin/weeks/{week}/pause", c.guard(false, c.pause))
	mux.HandleFunc("POST /admin/weeks/{week}/resume", c.guard(false, c.resume))
	mux.HandleFunc("POST /admin/weeks/{week}/retry", c.guard(false, c.retryFailed))
	mux.HandleFunc("GET /admin/weeks/{week}/progress", c.guard(false, c.progressStream))

	mux.HandleFunc("GET /admin/members", c.guard(false, c.members))
	mux.HandleFunc("GET /admin/members/{id}", c.guard(false, c.member))
	mux.HandleFunc("POST /admin/members/{id}/status", c.guard(true, c.setStatus))
	mux.HandleFunc("POST /admin/members/{id}/suppress", c.guard(true, c.suppress))
	mux.HandleFunc("POST /admin/members/{id}/unsuppress", c.guard(true, c.unsuppress))
	mux.HandleFunc("GET /admin/import", c.guard(true, c.importPage))
	mux.HandleFunc("POST /admin/import/preview", c.guard(true, c.importPreview))
	mux.HandleFunc("POST /admin/import", c.guard(true, c.importCommit))
	mux.HandleFunc("GET /admin/export.csv", c.guard(true, c.export))
	mux.HandleFunc("GET /admin/audit", c.guard(true, c.auditLog))
	mux.HandleFunc("/admin/", c.guard(false, c.notFound))
	return mux
}
