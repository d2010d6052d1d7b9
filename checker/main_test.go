package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"-h"}, exitOK, "Usage:"},
		{[]string{"-bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"01", "02"}, exitUsage, "one lesson at a time"},
		{[]string{"verify", "-json"}, exitUsage, "flag provided but not defined: -json"},
		{[]string{"01", "-count", "5"}, exitUsage, "flag provided but not defined: -count"},
		{[]string{"manifest", "01"}, exitUsage, "manifest takes no argument"},
		{[]string{"verify", "01"}, exitUsage, "takes no lesson"},
		{[]string{"verify", "-h"}, exitOK, "Flags of verify:"},
		{[]string{"slides", "01"}, exitUsage, "slides draws every lesson's pictures and takes no argument"},
		{[]string{"slides", "-count", "1"}, exitUsage, "flag provided but not defined: -count"},
		{[]string{"-require", "01", "02"}, exitUsage, "-require 01 grades lesson 01 alone, got lesson 02 too"},
		{[]string{"class"}, exitUsage, "class grades the copies under one folder"},
		{[]string{"class", "-list", "room.txt", "room"}, exitUsage, "class grades the copies under one folder"},
		{[]string{"class", "-format", "xml", "room"}, exitUsage, "-format xml: want one of text, csv, md, json, html"},
		{[]string{"class", "-h"}, exitOK, "Flags of class:"},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("run(%q) = %d, want %d", tc.args, code, tc.code)
		}
		if !strings.Contains(stderr.String(), tc.err) {
			t.Errorf("run(%q) printed %q, want %q", tc.args, stderr.String(), tc.err)
		}
	}
}

func TestUnknownLessonIsAUsageError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"42"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("run(42) = %d, want %d; stderr: %s", code, exitUsage, stderr.String())
	}
	if !strings.Contains(stderr.String(), `unknown lesson "42"`) {
		t.Errorf("stderr = %q, want it to name the unknown lesson", stderr.String())
	}
}

func TestFlagsMayFollowTheCommand(t *testing.T) {
	for _, args := range [][]string{{"-json", "01"}, {"01", "-json"}} {
		var stderr bytes.Buffer
		fs := flagSet("checker", &stderr)
		json := fs.Bool("json", false, "")
		got, code, done := parse(fs, args)
		if done || code != exitOK || !reflect.DeepEqual(got, []string{"01"}) || !*json {
			t.Errorf("parse(%q) = %q, %d, %v (json %v), want [01], 0, false (json true)", args, got, code, done, *json)
		}
	}
}

func TestDraftsAreLeftOutOfTheLearnersView(t *testing.T) {
	ws := workshop{lessons: []*lesson.Lesson{
		{ID: lesson.ID{Number: "01", Slug: "echo"}},
		{ID: lesson.ID{Number: "02", Slug: "half", Draft: true}},
	}}
	if got := ws.published(); len(got) != 1 || got[0].Name() != "01-echo" {
		t.Errorf("published = %v, want only 01-echo", got)
	}
	if got := ids(ws.lessons); len(got) != 2 {
		t.Errorf("ids = %v, want both, for try", got)
	}
}

// fixtureWorkshop is a copy of verify's fixture workshop (one lesson,
// standard library only), with the checker's folder, as the current folder.
func fixtureWorkshop(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go test on the fixture workshop")
	}
	root := testkit.Copy(t, filepath.Join("internal", "verify", "testdata", "fixture"))
	testkit.Write(t, root, map[string]string{"checker/manifest.txt": "# written by the test\n"})
	t.Chdir(filepath.Join(root, "lessons"))
	return root
}

