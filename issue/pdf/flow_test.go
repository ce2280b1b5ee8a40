package pdf

import "testing"

// para makes n one-line flow lines with widow and orphan keeps.
func para(n int) []flowLine {
	out := make([]flowLine, n)
	for i := range out {
		out[i].h = 1
		out[i].keep = i == 1 || (i == n-1 && n > 1)
	}
	return out
}

func TestFillKeepsWidowsAndOrphans(t *testing.T) {
	tests := []struct {
		name  string
		paras []int
		cap   int
		want  []colRange
	}{
		{"fits", []int{3, 2}, 10, []colRange{{0, 5}}},
		{"orphan pushed over", []int{4, 5}, 5, []colRange{{0, 4}, {4, 9}}},
		{"widow avoided", []int{3, 6}, 8, []colRange{{0, 7}, {7, 9}}},
		{"split in the middle", []int{10}, 6, []colRange{{0, 6}, {6, 10}}},
		{"widow pulls a line", []int{7}, 6, []colRange{{0, 5}, {5, 7}}},
	}
	for _, tt := range tests {
		var lines []flowLine
		for _, n := range tt.paras {
			lines = append(lines, para(n)...)
		}
		got, ok, _ := fill(lines, 0, func(int) int { return tt.cap }, 0)
		if !ok || len(got) != len(tt.want) {
			t.Errorf("%s: fill = %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: fill = %v, want %v", tt.name, got, tt.want)
				break
			}
		}
	}
}

func TestPourArticleBalancesLastPage(t *testing.T) {
	lines := append(para(30), para(31)...) // 61 lines
	cols := pourArticle(lines, frame{first: 20, full: 40})
	// page 1: two columns of 20; the remaining 21 lines balance as 11 + 10.
	if len(cols) != 4 {
		t.Fatalf("pourArticle = %v, want 4 columns", cols)
	}
	a, b := height(lines, cols[2].start, cols[2].end), height(lines, cols[3].start, cols[3].end)
	if a < b || a-b > 1 {
		t.Errorf("last page columns %d and %d lines, want balanced", a, b)
	}
}
