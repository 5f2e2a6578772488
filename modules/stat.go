package modules

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"crypto/md5"
	"crypto/sha1"

	"gplay/module"
	"gplay/pyval"
)

// statModule is ansible.builtin.stat: every field of Ansible's result,
// checksum (sha1 by default), mime type through file(1) and attributes
// read as lsattr(1) reads them (module.Host.Attrs).
type statModule struct{}

func init() { module.Register(statModule{}) }

func (statModule) Info() module.Info {
	id := module.ID("ansible.builtin.stat")
	return module.Info{
		ID:      id,
		Aliases: module.StdAliases(id),
		Spec: module.Spec{Params: []module.Param{
			{Name: "path", Type: module.TypePath, Required: true, Aliases: []string{"dest", "name"}},
			{Name: "follow", Type: module.TypeBool, Default: false},
			{Name: "get_md5", Type: module.TypeBool, Default: false},
			{Name: "get_checksum", Type: module.TypeBool, Default: true},
			{Name: "get_mime", Type: module.TypeBool, Default: true, Aliases: []string{"mime", "mime_type", "mime-type"}},
			{Name: "get_attributes", Type: module.TypeBool, Default: true, Aliases: []string{"attr", "attributes"}},
			{Name: "checksum_algorithm", Default: "sha1", Choices: []any{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"},
				Aliases: []string{"checksum", "checksum_algo"}},
		}},
		CheckMode: module.SupportFull,
	}
}

// statInfo is the registered "stat" dict. Optional fields are pointers so
// that absent ones are left out, as in Ansible.
type statInfo struct {
	Exists     bool      `json:"exists"`
	Path       string    `json:"path,omitempty"`
	Mode       string    `json:"mode,omitempty"`
	IsDir      *bool     `json:"isdir,omitempty"`
	IsChr      *bool     `json:"ischr,omitempty"`
	IsBlk      *bool     `json:"isblk,omitempty"`
	IsReg      *bool     `json:"isreg,omitempty"`
	IsFifo     *bool     `json:"isfifo,omitempty"`
	IsLnk      *bool     `json:"islnk,omitempty"`
	IsSock     *bool     `json:"issock,omitempty"`
	UID        *int64    `json:"uid,omitempty"`
	GID        *int64    `json:"gid,omitempty"`
	Size       *int64    `json:"size,omitempty"`
	Inode      *int64    `json:"inode,omitempty"`
	Dev        *int64    `json:"dev,omitempty"`
	Nlink      *int64    `json:"nlink,omitempty"`
	Atime      *float64  `json:"atime,omitempty"`
	Mtime      *float64  `json:"mtime,omitempty"`
	Ctime      *float64  `json:"ctime,omitempty"`
	WUsr       *bool     `json:"wusr,omitempty"`
	RUsr       *bool     `json:"rusr,omitempty"`
	XUsr       *bool     `json:"xusr,omitempty"`
	WGrp       *bool     `json:"wgrp,omitempty"`
	RGrp       *bool     `json:"rgrp,omitempty"`
	XGrp       *bool     `json:"xgrp,omitempty"`
	WOth       *bool     `json:"woth,omitempty"`
	ROth       *bool     `json:"roth,omitempty"`
	XOth       *bool     `json:"xoth,omitempty"`
	IsUID      *bool     `json:"isuid,omitempty"`
	IsGID      *bool     `json:"isgid,omitempty"`
	Blocks     *int64    `json:"blocks,omitempty"`
	BlockSize  *int64    `json:"block_size,omitempty"`
	DeviceType *int64    `json:"device_type,omitempty"`
	Readable   *bool     `json:"readable,omitempty"`
	Writeable  *bool     `json:"writeable,omitempty"`
	Executable *bool     `json:"executable,omitempty"`
	LnkSource  string    `json:"lnk_source,omitempty"`
	LnkTarget  *string   `json:"lnk_target,omitempty"`
	PwName     string    `json:"pw_name,omitempty"`
	GrName     string    `json:"gr_name,omitempty"`
	MD5        *string   `json:"md5,omitempty"`
	Checksum   string    `json:"checksum,omitempty"`
	MimeType   string    `json:"mimetype,omitempty"`
	Charset    string    `json:"charset,omitempty"`
	Version    *string   `json:"version"`
	Attributes *[]string `json:"attributes,omitempty"`
	AttrFlags  *string   `json:"attr_flags,omitempty"`
}

// statAbsent is the stat of a missing path: only exists=false.
type statAbsent struct {
	Exists bool `json:"exists"`
}

type statResult struct {
	Stat any `json:"stat"`
}

func (statModule) Run(ctx context.Context, req module.Request) (module.Result, error) {
	var p struct {
		Path    string `arg:"path"`
		Follow  bool   `arg:"follow"`
		GetMD5  bool   `arg:"get_md5"`
		GetSum  bool   `arg:"get_checksum"`
		GetMime bool   `arg:"get_mime"`
		GetAttr bool   `arg:"get_attributes"`
		Algo    string `arg:"checksum_algorithm"`
	}
	if err := req.Args.Decode(&p); err != nil {
		return module.Result{}, err
	}
	h := req.Host
	var fi fs.FileInfo
	var err error
	if p.Follow {
		fi, err = h.Stat(p.Path)
	} else {
		fi, err = h.Lstat(p.Path)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return module.Result{Return: statResult{Stat: statAbsent{}}}, nil
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return module.Result{}, errors.New(strings.ToUpper(pe.Err.Error()[:1]) + pe.Err.Error()[1:])
		}
		return module.Result{}, err
	}
	st := fi.Sys().(*syscall.Stat_t)
	mode := st.Mode
	typ := mode & syscall.S_IFMT
	b := func(v bool) *bool { return &v }
	i := func(v int64) *int64 { return &v }
	ts := func(t syscall.Timespec) *float64 { f := float64(t.Sec) + float64(t.Nsec)/1e9; return &f }
	s := statInfo{
		Exists: true, Path: p.Path, Mode: fmt.Sprintf("%04o", mode&0o7777),
		IsDir: b(typ == syscall.S_IFDIR), IsChr: b(typ == syscall.S_IFCHR), IsBlk: b(typ == syscall.S_IFBLK),
		IsReg: b(typ == syscall.S_IFREG), IsFifo: b(typ == syscall.S_IFIFO), IsLnk: b(typ == syscall.S_IFLNK),
		IsSock: b(typ == syscall.S_IFSOCK),
		UID:    i(int64(st.Uid)), GID: i(int64(st.Gid)), Size: i(st.Size), Inode: i(int64(st.Ino)), Dev: i(int64(st.Dev)),
		Nlink: i(int64(st.Nlink)), Atime: ts(st.Atim), Mtime: ts(st.Mtim), Ctime: ts(st.Ctim),
		WUsr: b(mode&0o200 != 0), RUsr: b(mode&0o400 != 0), XUsr: b(mode&0o100 != 0),
		WGrp: b(mode&0o020 != 0), RGrp: b(mode&0o040 != 0), XGrp: b(mode&0o010 != 0),
		WOth: b(mode&0o002 != 0), ROth: b(mode&0o004 != 0), XOth: b(mode&0o001 != 0),
		IsUID: b(mode&0o4000 != 0), IsGID: b(mode&0o2000 != 0),
		Blocks: i(st.Blocks), BlockSize: i(int64(st.Blksize)), DeviceType: i(int64(st.Rdev)),
		Readable:   b(syscall.Access(p.Path, 4) == nil),
		Writeable:  b(syscall.Access(p.Path, 2) == nil),
		Executable: b(syscall.Access(p.Path, 1) == nil),
	}
	if typ == syscall.S_IFLNK {
		if real, err := filepath.EvalSymlinks(p.Path); err == nil {
			s.LnkSource = real
		} else {
			s.LnkSource = p.Path
		}
		if t, err := h.Readlink(p.Path); err == nil {
			s.LnkTarget = &t
		}
	}
	s.PwName = userName(st.Uid)
	s.GrName = groupName(st.Gid)
	if s.PwName == fmt.Sprint(st.Uid) {
		s.PwName = ""
	}
	if s.GrName == fmt.Sprint(st.Gid) {
		s.GrName = ""
	}
	if typ == syscall.S_IFREG && *s.Readable {
		if p.GetMD5 {
			if sum, err := md5File(h, p.Path); err == nil {
				s.MD5 = &sum
			}
		}
		if p.GetSum {
			sum, err := fileDigest(h, p.Path, hashFor(p.Algo))
			if err != nil {
				return module.Result{}, err
			}
			s.Checksum = sum
		}
	}
	if p.GetMime {
		s.MimeType, s.Charset = "unknown", "unknown"
		r, err := h.Query(ctx, module.Cmd{Argv: []string{"file", "--mime-type", "--mime-encoding", p.Path}})
		if err == nil && r.RC == 0 {
			out := string(r.Stdout)
			if k := strings.LastIndex(out, ":"); k >= 0 {
				if mt, cs, ok := strings.Cut(out[k+1:], ";"); ok {
					s.MimeType = strings.TrimSpace(mt)
					if _, v, ok := strings.Cut(cs, "="); ok {
						s.Charset = strings.TrimSpace(v)
					}
				}
			}
		}
	}
	if p.GetAttr {
		empty := ""
		s.AttrFlags = &empty
		s.Attributes = &[]string{}
		if v, flags, err := h.Attrs(p.Path); err == nil {
			s.Version, s.AttrFlags = &v, &flags
			a := formatAttributes(flags)
			s.Attributes = &a
		}
	}
	if !p.GetAttr {
		return module.Result{Return: statResult{Stat: statNoAttr{s}}}, nil
	}
	return module.Result{Return: statResult{Stat: s}}, nil
}

