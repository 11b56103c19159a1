// Package storage keeps Porchlight's state in one SQLite file, through the
// pure-Go modernc.org/sqlite driver (no cgo). It implements bot.Store.
//
// A DB holds two handles on the same file: a single write connection, so
// that every Update is serialised in Go rather than fighting over SQLite's
// lock, and a small pool of query-only connections for View. The database
// runs in WAL mode, so readers never block the writer and see the last
// committed state.
//
// Times are stored in UTC as INTEGER unix seconds; the zero time.Time is
// stored as NULL and read back as the zero time. Sub-second precision is
// dropped. Not-found and duplicate-key failures are reported as
// bot.ErrNotFound and bot.ErrDuplicate (see errors.go); a lookup never
// returns a nil value with a nil error.
//
// The schema is created and upgraded by the numbered, embedded, forward-only
// migrations in migrations/, applied by Open unless NoMigrate is given.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/porchlight/porchlight/bot"

	"modernc.org/sqlite"
)

// WriteParams are the DSN parameters of the write connection (the
// benchmarks' raw-SQLite reference opens with them too, so that both run
// with the same pragmas). _txlock=immediate makes BEGIN take the write lock
// at once, so a transaction never fails half-way when it upgrades from
// reading to writing. wal_autocheckpoint(0) keeps checkpoints out of the
// writer's commits: the checkpointer runs them beside it (checkpoint.go).
//
// synchronous(FULL) flushes the WAL to disk at every commit, so a commit
// that returned survives a power loss or a crash of the machine, not only
// of the process: the core acknowledges an answer, a button press or a
// crisis consent only after its commit, and that acknowledgement must
// hold. (With NORMAL, the last commits before a power loss may roll
// back.) The flush is what group commit shares: callers that queue behind
// a commit share the next one (writer.go).
const WriteParams = writeParamsBase + "&_pragma=synchronous(FULL)"

// writeParamsBase is WriteParams without the synchronous pragma, which
// RelaxedSync sets to NORMAL instead.
const writeParamsBase = "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"

// readParams are the DSN parameters of the read pool. query_only makes an
// accidental write inside View fail instead of racing the writer; the
// journal mode is already WAL, set by the writer and stored in the file.
const readParams = "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=query_only(1)&_txlock=deferred"

// backupParams are the DSN parameters of the connection Backup opens.
const backupParams = "_pragma=busy_timeout(5000)"

// DB is an open Porchlight database. It implements bot.Store and is safe
// for concurrent use.
type DB struct {
	path  string
	write *sql.DB
	// writer runs the write transactions on write, committing concurrent
	// ones together (writer.go).
	writer *writer
	read   *sql.DB
	// ckpt checkpoints the WAL beside the writer (checkpoint.go).
	ckpt *checkpointer
	log  *slog.Logger
	// readConns is the size of the read pool.
	readConns int
	// exclusive, checkIntegrity and checkUnclean are the Exclusive,
	// CheckIntegrity and CheckIntegrityAfterUncleanStop options; lock is
	// the instance lock Exclusive took; checked is whether Open ran the
	// integrity check.
	exclusive      bool
	checkIntegrity bool
	checkUnclean   bool
	lock           *instanceLock
	checked        bool
	// noMigrate is the NoMigrate option.
	noMigrate bool
	// batchHold is the WithBatchHold option.
	batchHold time.Duration
	// writeParams are WriteParams, or RelaxedSync's.
	writeParams string
}

// Option configures Open.
type Option func(*DB)

// WithBatchHold sets how long one transaction of queued writes runs its
// callers' work before leaving the rest for the next (maxBatchHold, 50 ms,
// by default; see writer.go).
func WithBatchHold(d time.Duration) Option {
	return func(db *DB) { db.batchHold = d }
}

// RelaxedSync opens the write connection with synchronous(NORMAL): commits
// are not flushed to disk one by one, so a power loss may roll back the
// last of them (a crash of the process loses nothing). It is for files
// that are rebuilt when lost, such as the benchmarks' generated histories,
// where it halves the time a history takes; never for a bot's database.
func RelaxedSync() Option {
	return func(db *DB) { db.writeParams = writeParamsBase + "&_pragma=synchronous(NORMAL)" }
}

// WithLogger sets the logger; by default nothing is logged. Only ids and
// schema versions are ever logged.
func WithLogger(l *slog.Logger) Option {
	return func(db *DB) { db.log = l }
}

// WithReadConns sets how many connections View may use at once (default 4).
func WithReadConns(n int) Option {
	return func(db *DB) {
		if n > 0 {
			db.readConns = n
		}
	}
}

