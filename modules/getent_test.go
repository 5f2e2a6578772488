package modules

import (
	"encoding/base64"
	"path/filepath"
	"reflect"
	"testing"

	"gplay/module/moduletest"
	"gplay/pyval"
)

func TestGetent(t *testing.T) {
	res, err := moduletest.RunModule(t, getentModule{}, moduletest.Args("database", "passwd", "key", "root"), true)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Facts["getent_passwd"].(map[string]any)["root"]
	if l, ok := got.([]string); !ok || len(l) != 6 || l[1] != "0" {
		t.Errorf("getent_passwd.root = %#v", got)
	}
	_, err = moduletest.RunModule(t, getentModule{}, moduletest.Args("database", "passwd", "key", "gplay-nobody-here"), true)
	if err == nil || err.Error() != "One or more supplied key could not be found in the database." {
		t.Errorf("missing key error = %v", err)
	}
	res, err = moduletest.RunModule(t, getentModule{}, moduletest.Args("database", "passwd", "key", "gplay-nobody-here", "fail_key", false), true)
	if err != nil || !reflect.DeepEqual(res.Facts["getent_passwd"], map[string]any{"gplay-nobody-here": nil}) {
		t.Errorf("fail_key=false = %+v, %v", res.Facts, err)
	}
}

func TestSlurpFetch(t *testing.T) {
	dir := t.TempDir()
	f := moduletest.WriteFile(t, dir, "etc/x.conf", "data\n", 0o600)
	res, err := moduletest.RunModule(t, slurpModule{}, moduletest.Args("src", f), true)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := res.ToDict().Get("content")
	if b, _ := base64.StdEncoding.DecodeString(c.(string)); string(b) != "data\n" {
		t.Errorf("slurp content = %v", c)
	}
	if _, err := moduletest.RunModule(t, slurpModule{}, moduletest.Args("src", dir+"/nope"), true); err == nil || err.Error() != "file not found: "+dir+"/nope" {
		t.Errorf("slurp missing: %v", err)
	}
	res, err = moduletest.RunModule(t, fetchModule{}, moduletest.Args("src", f, "dest", "out"), false)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("out", "testhost", f)
	if len(res.ControllerFiles) != 1 || res.ControllerFiles[0].Path != want || string(res.ControllerFiles[0].Data) != "data\n" {
		t.Errorf("fetch controller files = %+v, want %s", res.ControllerFiles, want)
	}
	if d := res.ToDict(); pyval.Str(get(d, "checksum")) != sha1Bytes([]byte("data\n")) || get(d, "dest") != want {
		t.Errorf("fetch result = %s", pyval.Repr(d))
	}
	res, _ = moduletest.RunModule(t, fetchModule{}, moduletest.Args("src", f, "dest", "out/", "flat", true), false)
	if res.ControllerFiles[0].Path != "out/x.conf" {
		t.Errorf("flat fetch dest = %s", res.ControllerFiles[0].Path)
	}
	res, err = moduletest.RunModule(t, fetchModule{}, moduletest.Args("src", dir+"/nope", "dest", "out", "fail_on_missing", false), false)
	if err != nil || len(res.ControllerFiles) != 0 {
		t.Errorf("fetch missing = %+v, %v", res, err)
	}
}
