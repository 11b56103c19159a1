package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/porchlight/porchlight/bot"
)

// convoCols are the columns scanConvo reads, in order.
const convoCols = `platform, user_id, house_id, form_id, fields_json, values_json, next_field, paged, page_limit, concern, started_at`

func scanConvo(s scanner) (*bot.Conversation, error) {
	var c bot.Conversation
	var fields, vals string
	var concern int
	var started int64
	if err := s.Scan(&c.Platform, &c.UserID, &c.HouseID, &c.FormID, &fields, &vals, &c.Next, &c.Paged, &c.Limit, &concern, &started); err != nil {
		return nil, err
	}
	// Decoding errors name the column, never its content.
	if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
		return nil, fmt.Errorf("conversation fields: %w", err)
	}
	if err := json.Unmarshal([]byte(vals), &c.Values); err != nil {
		return nil, fmt.Errorf("conversation values: %w", err)
	}
	if c.Values == nil {
		c.Values = map[string]string{}
	}
	c.Concern = bot.Concern(concern)
	c.StartedAt = time.Unix(started, 0).UTC()
	return &c, nil
}

// Conversation returns the user's form in progress started at or after
// since; bot.ErrNotFound if there is none, or only an expired one.
func (t *tx) Conversation(ctx context.Context, platform, userID string, since time.Time) (*bot.Conversation, error) {
	c, err := scanConvo(t.q.QueryRowContext(ctx, `SELECT `+convoCols+` FROM conversations
		WHERE platform = ? AND user_id = ? AND started_at >= ?`, platform, userID, since.Unix()))
	if err != nil {
		return nil, wrap("conversation", err)
	}
	return c, nil
}

// SaveConversation inserts the user's form in progress, or replaces the one
// they had, whatever it was.
func (t *tx) SaveConversation(ctx context.Context, c *bot.Conversation) error {
	fields, err := json.Marshal(c.Fields)
	if err != nil {
		return fmt.Errorf("save conversation: fields: %w", err)
	}
	vals := c.Values
	if vals == nil {
		vals = map[string]string{}
	}
	vb, err := json.Marshal(vals)
	if err != nil {
		return fmt.Errorf("save conversation: values: %w", err)
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO conversations (`+convoCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (platform, user_id) DO UPDATE SET
			house_id = excluded.house_id, form_id = excluded.form_id,
			fields_json = excluded.fields_json, values_json = excluded.values_json,
			next_field = excluded.next_field, paged = excluded.paged, page_limit = excluded.page_limit,
			concern = excluded.concern, started_at = excluded.started_at`,
		c.Platform, c.UserID, c.HouseID, c.FormID, string(fields), string(vb), c.Next, c.Paged, c.Limit, int(c.Concern), c.StartedAt.Unix())
	return wrap("save conversation", err)
}

// DropConversation deletes the user's form in progress, if any.
func (t *tx) DropConversation(ctx context.Context, platform, userID string) error {
	_, err := t.q.ExecContext(ctx, `DELETE FROM conversations WHERE platform = ? AND user_id = ?`, platform, userID)
	return wrap("drop conversation", err)
}

// pruneConvosSQL deletes a bounded chunk of expired conversations.
const pruneConvosSQL = `DELETE FROM conversations WHERE rowid IN (
	SELECT rowid FROM conversations WHERE started_at < ? ORDER BY started_at LIMIT ?)`

// PruneConversations deletes up to limit conversations started before
// before, oldest first, walking the index on started_at.
func (t *tx) PruneConversations(ctx context.Context, before time.Time, limit int) (int, error) {
	return t.changed(ctx, "prune conversations", pruneConvosSQL, before.Unix(), limit)
}

// formDraftCols are the columns scanFormDraft reads, in order.
const formDraftCols = `id, platform, user_id, house_id, form_json, created_at`

func scanFormDraft(s scanner) (*bot.FormDraft, error) {
	var d bot.FormDraft
	var form string
	var created int64
	if err := s.Scan(&d.ID, &d.Platform, &d.UserID, &d.HouseID, &form, &created); err != nil {
		return nil, err
	}
	// A decoding error names the column, never its content.
	if err := json.Unmarshal([]byte(form), &d.Form); err != nil {
		return nil, fmt.Errorf("kept form %d: form_json: %w", d.ID, err)
	}
	d.CreatedAt = time.Unix(created, 0).UTC()
	return &d, nil
}

// SaveFormDraft stores a form kept for a button and returns its id.
func (t *tx) SaveFormDraft(ctx context.Context, d *bot.FormDraft) (int64, error) {
	form, err := json.Marshal(d.Form)
	if err != nil {
		return 0, fmt.Errorf("save kept form: %w", err)
	}
	err = t.q.QueryRowContext(ctx, `INSERT INTO form_drafts (platform, user_id, house_id, form_json, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`,
		d.Platform, d.UserID, d.HouseID, string(form), d.CreatedAt.Unix()).Scan(&d.ID)
	if err != nil {
		return 0, wrap("save kept form", err)
	}
	return d.ID, nil
}

// FormDraft returns the form kept under id at or after since;
// bot.ErrNotFound if there is none, or only an expired one.
func (t *tx) FormDraft(ctx context.Context, id int64, since time.Time) (*bot.FormDraft, error) {
	d, err := scanFormDraft(t.q.QueryRowContext(ctx, `SELECT `+formDraftCols+` FROM form_drafts
		WHERE id = ? AND created_at >= ?`, id, since.Unix()))
	if err != nil {
		return nil, wrap("kept form", err)
	}
	return d, nil
}

// pruneFormDraftsSQL deletes a bounded chunk of expired kept forms.
const pruneFormDraftsSQL = `DELETE FROM form_drafts WHERE id IN (
	SELECT id FROM form_drafts WHERE created_at < ? ORDER BY created_at LIMIT ?)`

// ConvosBefore reports whether a conversation was started or a form kept
// before before; one probe of each table's time index.
func (t *tx) ConvosBefore(ctx context.Context, before time.Time) (bool, error) {
	var found bool
	err := t.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM conversations WHERE started_at < ?1)
		OR EXISTS (SELECT 1 FROM form_drafts WHERE created_at < ?1)`, before.Unix()).Scan(&found)
	return found, wrap("conversations before", err)
}

// PruneFormDrafts deletes up to limit forms kept before before, oldest
// first, walking the index on created_at.
func (t *tx) PruneFormDrafts(ctx context.Context, before time.Time, limit int) (int, error) {
	return t.changed(ctx, "prune kept forms", pruneFormDraftsSQL, before.Unix(), limit)
}
