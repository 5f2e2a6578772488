package modules

import (
	"context"
	"path"
	"path/filepath"
	"strings"

	"gplay/module"
)

// fetchModule is ansible.builtin.fetch: the module reads the file on the
// target and asks the engine (Result.ControllerFiles) to store it on the
// controller under dest/<inventory_hostname>/<src>, or at dest with flat.
// The engine writes it only when its content differs and then marks the
// task changed, as Ansible's fetch action compares checksums.
type fetchModule struct{}

func init() { module.Register(fetchModule{}) }

func (fetchModule) Info() module.Info {
	id := module.ID("ansible.builtin.fetch")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "src", Required: true},
			{Name: "dest", Required: true},
			{Name: "flat", Type: module.TypeBool, Default: false},
			{Name: "fail_on_missing", Type: module.TypeBool, Default: true},
			{Name: "validate_checksum", Type: module.TypeBool, Default: true},
		}},
		CheckMode: module.SupportFull,
	}
}

type fetchResult struct {
	Checksum       string `json:"checksum,omitempty"`
	Dest           string `json:"dest"`
	File           string `json:"file,omitempty"`
	MD5            string `json:"md5sum,omitempty"`
	RemoteChecksum string `json:"remote_checksum,omitempty"`
	RemoteMD5      string `json:"remote_md5sum,omitempty"`
}

// fetchDest is where Ansible's fetch action stores src on the controller.
func fetchDest(dest, src, host string, flat bool) string {
	if flat {
		if strings.HasSuffix(dest, "/") {
			return dest + path.Base(src)
		}
		return dest
	}
	return filepath.Join(dest, host, filepath.Clean("/"+src))
}

func (fetchModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Src           string `arg:"src"`
		Dest          string `arg:"dest"`
		Flat          bool   `arg:"flat"`
		FailOnMissing bool   `arg:"fail_on_missing"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	dest := fetchDest(p.Dest, p.Src, req.InventoryHostname, p.Flat)
	data, err := readRemote(req.Host, module.ExpandPath(p.Src))
	if err != nil {
		msg := "the remote file does not exist, not transferring, ignored"
		if isDir(req.Host, p.Src) {
			msg = "remote file is a directory, fetch cannot work on directories"
		}
		if p.FailOnMissing {
			return module.Result{Return: fetchResult{Dest: dest, File: p.Src}}, errorString(msg)
		}
		return module.Result{Msg: msg, Return: fetchResult{Dest: dest, File: p.Src}}, nil
	}
	sum := sha1Bytes(data)
	res := module.Result{
		Return:          fetchResult{Checksum: sum, Dest: dest, MD5: md5Bytes(data), RemoteChecksum: sum, RemoteMD5: md5Bytes(data)},
		ControllerFiles: []module.ControllerFile{{Path: dest, Data: data}},
	}
	return res, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

var _ module.Module = fetchModule{}
