package sitetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

const wpPostsPath = "/wp-json/wp/v2/posts"

// servePosts answers the posts endpoint as WordPress does: posts whose
// date is after `after` and before `before` (both exclusive), oldest first
// with order=asc, per_page at a time, X-WP-Total and X-WP-TotalPages set,
// and a 400 rest_post_invalid_page_number past the last page.
func (s *Site) servePosts(w http.ResponseWriter, r *http.Request, pg page) {
	var posts []map[string]any
	if err := json.Unmarshal(pg.body, &posts); err != nil {
		s.send(w, r, pg) // not the API: served as it is
		return
	}
	q := r.URL.Query()
	bound := func(key string) (time.Time, bool) {
		v := q.Get(key)
		if v == "" {
			return time.Time{}, false
		}
		t, err := time.Parse(time.RFC3339, v)
		return t, err == nil
	}
	after, hasAfter := bound("after")
	before, hasBefore := bound("before")
	var in []map[string]any
	for _, p := range posts {
		gmt, _ := p["date_gmt"].(string)
		d, err := time.Parse("2006-01-02T15:04:05", gmt)
		if err != nil {
			continue
		}
		if (hasAfter && !d.After(after)) || (hasBefore && !d.Before(before)) {
			continue
		}
		in = append(in, p)
	}
	perPage, pageNo := 10, 1
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n >= 1 && n <= 100 {
		perPage = n
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n >= 1 {
		pageNo = n
	}
	pages := (len(in) + perPage - 1) / perPage
	if pageNo > max(pages, 1) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprint(w, `{"code":"rest_post_invalid_page_number","message":"The page number requested is larger than the number of pages available.","data":{"status":400}}`)
		return
	}
	lo, hi := (pageNo-1)*perPage, min(pageNo*perPage, len(in))
	out := in[lo:hi]
	if out == nil {
		out = []map[string]any{}
	}
	body, _ := json.Marshal(out)
	w.Header().Set("X-WP-Total", strconv.Itoa(len(in)))
	w.Header().Set("X-WP-TotalPages", strconv.Itoa(pages))
	s.send(w, r, page{body: body, contentType: "application/json; charset=UTF-8", modified: pg.modified})
}
