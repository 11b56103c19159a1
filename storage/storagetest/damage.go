package storagetest

import (
	"bytes"
	"database/sql"
	"os"
	"testing"
)

// DamageTable overwrites the root pages of table and of its indexes in the
// closed database file at path with bytes no b-tree page can begin with,
// as a failing disk would. The rest of the file, the schema included,
// stays readable.
func DamageTable(t testing.TB, path, table string) {
	t.Helper()
	c, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var pageSize int64
	if err := c.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	rows, err := c.Query(`SELECT rootpage FROM sqlite_master WHERE tbl_name = ? AND rootpage > 1`, table)
	if err != nil {
		t.Fatal(err)
	}
	var roots []int64
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		roots = append(roots, r)
	}
	if err := rows.Err(); err != nil || len(roots) == 0 {
		t.Fatalf("root pages of %s: %v, %v", table, roots, err)
	}
	c.Close()
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		t.Fatalf("%s-wal is not empty: close the database first", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := bytes.Repeat([]byte{0xee}, int(pageSize))
	for _, r := range roots {
		if _, err := f.WriteAt(junk, (r-1)*pageSize); err != nil {
			t.Fatal(err)
		}
	}
}
