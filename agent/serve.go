package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"gplay/module"
	"gplay/pyval"
)

// Serve is the agent: it writes hello, then reads requests from r and
// answers each on w, running modules from reg, until r ends. Requests run
// concurrently; a cancel frame cancels one. When r ends (the controller
// closed the channel, was killed, or the network went away), every running
// request is cancelled and Serve returns once they have stopped, so the
// agent never outlives its controller.
//
// A process started with GPLAY_ASYNC_JOB set is a detached async job
// (async.go): it runs that job and returns without serving.
func Serve(ctx context.Context, r io.Reader, w io.Writer, reg *module.Registry, hello Hello) error {
	if p := os.Getenv(jobEnv); p != "" {
		return runJobFile(reg, p)
	}
	ctx, cancelAll := context.WithCancel(ctx)
	defer cancelAll()
	hello.Protocol = ProtocolVersion
	var wmu sync.Mutex
	send := func(v any) error {
		wmu.Lock()
		defer wmu.Unlock()
		return writeFrame(w, v)
	}
	if err := send(hello); err != nil {
		return fmt.Errorf("agent: write hello: %w", err)
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		running = map[uint64]context.CancelFunc{}
	)
	defer wg.Wait()
	for {
		var wr wireRequest
		if err := readFrame(r, &wr); err != nil {
			cancelAll()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("agent: read request: %w", err)
		}
		if wr.Cancel {
			mu.Lock()
			if c := running[wr.ID]; c != nil {
				c()
			}
			mu.Unlock()
			continue
		}
		rctx, cancel := context.WithCancel(ctx)
		mu.Lock()
		running[wr.ID] = cancel
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := handle(rctx, reg, &wr)
			mu.Lock()
			delete(running, wr.ID)
			mu.Unlock()
			cancel()
			// A write error means the controller is gone; the read side
			// sees the same and ends the loop.
			_ = send(resp)
		}()
	}
}

// handle runs one request and builds its response.
func handle(ctx context.Context, reg *module.Registry, wr *wireRequest) *wireResponse {
	resp := &wireResponse{ID: wr.ID}
	req, err := decodeRequest(wr)
	var res module.Result
	switch {
	case err != nil:
	case req.AsyncJID != "":
		if _, ok := reg.Lookup(req.Module); !ok {
			err = fmt.Errorf("%w: %s", ErrUnknownModule, req.Module)
			break
		}
		// a job that must outlive this agent and the controller
		res, err = startDetachedJob(wr, req)
	default:
		res, err = Dispatch(ctx, reg, req)
	}
	if err != nil {
		res = res.Fail(err)
		resp.Bug = errors.Is(err, ErrBug)
	}
	resp.Result = module.EncodeResult(res) // scrubbed of no_log values here, on the target
	if err != nil {
		msg, _ := res.ToDict().Get("msg")
		resp.Error = pyval.Str(msg)
	}
	return resp
}
