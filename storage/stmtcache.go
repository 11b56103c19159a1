package storage

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"

	"modernc.org/sqlite"
)

// The driver compiles a statement's SQL text on every call that is not
// made through a prepared statement, and database/sql prepares nothing by
// itself: compiling was most of the tick's CPU and a third of ingest's.
// So each connection keeps the statements it prepared, by their SQL text,
// and runs them again (the driver resets and rebinds a prepared statement
// between runs). The storage code needs no change for it: database/sql
// runs an Exec or a Query on a connection that cannot run SQL text
// directly by preparing a statement and closing it afterwards, and
// closing a cached statement only returns it to its connection's cache.

// maxCachedStmts bounds each connection's cache. The store's statements
// are a fixed set of constants, far fewer; SQL built with a variable
// number of placeholders beyond the bound runs uncached.
const maxCachedStmts = 512

// cachingConnector opens the driver's connections wrapped in cachingConn.
type cachingConnector struct {
	dsn string
	drv *sqlite.Driver
}

func (c cachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	// Every method cachingConn forwards to, checked once here.
	inner, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, errors.New("sqlite driver: connection lacks a context method")
	}
	return &cachingConn{inner: inner, stmts: map[string]*cachedStmt{}}, nil
}

func (c cachingConnector) Driver() driver.Driver { return c.drv }

// sqliteConn is what cachingConn needs of the driver's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.SessionResetter
	driver.Validator
	driver.Pinger
}

// cachingConn is a driver connection that keeps its prepared statements.
// It deliberately does not implement driver.ExecerContext or
// driver.QueryerContext, so that database/sql prepares every statement.
type cachingConn struct {
	inner sqliteConn
	// mu guards stmts; database/sql already serialises a connection's
	// calls, but a statement may be closed by the Rows that used it.
	mu    sync.Mutex
	stmts map[string]*cachedStmt
}

// PrepareContext returns the connection's statement for query, preparing
// it on first use. A statement in use (its rows still open, say, while the
// same query runs again in the loop over them) is not shared: that call
// gets a statement of its own, closed after it.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.mu.Lock()
	s, cached := c.stmts[query]
	if cached && !s.busy {
		s.busy = true
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	ds, err := c.inner.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cached || len(c.stmts) >= maxCachedStmts {
		return ds, nil
	}
	s = &cachedStmt{Stmt: ds, conn: c, busy: true}
	c.stmts[query] = s
	return s, nil
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// Close finalises the cached statements, then closes the connection.
func (c *cachingConn) Close() error {
	c.mu.Lock()
	var errs []error
	for _, s := range c.stmts {
		errs = append(errs, s.Stmt.Close())
	}
	c.stmts = nil
	c.mu.Unlock()
	return errors.Join(append(errs, c.inner.Close())...)
}

func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.inner.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.BeginTx(ctx, opts)
}

func (c *cachingConn) ResetSession(ctx context.Context) error { return c.inner.ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                          { return c.inner.IsValid() }
func (c *cachingConn) Ping(ctx context.Context) error         { return c.inner.Ping(ctx) }

// cachedStmt is a prepared statement kept by its connection. Closing it
// returns it to the cache; the connection's Close finalises it.
type cachedStmt struct {
	driver.Stmt
	conn *cachingConn
	busy bool // guarded by conn.mu
}

func (s *cachedStmt) Close() error {
	s.conn.mu.Lock()
	s.busy = false
	s.conn.mu.Unlock()
	return nil
}

func (s *cachedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *cachedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}