// NoMigrate makes Open leave the schema as it is: it neither creates the
// file nor applies pending migrations, and refuses a database whose schema
// is older than this program's with a *SchemaError (and, as always, one
// that is newer). The commands that work beside a running bot without its
// instance lock (export, erase, digest, audit, outbox) use it: migrating
// would change the schema under a bot that may be an older Porchlight.
// Only the commands that hold the lock (run, demo, migrate, load,
// restore) upgrade a database.
func NoMigrate() Option {
	return func(db *DB) { db.noMigrate = true }
}

// Compile-time checks that DB implements the core's interfaces.
var (
	_ bot.Store       = (*DB)(nil)
	_ bot.Tx          = (*tx)(nil)
	_ bot.OutboxStore = outbox{}
)

// Open opens the database file at path, creating it with mode 0600 if it
// does not exist, and applies pending migrations. An existing file (and its
// -wal and -shm companions) that others may read is made private too, since
// it holds residents' answers. With NoMigrate, it does neither: see there.
//
// path must be a plain file path. In-memory databases (":memory:", "") are
// refused: every connection would get its own empty database, and the read
// pool would not see what the writer wrote. Tests use a file in t.TempDir()
// (see storagetest.Open).
//
// With Exclusive, Open first takes the database's instance lock; with
// CheckIntegrity, it checks the file before migrating, and with
// CheckIntegrityAfterUncleanStop only when the last stop may have left
// damage. A file that SQLite
// cannot read as a database is refused with an error wrapping ErrCorrupt
// either way.
func Open(ctx context.Context, path string, opts ...Option) (_ *DB, err error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	db := &DB{path: path, log: slog.New(slog.DiscardHandler), readConns: 4, batchHold: maxBatchHold, writeParams: WriteParams}
	for _, o := range opts {
		o(db)
	}
	db.log = db.log.With("component", "storage")
	if db.exclusive {
		// Before anything touches the file: a second instance must not
		// even migrate it.
		if db.lock, err = lockInstance(path); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil && db.lock != nil { // Close may have released it
				db.lock.release()
			}
		}()
	}
	if db.noMigrate {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			// Not even created: a mistyped path must not leave a file.
			return nil, db.schemaError(0)
		}
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("open db: %w", err)
	}

	// Both handles keep their connections' prepared statements (see
	// stmtcache.go).
	w := sql.OpenDB(cachingConnector{dsn: path + "?" + db.writeParams, drv: &sqlite.Driver{}})
	// One writer: database/sql queues Update calls for the connection, so
	// they never meet SQLITE_BUSY inside this process. Keep it open forever.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db.write = w
	db.writer = &writer{db: w, maxHold: db.batchHold}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, corruptOr(path, err)
	}
	check, err := db.needsCheck(ctx, w)
	if err != nil {
		w.Close()
		return nil, corruptOr(path, err)
	}
	if check {
		if err := quickCheck(ctx, w, path); err != nil {
			w.Close()
			return nil, err
		}
		db.checked = true
		if db.lock != nil {
			db.lock.checked()
		}
	}
	// The writer has now created -wal and -shm; SQLite gives them the main
	// file's mode, but files left by an older run may be looser.
	for _, f := range []string{path + "-wal", path + "-shm"} {
		if err := makePrivate(f); err != nil {
			w.Close()
			return nil, fmt.Errorf("open db: %w", err)
		}
	}
	migrate := db.Migrate
	if db.noMigrate {
		migrate = db.checkSchema
	}
	if err := migrate(ctx); err != nil {
		w.Close()
		if ErrorClass(err) == ClassCorrupt {
			return nil, corruptOr(path, err)
		}
		return nil, err
	}

	r := sql.OpenDB(cachingConnector{dsn: path + "?" + readParams, drv: &sqlite.Driver{}})
	r.SetMaxOpenConns(db.readConns)
	r.SetMaxIdleConns(db.readConns)
	db.read = r
	if err := r.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open db: %w", err)
	}
	if db.ckpt, err = startCheckpointer(ctx, path, db.log); err != nil {
		db.Close()
		return nil, fmt.Errorf("open db: checkpointer: %w", err)
	}
	db.ckpt.pause, db.writer.committed = db.writer.pause, db.ckpt.poke
	return db, nil
}

// checkPath refuses names the driver would not treat as a plain file.
func checkPath(path string) error {
	switch {
	case path == "" || path == ":memory:" || strings.Contains(path, "mode=memory"):
		return errors.New("open db: in-memory databases are not supported; give a file path")
	case strings.HasPrefix(path, "file:"):
		return fmt.Errorf("open db: %q: give a plain file path, not a URI", path)
	case strings.Contains(path, "?"):
		// The driver splits the DSN at the first '?'.
		return fmt.Errorf("open db: %q: the path may not contain '?'", path)
	}
	return nil
}

