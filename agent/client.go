package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"gplay/module"
)

// ErrLost is returned by Call when the agent's channel ended before the
// answer came: the agent died or the connection dropped. The connection
// layer reports it as the host being unreachable.
var ErrLost = errors.New("lost the connection to the gplay agent")

// Client is the controller's side of one agent: it sends requests on w and
// reads answers from r. It is safe for concurrent use.
type Client struct {
	w     io.Writer
	wmu   sync.Mutex
	hello Hello

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan *wireResponse
	err     error         // why the read loop ended
	done    chan struct{} // closed when the read loop ends
}

// NewClient reads the agent's hello from r and starts reading answers.
// It fails when the agent speaks another protocol version.
func NewClient(r io.Reader, w io.Writer) (*Client, error) {
	var h Hello
	if err := readFrame(r, &h); err != nil {
		return nil, fmt.Errorf("%w: no hello from the agent: %v", ErrLost, err)
	}
	if h.Protocol != ProtocolVersion {
		return nil, fmt.Errorf("agent %q speaks protocol %d, this gplay speaks %d", h.Agent, h.Protocol, ProtocolVersion)
	}
	c := &Client{w: w, hello: h, pending: map[uint64]chan *wireResponse{}, done: make(chan struct{})}
	go c.readLoop(r)
	return c, nil
}

// Hello returns what the agent said when it started.
func (c *Client) Hello() Hello { return c.hello }

func (c *Client) readLoop(r io.Reader) {
	var err error
	for {
		resp := &wireResponse{}
		if err = readFrame(r, resp); err != nil {
			break
		}
		c.mu.Lock()
		ch := c.pending[resp.ID]
		delete(c.pending, resp.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- resp // buffered: never blocks
		}
	}
	c.mu.Lock()
	c.err = fmt.Errorf("%w: %v", ErrLost, err)
	c.mu.Unlock()
	close(c.done)
}

// Call runs one module on the target: one frame out, one frame back. When
// the task fails, the error carries the module's msg and the Result is
// still filled (rc, stdout survive). Cancelling ctx cancels the module on
// the target.
func (c *Client) Call(ctx context.Context, req Request) (module.Result, error) {
	ch := make(chan *wireResponse, 1)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return module.Result{}, err
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()

	wr, err := encodeRequest(id, req)
	if err == nil {
		err = c.send(wr)
	}
	if err != nil {
		c.forget(id)
		return module.Result{}, fmt.Errorf("%w: %v", ErrLost, err)
	}
	select {
	case resp := <-ch:
		return decodeResponse(resp)
	case <-ctx.Done():
		c.forget(id)
		// Best effort: the agent stops the module; its late answer is dropped.
		_ = c.send(&wireRequest{ID: id, Cancel: true})
		return module.Result{}, ctx.Err()
	case <-c.done:
		select {
		case resp := <-ch: // answered just before the channel ended
			return decodeResponse(resp)
		default:
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		return module.Result{}, c.err
	}
}

// Close closes the sending side (when it is a Closer), which ends the agent.
func (c *Client) Close() error {
	if cl, ok := c.w.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

func (c *Client) send(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return writeFrame(c.w, v)
}

func (c *Client) forget(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func decodeResponse(resp *wireResponse) (module.Result, error) {
	res, err := module.DecodeResult(resp.Result)
	if err != nil {
		return module.Result{}, fmt.Errorf("agent answer %d: %w", resp.ID, err)
	}
	if resp.Error == "" {
		return res, nil
	}
	if resp.Bug {
		return res, fmt.Errorf("%w: %s", ErrBug, resp.Error)
	}
	return res, errors.New(resp.Error)
}
