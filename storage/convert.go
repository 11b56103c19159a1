package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// unixOrNull is t as unix seconds, or NULL for the zero time.
func unixOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// unixCeilOrNull is unixOrNull rounded up to the next whole second: for a
// time something must not happen before, such as a retry. Times are kept
// in whole seconds, and rounding down would make a wait shorter than a
// second (a 300 ms rate limit) due at once, in the same second.
func unixCeilOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if s := t.Unix(); t.After(time.Unix(s, 0)) {
		return s + 1
	}
	return t.Unix()
}

// timeOf reads a nullable unix-seconds column back as a UTC time, the zero
// time for NULL.
func timeOf(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(n.Int64, 0).UTC()
}

// idOrNull is a reference to another row, NULL for 0 (none).
func idOrNull(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// textOrNull is s, or NULL for the empty string (used for optional unique
// keys, where NULLs never conflict).
func textOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// placeholders returns "?, ?, …" for n parameters.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// oneRow turns an UPDATE or DELETE that touched no row into sql.ErrNoRows,
// which mapErr reports as bot.ErrNotFound.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}

// queryAll runs a query in t and scans every row with scan, for the
// features' list reads.
func queryAll[T any](ctx context.Context, t *tx, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, v)
	}
	return out, wrap(what, rows.Err())
}
