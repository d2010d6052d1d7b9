package main

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
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