// createPrivate creates path with mode 0600 if it does not exist, before
// SQLite opens it (SQLite would create it 0644 less the umask), and makes
// an existing file private.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		return f.Close()
	case errors.Is(err, fs.ErrExist):
		return makePrivate(path)
	default:
		return err
	}
}

// makePrivate removes group and other permissions from path, if it exists.
func makePrivate(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return os.Chmod(path, st.Mode().Perm()&0o700)
}

// Close closes both handles, then releases the instance lock if Open took
// one. The last connection to close checkpoints the WAL into the main
// file, so the lock is held until the file is settled.
func (db *DB) Close() error {
	var errs []error
	if db.ckpt != nil {
		// Kept after Close for CheckpointStats; a second close is a no-op.
		errs = append(errs, db.ckpt.close())
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if db.lock != nil {
		errs = append(errs, db.lock.release())
		db.lock = nil
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close db: %w", err)
	}
	return nil
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Update runs fn in a write transaction on the single writer connection,
// committing if fn returns nil and rolling fn's work back otherwise; fn's
// error is returned as is. A panic in fn rolls its work back and is
// re-raised. Update returns only after fn's work is committed (or lost).
//
// Concurrent Updates share transactions (group commit, writer.go): fn may
// run on another caller's goroutine, after other callers' work in the same
// transaction, whose writes it sees; each fn's work is in a savepoint of
// its own, so a failing fn does not undo the others'. If the shared commit
// fails, every caller gets its error. A lone Update runs at once, in a
// transaction of its own.
//
// Calls queue for the writer, so an Update must not call Update (it would
// wait for itself). View inside an Update does not see the Update's
// uncommitted writes.
func (db *DB) Update(ctx context.Context, fn func(bot.Tx) error) error {
	return db.inWrite(ctx, func(q querier) error { return fn(&tx{q: q}) })
}

// inWrite runs fn in a write transaction, as Update describes; fn's
// statements run whatever ctx does once fn has started (see shared).
func (db *DB) inWrite(ctx context.Context, fn func(querier) error) error {
	return db.writer.do(ctx, func(q *sql.Tx) error { return fn(shared{q}) })
}

// View runs fn in a read-only transaction from the read pool: it sees one
// consistent snapshot of the last commit, and any write fails.
func (db *DB) View(ctx context.Context, fn func(bot.Tx) error) error {
	sqlTx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	// Rolling back a read transaction only releases its snapshot.
	defer sqlTx.Rollback()
	return fn(&tx{q: sqlTx, snapshot: &snapshotMemo{}})
}

// Outbox returns the sender's view of the outbox.
func (db *DB) Outbox() bot.OutboxStore { return outbox{db: db} }

// changed runs a statement that changes rows and returns how many it
// changed; what names it in an error.
func (t *tx) changed(ctx context.Context, what, query string, args ...any) (int, error) {
	res, err := t.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, wrap(what, err)
	}
	n, err := res.RowsAffected()
	return int(n), wrap(what, err)
}

// tx is one transaction. It implements bot.Tx; its methods live in the file
// of their concern (house.go, member.go, …).
type tx struct {
	q querier
	// snapshot, in a read transaction only, keeps answers that cannot
	// change while it lasts (snapshotMemo); nil in a write transaction,
	// whose own writes can change them.
	snapshot *snapshotMemo
}

// snapshotMemo keeps what a read transaction's snapshot answered to
// questions asked again in it with the same parameters.
type snapshotMemo struct {
	// aggregates are AggregateAnswers' results.
	aggregates map[aggregateKey]bot.AnswerAggregate
}

// querier is what a tx runs its statements on: a read transaction as it
// is, a write transaction as shared.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// shared is a write transaction that may hold other callers' work (group
// commit): its statements run whatever the calling context does. A
// statement SQLite interrupts when a context ends can roll the whole
// transaction back, which would undo the other callers' work in it, so a
// caller's cancellation is seen only before its work starts (writer.do).
type shared struct{ *sql.Tx }

// ExecContext is sql.Tx's, not cancelled with ctx.
func (s shared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.Tx.ExecContext(context.WithoutCancel(ctx), query, args...)
}

// QueryContext is sql.Tx's, not cancelled with ctx.
func (s shared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.Tx.QueryContext(context.WithoutCancel(ctx), query, args...)
}

// QueryRowContext is sql.Tx's, not cancelled with ctx.
func (s shared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return s.Tx.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}
