package connection

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Pool keeps one connection per host for a whole run: every task and play
// that targets the same host with the same settings reuses it, as Ansible's
// ControlPersist does. It is safe for concurrent use; concurrent Gets for one
// host wait for a single dial.
type Pool struct {
	// Dialer opens the connections; a nil Dialer means a zero Dialer.
	Dialer *Dialer

	mu     sync.Mutex
	conns  map[string]*poolEntry
	closed bool
}

type poolEntry struct {
	ready chan struct{} // closed when the dial finished
	conn  *SSHConn
	err   error
}

// NewPool returns a Pool that dials with d.
func NewPool(d *Dialer) *Pool { return &Pool{Dialer: d} }

// Get returns the connection for t, dialling it on first use or when the
// previous one died. The Pool owns the connection: callers do not Close it
// unless they want the next Get to reconnect (meta: reset_connection). A
// failed dial is not cached, so a later task retries.
func (p *Pool) Get(ctx context.Context, t Target) (Conn, error) {
	local, err := isLocal(t.Connection)
	if err != nil {
		return nil, err
	}
	if local {
		return Local{}, nil
	}
	key := poolKey(t)
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, fmt.Errorf("connection pool is closed")
		}
		if p.conns == nil {
			p.conns = map[string]*poolEntry{}
		}
		if p.Dialer == nil {
			p.Dialer = &Dialer{}
		}
		e, ok := p.conns[key]
		if !ok {
			e = &poolEntry{ready: make(chan struct{})}
			p.conns[key] = e
			p.mu.Unlock()
			p.dial(ctx, key, e, t)
			if e.err != nil {
				return nil, e.err
			}
			return e.conn, nil
		}
		p.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
		if e.err == nil && e.conn.Alive() {
			return e.conn, nil
		}
		// The other dial failed or its connection died since: forget it
		// and dial again.
		p.forget(key, e)
		if e.conn != nil {
			// Already dead; the close only releases jump hosts and proxies.
			_ = e.conn.Close()
		}
	}
}

func (p *Pool) dial(ctx context.Context, key string, e *poolEntry, t Target) {
	defer close(e.ready)
	p.mu.Lock()
	d := p.Dialer
	p.mu.Unlock()
	c, err := d.DialSSH(ctx, t)
	if err != nil {
		e.err = err
		p.forget(key, e)
		return
	}
	c.onClose = func() { p.forget(key, e) }
	e.conn = c
}

func (p *Pool) forget(key string, e *poolEntry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns[key] == e {
		delete(p.conns, key)
	}
}

// Close closes every pooled connection; later Gets fail.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed = true
	entries := p.conns
	p.conns = nil
	p.mu.Unlock()
	var firstErr error
	for _, e := range entries {
		<-e.ready
		if e.conn != nil {
			if err := e.conn.Close(); err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	return firstErr
}

// poolKey identifies a connection by everything that can change how it is
// made. The password enters only as a hash, so keys are safe to log.
func poolKey(t Target) string {
	pw := ""
	if t.Password != "" {
		h := sha256.Sum256([]byte(t.Password))
		pw = hex.EncodeToString(h[:8])
	}
	host := t.Host
	if host == "" {
		host = t.Name
	}
	return strings.Join([]string{
		host, strconv.Itoa(t.Port), t.User, strings.Join(t.IdentityFiles, "\x00"), pw,
		t.CommonArgs, t.ExtraArgs, strconv.FormatBool(t.NoHostKeyChecking), t.Timeout.String(),
	}, "\x01")
}
