package ansi

import "testing"

func TestPaintOnlyWhenAsked(t *testing.T) {
	for _, c := range []struct {
		on   bool
		s    string
		want string
	}{
		{true, "done", "\x1b[32mdone\x1b[0m"},
		{false, "done", "done"},
		{true, "", ""},
	} {
		if got := Paint(c.on, Green, c.s); got != c.want {
			t.Errorf("Paint(%v, Green, %q) = %q, want %q", c.on, c.s, got, c.want)
		}
	}
}