func TestTheCommandsWorkInAWorkshop(t *testing.T) {
	root := fixtureWorkshop(t)
	ctx := context.Background()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"01", "-json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("01 -json: exit %d\n%s", code, &stderr)
	}
	var doc struct {
		Lessons []struct{ Number, Status string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil || len(doc.Lessons) != 1 || doc.Lessons[0].Status != "failing" {
		t.Errorf("01 -json: got %s (%v), want lesson 01 failing", &stdout, err)
	}

	stdout.Reset()
	if code := run(ctx, []string{"-no-color"}, &stdout, &stderr); code != exitOK || !strings.Contains(stdout.String(), "  01  Echo") {
		t.Errorf("the summary: exit %d, got\n%s", code, &stdout)
	}

	stdout.Reset()
	if code := run(ctx, []string{"manifest"}, &stdout, &stderr); code != exitOK || !strings.Contains(stdout.String(), "1 test files and 1 starter files in 1 lessons") {
		t.Errorf("manifest: exit %d, got %s%s", code, &stdout, &stderr)
	}
	data, err := os.ReadFile(filepath.Join(root, "checker", "manifest.txt"))
	if err != nil || !strings.Contains(string(data), "  lessons/01-echo/echo_test.go\n") {
		t.Errorf("manifest.txt = %q, %v; want the lesson's test file", data, err)
	}

	stdout.Reset()
	if code := run(ctx, []string{"try", "01", "empty-echo", "-count=1"}, &stdout, &stderr); code != exitError || !strings.Contains(stdout.String(), "FAIL") {
		t.Errorf("try 01 empty-echo: exit %d, want %d and go test's FAIL\n%s", code, exitError, &stdout)
	}
	if code := run(ctx, []string{"try", "05"}, &stdout, &stderr); code != exitError || !strings.Contains(stderr.String(), "not written yet") {
		t.Errorf("try 05: exit %d\n%s", code, &stderr)
	}
	stderr.Reset()
	if code := run(ctx, []string{"try", "01", "-coverprofile=x"}, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "checker: try cannot run with -coverprofile=x: coverage and the overlay do not mix") {
		t.Errorf("try 01 -coverprofile=x: exit %d, want %d and why\n%s", code, exitUsage, &stderr)
	}

	stdout.Reset()
	pictures := filepath.Join(root, "slides", "timelines", "01-echo")
	if err := os.RemoveAll(pictures); err != nil {
		t.Fatal(err)
	}
	if code := run(ctx, []string{"slides"}, &stdout, &stderr); code != exitOK || !strings.Contains(stdout.String(), "slides/timelines/ is current: 2 pictures changed") {
		t.Errorf("slides: exit %d, got %s%s", code, &stdout, &stderr)
	}
	if data, err := os.ReadFile(filepath.Join(pictures, "solution", "echo.txt")); err != nil || string(data) != "Echo(\"hi\") = \"hi\"\n" {
		t.Errorf("slides: the solution's picture is %q, %v; want what the solution draws", data, err)
	}
}

func TestTheCommandsShownWorkWhereTheCheckerRuns(t *testing.T) {
	fixtureWorkshop(t) // the current folder is its lessons/ folder
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"01", "-json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("01 -json: exit %d\n%s", code, &stderr)
	}
	var doc struct {
		Scope   string
		Lessons []struct{ Commands []string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil || len(doc.Lessons) != 1 {
		t.Fatalf("01 -json: got %s (%v)", &stdout, err)
	}
	cmds := doc.Lessons[0].Commands
	if doc.Scope != "lesson" || len(cmds) != 2 || !strings.HasSuffix(cmds[0], " ./01-echo/") || cmds[1] != "go tool checker 01" {
		t.Errorf("from lessons/: scope %q, commands %q; want the lesson's scope, go test … ./01-echo/ and go tool checker 01", doc.Scope, cmds)
	}
	stderr.Reset()
	if code := run(context.Background(), []string{"-h"}, &stdout, &stderr); code != exitOK || !strings.Contains(stderr.String(), "  go tool checker [-json] [-no-color]         grade every lesson") {
		t.Errorf("the help from lessons/: exit %d\n%s", code, &stderr)
	}
}

func TestALessonAsShippedIsNotStartedAndNotRun(t *testing.T) {
	root := fixtureWorkshop(t)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"manifest"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("manifest: exit %d\n%s", code, &stderr)
	}
	data, err := os.ReadFile(filepath.Join(root, "checker", "manifest.txt"))
	if err != nil {
		t.Fatal(err)
	}
	shipped := embeddedManifest
	embeddedManifest = data // the fixture's lessons, as shipped
	defer func() { embeddedManifest = shipped }()
	stdout.Reset()
	if code := run(context.Background(), []string{"-json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("-json: exit %d\n%s", code, &stderr)
	}
	var doc struct {
		Lessons []map[string]json.RawMessage
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var echo map[string]json.RawMessage
	for _, l := range doc.Lessons {
		if string(l["number"]) == `"01"` {
			echo = l
		}
	}
	if string(echo["status"]) != `"not started"` || string(echo["underlying_status"]) != `"not run"` || echo["passed"] != nil {
		t.Errorf("the untouched lesson: %s", &stdout)
	}
}
