package slacktest

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// View is a view the fake opened, pushed, updated or published.
type View struct {
	ID              string
	Type            string // "modal" or "home"
	CallbackID      string
	PrivateMetadata string
	ExternalID      string
	Hash            string
	RootViewID      string
	PreviousViewID  string
	// UserID is the owner of a published home tab.
	UserID string
	// TriggerID is the trigger that opened or pushed the view.
	TriggerID string
	// JSON is the view object as the fake last answered it.
	JSON json.RawMessage
}

// Views returns every view the fake holds, in the order they were created.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]View, 0, len(s.views))
	for _, v := range s.views {
		out = append(out, *v)
	}
	// Ids come from one increasing sequence, so they sort by creation.
	slices.SortFunc(out, func(a, b View) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// ViewByID returns the view with the given id.
func (s *Server) ViewByID(id string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[id]
	if !ok {
		return View{}, false
	}
	return *v, true
}

// decodeView reads the "view" parameter as a JSON object.
func decodeView(c Call) (map[string]any, *answer) {
	raw := c.Param("view")
	var v map[string]any
	if raw == "" || json.Unmarshal([]byte(raw), &v) != nil || v == nil {
		a := errAnswerMsgs("invalid_arguments", []string{"[ERROR] missing required field: view"})
		return nil, &a
	}
	return v, nil
}

// str returns m[key] when it is a string.
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// triggerLocked checks a trigger id: Slack accepts each trigger once. Ids
// the fake did not hand out are accepted, so tests may invent their own.
// The caller holds s.mu.
func (s *Server) triggerLocked(id string) string {
	if id == "" {
		return "invalid_trigger_id"
	}
	if s.expired[id] {
		return "expired_trigger_id"
	}
	if used, issued := s.triggers[id]; issued {
		if used {
			return "exchanged_trigger_id"
		}
		s.triggers[id] = true
	}
	return ""
}

// ExpireTrigger makes views.open and views.push refuse a trigger id with
// expired_trigger_id, as Slack does 3 s after the interaction that gave
// it. The id need not have been handed out yet: a test can expire the id
// it then sends in a SlashCommand or BlockActions.
func (s *Server) ExpireTrigger(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expired[id] = true
}

// storeViewLocked completes a submitted view with the fields Slack adds,
// stores it and returns the answer. prev is the view being replaced, if
// any. The caller holds s.mu.
func (s *Server) storeViewLocked(v map[string]any, prev *View, trigger, user string) answer {
	id := ""
	root := ""
	if prev != nil {
		id, root = prev.ID, prev.RootViewID
	} else {
		id = s.idLocked("V")
		root = id
	}
	for key, def := range map[string]any{
		"private_metadata": "", "callback_id": "", "external_id": "",
		"clear_on_close": false, "notify_on_close": false,
		"close": nil, "submit": nil, "blocks": []any{},
	} {
		if _, ok := v[key]; !ok {
			v[key] = def
		}
	}
	hash := strconv.FormatInt(baseTime, 10) + "." + strconv.Itoa(s.nextLocked())
	v["id"] = id
	v["team_id"] = s.cfg.TeamID
	v["app_id"] = s.cfg.AppID
	v["bot_id"] = s.cfg.BotID
	v["app_installed_team_id"] = s.cfg.TeamID
	v["hash"] = hash
	v["root_view_id"] = root
	v["previous_view_id"] = nil
	v["state"] = map[string]any{"values": map[string]any{}}

	raw, err := json.Marshal(v)
	if err != nil {
		return errAnswer("internal_error")
	}
	stored := &View{
		ID: id, Type: str(v, "type"), CallbackID: str(v, "callback_id"),
		PrivateMetadata: str(v, "private_metadata"), ExternalID: str(v, "external_id"),
		Hash: hash, RootViewID: root, UserID: user, TriggerID: trigger, JSON: raw,
	}
	if prev != nil {
		stored.TriggerID, stored.UserID = prev.TriggerID, prev.UserID
	}
	s.views[id] = stored
	return okAnswer(map[string]any{"view": json.RawMessage(raw)})
}

// viewByExternalLocked finds a view by its external_id. The caller holds s.mu.
func (s *Server) viewByExternalLocked(ext string) *View {
	for _, v := range s.views {
		if ext != "" && v.ExternalID == ext {
			return v
		}
	}
	return nil
}

// openLocked serves views.open and views.push, which differ only in name
// here. The caller holds s.mu.
func (s *Server) openLocked(c Call) answer {
	v, bad := decodeView(c)
	if bad != nil {
		return *bad
	}
	if msgs := validateView(v, "modal"); len(msgs) > 0 {
		return errAnswerMsgs("invalid_arguments", msgs)
	}
	if s.viewByExternalLocked(str(v, "external_id")) != nil {
		return errAnswer("duplicate_external_id")
	}
	if code := s.triggerLocked(c.Param("trigger_id")); code != "" {
		return errAnswer(code)
	}
	return s.storeViewLocked(v, nil, c.Param("trigger_id"), "")
}

// viewsOpen opens a modal from a trigger.
func (s *Server) viewsOpen(c Call) answer { return s.openLocked(c) }

// viewsPush pushes a modal onto the stack; the fake does not model the
// stack beyond storing the view.
func (s *Server) viewsPush(c Call) answer { return s.openLocked(c) }

// viewsUpdate replaces a view found by view_id or external_id, checking
// the hash when one is sent.
func (s *Server) viewsUpdate(c Call) answer {
	v, bad := decodeView(c)
	if bad != nil {
		return *bad
	}
	var prev *View
	if id := c.Param("view_id"); id != "" {
		prev = s.views[id]
	} else {
		prev = s.viewByExternalLocked(c.Param("external_id"))
	}
	if prev == nil {
		return errAnswer("not_found")
	}
	if h := c.Param("hash"); h != "" && h != prev.Hash {
		return errAnswer("hash_conflict")
	}
	if msgs := validateView(v, "modal"); len(msgs) > 0 {
		return errAnswerMsgs("invalid_arguments", msgs)
	}
	return s.storeViewLocked(v, prev, "", "")
}

// viewsPublish publishes a user's home tab.
func (s *Server) viewsPublish(c Call) answer {
	if s.cfg.HomeTabOff {
		return errAnswer("not_enabled")
	}
	user := c.Param("user_id")
	if !isUserID(user) {
		return errAnswer("invalid_arguments")
	}
	v, bad := decodeView(c)
	if bad != nil {
		return *bad
	}
	if msgs := validateView(v, "home"); len(msgs) > 0 {
		return errAnswerMsgs("invalid_arguments", msgs)
	}
	var prev *View
	for _, old := range s.views {
		if old.Type == "home" && old.UserID == user {
			prev = old
		}
	}
	if prev != nil {
		if h := c.Param("hash"); h != "" && h != prev.Hash {
			return errAnswer("hash_conflict")
		}
	}
	return s.storeViewLocked(v, prev, "", user)
}