// statNoAttr drops the always-present version key when attributes were
// not asked for.
type statNoAttr struct{ statInfo }

func (s statNoAttr) MarshalJSON() ([]byte, error) {
	d, err := module.ToPy(s.statInfo)
	if err != nil {
		return nil, err
	}
	d.(*pyval.Dict).Delete("version")
	return module.EncodeJSON(d), nil
}

func hashFor(algo string) func() hash.Hash {
	switch algo {
	case "md5":
		return md5.New
	case "sha224":
		return sha256.New224
	case "sha256":
		return sha256.New
	case "sha384":
		return sha512.New384
	case "sha512":
		return sha512.New
	}
	return sha1.New
}

// fileAttributeNames is Ansible's FILE_ATTRIBUTES (module_utils/basic.py).
var fileAttributeNames = map[rune]string{
	'A': "noatime", 'a': "append", 'c': "compressed", 'C': "nocow", 'd': "nodump", 'D': "dirsync",
	'e': "extents", 'E': "encrypted", 'h': "blocksize", 'i': "immutable", 'I': "indexed",
	'j': "journalled", 'N': "inline", 's': "zero", 'S': "synchronous", 't': "notail",
	'T': "blockroot", 'u': "undelete", 'X': "compressedraw", 'Z': "compresseddirty",
}

func formatAttributes(flags string) []string {
	out := []string{}
	for _, r := range flags {
		if n, ok := fileAttributeNames[r]; ok {
			out = append(out, n)
		}
	}
	return out
}

var _ module.Module = statModule{}
