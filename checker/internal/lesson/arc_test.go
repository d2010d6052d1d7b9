package lesson

import (
	"strings"
	"testing"
)

func TestArcHasTwelveNumberedLessons(t *testing.T) {
	if len(Arc) != 12 {
		t.Fatalf("len(Arc) = %d, want 12", len(Arc))
	}
	for i, p := range Arc {
		if want := []string{"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"}[i]; p.Number != want {
			t.Errorf("Arc[%d].Number = %q, want %q", i, p.Number, want)
		}
		if !lessonDirRE.MatchString(p.Number+"-"+p.Slug) || p.Title == "" {
			t.Errorf("Arc[%d] = %+v: want a valid folder name and a title", i, p)
		}
	}
}

func TestMatch(t *testing.T) {
	lessons := []ID{{Number: "00", Slug: "warmup"}, {Number: "01", Slug: "blocking-chain"}}
	tests := []struct {
		arg   string
		want  string
		found bool
		err   string
	}{
		{"01", "01-blocking-chain", true, ""},
		{"1", "01-blocking-chain", true, ""},
		{"blocking-chain", "01-blocking-chain", true, ""},
		{"01-blocking-chain", "01-blocking-chain", true, ""},
		{"lessons/01-blocking-chain/", "01-blocking-chain", true, ""},
		{"05", "05-circuit-breaker", false, ""},
		{"retries", "04-retries", false, ""},
		{"42", "", false, `unknown lesson "42"`},
		{"chain", "", false, "00-warmup, 01-blocking-chain"},
	}
	for _, tc := range tests {
		got, found, err := Match(lessons, tc.arg)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Match(%q) error = %v, want one containing %q", tc.arg, err, tc.err)
			}
			continue
		}
		if err != nil || got.Name() != tc.want || found != tc.found {
			t.Errorf("Match(%q) = %s, %v, %v; want %s, %v, nil", tc.arg, got.Name(), found, err, tc.want, tc.found)
		}
	}
}
