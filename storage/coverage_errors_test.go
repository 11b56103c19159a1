package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/bot"
)

// TestMapErrOnRealSQLiteErrors feeds mapErr the errors SQLite really
// returns: only UNIQUE and PRIMARY KEY conflicts are duplicates, no rows is
// not found, and every other failure passes through unchanged, since it is
// a bug rather than something a caller should handle.
func TestMapErrOnRealSQLiteErrors(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	for _, q := range []string{
		`INSERT INTO houses (id, name, platform, created_at, updated_at) VALUES (1, 'Cedar House', 'test', 0, 0)`,
		`INSERT INTO roles (house_id, user_id, role) VALUES (1, 'U1', 'mentor')`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	sqlErr := func(query string) error {
		t.Helper()
		_, err := db.write.ExecContext(ctx, query)
		if err == nil {
			t.Fatalf("%s succeeded, want a failure", query)
		}
		return err
	}
	plain := errors.New("disk on fire")
	cases := []struct {
		name string
		err  error
		want error // the sentinel, or nil for "returned unchanged"
	}{
		{"unique", sqlErr(`INSERT INTO houses (name, platform, created_at, updated_at) VALUES ('Cedar House', 'test', 0, 0)`), bot.ErrDuplicate},
		{"primary key", sqlErr(`INSERT INTO roles (house_id, user_id, role) VALUES (1, 'U1', 'mentor')`), bot.ErrDuplicate},
		{"integer primary key", sqlErr(`INSERT INTO houses (id, name, platform, created_at, updated_at) VALUES (1, 'Oak House', 'test', 0, 0)`), bot.ErrDuplicate},
		{"not null", sqlErr(`INSERT INTO houses (name, platform, created_at, updated_at) VALUES (NULL, 'test', 0, 0)`), nil},
		{"check", sqlErr(`INSERT INTO partner_pairs (house_id, how, formed_at) VALUES (1, 'by lottery', 0)`), nil},
		{"foreign key", sqlErr(`INSERT INTO members (house_id, platform, user_id, status) VALUES (99, 'test', 'U1', 'active')`), nil},
		{"syntax", sqlErr(`INSERT INTO nowhere VALUES (1)`), nil},
		{"no rows", db.write.QueryRowContext(ctx, `SELECT id FROM houses WHERE id = 99`).Scan(new(int64)), bot.ErrNotFound},
		{"not from SQLite", plain, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := mapErr(c.err)
			if c.want == nil {
				if got != c.err {
					t.Errorf("mapErr(%v) = %v, want it unchanged", c.err, got)
				}
				if errors.Is(got, bot.ErrDuplicate) || errors.Is(got, bot.ErrNotFound) {
					t.Errorf("mapErr(%v) = %v, want no sentinel", c.err, got)
				}
				return
			}
			if !errors.Is(got, c.want) {
				t.Errorf("mapErr(%v) = %v, want %v", c.err, got, c.want)
			}
			// The context is kept: a duplicate still says which columns.
			if c.want == bot.ErrDuplicate && !strings.Contains(got.Error(), "constraint") {
				t.Errorf("mapErr(%v) = %q, want SQLite's message kept", c.err, got)
			}
			if w := wrap("save thing", c.err); !errors.Is(w, c.want) || !strings.HasPrefix(w.Error(), "save thing: ") {
				t.Errorf("wrap = %v, want \"save thing: \" and %v", w, c.want)
			}
		})
	}
	if mapErr(nil) != nil || wrap("x", nil) != nil {
		t.Error("a nil error did not stay nil")
	}
	if errors.Is(mapErr(sql.ErrConnDone), bot.ErrNotFound) {
		t.Error("a closed connection reads as not found")
	}
}

// TestUnknownStoredRoleIsAnError checks a role name this version does not
// know (written by hand, or by a newer Porchlight) is reported, not read
// as no role or as some other role.
func TestUnknownStoredRoleIsAnError(t *testing.T) {
	ctx := context.Background()
	db := freshDB(t)
	for _, q := range []string{
		`INSERT INTO houses (id, name, platform, created_at, updated_at) VALUES (1, 'Cedar House', 'test', 0, 0)`,
		`INSERT INTO roles (house_id, user_id, role) VALUES (1, 'U1', 'mentor'), (1, 'U1', 'superuser')`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	err := db.View(ctx, func(tx bot.Tx) error {
		r, err := tx.GrantedRoles(ctx, 1, "U1")
		if err == nil || !strings.Contains(err.Error(), "superuser") {
			t.Errorf("GrantedRoles = %b, %v; want an error naming the unknown role", r, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
