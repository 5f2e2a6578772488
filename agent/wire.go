package agent

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"

	"gplay/module"
	"gplay/pyval"
)

// The wire protocol between the controller and `gplay agent` on a target.
// Both directions carry frames: a 4-byte big-endian length, then that many
// bytes of JSON. The agent speaks first with a Hello; then the controller
// sends requests and cancels, and the agent answers each request once, in
// any order, matched by ID. Closing the controller's side ends the agent:
// nothing is left running on the target when the channel goes away.

// ProtocolVersion changes whenever a frame's meaning changes; both sides
// must agree (they are the same binary, so this guards against a stale one).
const ProtocolVersion = 1

// maxFrame bounds one frame, so a corrupt length cannot make either side
// allocate without limit. Shipped files travel inside requests.
const maxFrame = 1 << 30

// Hello is the agent's first frame.
type Hello struct {
	Agent    string `json:"gplay_agent"` // the agent's version string
	Protocol int    `json:"protocol"`
	PID      int    `json:"pid"`
	UID      int    `json:"uid"`
	User     string `json:"user"`
}

// wireRequest is a Request on the wire. Args travel as ordered JSON (the
// pyval codec keeps key order and int/float); Content as JSON with the
// file data base64-encoded by encoding/json.
type wireRequest struct {
	ID                uint64                     `json:"id"`
	Cancel            bool                       `json:"cancel,omitempty"` // cancel request ID
	Module            string                     `json:"module,omitempty"`
	Args              json.RawMessage            `json:"args,omitempty"`
	Check             bool                       `json:"check,omitempty"`
	Diff              bool                       `json:"diff,omitempty"`
	Content           map[string]*module.Content `json:"content,omitempty"`
	Env               map[string]string          `json:"env,omitempty"`
	InventoryHostname string                     `json:"inventory_hostname,omitempty"`
	AsyncJID          string                     `json:"async_jid,omitempty"`
	AsyncTimeout      int                        `json:"async_timeout,omitempty"`
}

// wireResponse answers one request. Result is module.EncodeResult's form:
// the dict Ansible registers, already scrubbed of no_log values on the
// target so secrets never travel back, plus files for the controller.
// Error is set when the task failed; Bug when that failure is a defect in
// gplay.
type wireResponse struct {
	ID     uint64          `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error,omitempty"`
	Bug    bool            `json:"bug,omitempty"`
}

func writeFrame(w io.Writer, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(body) > maxFrame {
		return fmt.Errorf("frame of %d bytes exceeds the %d byte limit", len(body), maxFrame)
	}
	buf := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[4:], body)
	_, err = w.Write(buf)
	return err
}

// readFrame reads one frame into v. io.EOF means the peer closed cleanly
// between frames.
func readFrame(r io.Reader, v any) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return fmt.Errorf("frame of %d bytes exceeds the %d byte limit", n, maxFrame)
	}
	// Read as the bytes arrive instead of allocating n up front: a corrupt
	// length must not cost a gigabyte before the stream runs dry.
	body, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return err
	}
	if len(body) < int(n) {
		return io.ErrUnexpectedEOF
	}
	return json.Unmarshal(body, v)
}

func encodeRequest(id uint64, req Request) (*wireRequest, error) {
	w := &wireRequest{
		ID: id, Module: req.Module, Check: req.Check, Diff: req.Diff,
		Content: req.Content, Env: req.Env, InventoryHostname: req.InventoryHostname,
		AsyncJID: req.AsyncJID, AsyncTimeout: req.AsyncTimeout,
	}
	if req.Args != nil {
		w.Args = module.EncodeJSON(req.Args)
	}
	return w, nil
}

func decodeRequest(w *wireRequest) (Request, error) {
	req := Request{
		Module: w.Module, Check: w.Check, Diff: w.Diff,
		Content: w.Content, Env: w.Env, InventoryHostname: w.InventoryHostname,
		AsyncJID: w.AsyncJID, AsyncTimeout: w.AsyncTimeout,
	}
	if len(w.Args) > 0 {
		v, err := module.DecodeJSON(w.Args)
		if err != nil {
			return req, fmt.Errorf("request %d: args: %w", w.ID, err)
		}
		d, ok := v.(*pyval.Dict)
		if !ok {
			return req, fmt.Errorf("request %d: args are a %s, not a dict", w.ID, pyval.TypeName(v))
		}
		req.Args = d
	}
	return req, nil
}
