package lessonsrc

import (
	"reflect"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestTestShapesSeesGoleakAndSynctest(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"a_test.go": `package a

func TestBoth(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {})
}

func TestInALoop(t *testing.T) {
	defer goleak.VerifyNone(t)
	for range 3 {
		synctest.Test(t, func(t *testing.T) {})
	}
}

func TestNoLeakCheck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {})
}

func TestLeakCheckNotDeferred(t *testing.T) {
	goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {})
}

func TestRealTime(t *testing.T) {
	defer goleak.VerifyNone(t)
}

func helper(t *testing.T) { synctest.Test(t, nil) }
`,
	})
	got, err := TestShapes(dir)
	if err != nil {
		t.Fatal(err)
	}
	type flags struct {
		name        string
		leak, vtime bool
	}
	var short []flags
	for _, s := range got {
		short = append(short, flags{s.Name, s.LeakChecked, s.VirtualTime})
	}
	want := []flags{
		{"TestBoth", true, true},
		{"TestInALoop", true, true},
		{"TestNoLeakCheck", false, true},
		{"TestLeakCheckNotDeferred", false, true},
		{"TestRealTime", true, false},
	}
	if !reflect.DeepEqual(short, want) {
		t.Errorf("got %+v\nwant %+v", short, want)
	}
	if got[0].File != "a_test.go" || got[0].Line != 3 {
		t.Errorf("TestBoth at %s:%d, want a_test.go:3", got[0].File, got[0].Line)
	}
}

func TestVerifyTestMainCoversEveryTest(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"main_test.go": "package a\n\nfunc TestMain(m *testing.M) { goleak.VerifyTestMain(m) }\n",
		"b_test.go":    "package a\n\nfunc TestB(t *testing.T) { synctest.Test(t, nil) }\n",
	})
	got, err := TestShapes(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].LeakChecked {
		t.Errorf("got %+v, want TestB leak-checked by TestMain", got)
	}
}
