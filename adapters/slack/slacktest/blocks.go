package slacktest

import (
	"fmt"
	"unicode/utf8"
)

// Block Kit limits the fake enforces, as Slack documents them. Exceeding
// one gets the error a real workspace gives, so adapter tests catch messages
// Slack would refuse.
const (
	maxMessageBlocks  = 50
	maxModalBlocks    = 100
	maxSectionText    = 3000
	maxHeaderText     = 150
	maxButtonText     = 75
	maxIDLen          = 255 // block_id, action_id, callback_id
	maxViewTitle      = 24  // title, submit and close texts of a view
	maxPrivateMeta    = 3000
	maxActionElements = 25
)

// limitMsg formats a limit error as Slack does in response_metadata.messages.
func limitMsg(pointer string, limit int) string {
	return fmt.Sprintf("[ERROR] must be less than %d characters [json-pointer:%s]", limit+1, pointer)
}

// textOf returns the "text" of a text object such as {"type":"plain_text",...}.
func textOf(v any) (string, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	t, ok := obj["text"].(string)
	return t, ok
}

// validateBlocks checks a list of blocks against the limits and returns
// Slack-style error messages; pointer prefixes their json-pointers.
func validateBlocks(blocks []any, max int, pointer string) []string {
	var msgs []string
	if len(blocks) > max {
		msgs = append(msgs, fmt.Sprintf("[ERROR] no more than %d items allowed [json-pointer:%s/blocks]", max, pointer))
	}
	seen := map[string]bool{}
	for i, b := range blocks {
		at := fmt.Sprintf("%s/blocks/%d", pointer, i)
		block, ok := b.(map[string]any)
		if !ok {
			msgs = append(msgs, "[ERROR] must be an object [json-pointer:"+at+"]")
			continue
		}
		if _, ok := block["type"].(string); !ok {
			msgs = append(msgs, "[ERROR] missing required field: type [json-pointer:"+at+"]")
		}
		if id, ok := block["block_id"].(string); ok {
			if utf8.RuneCountInString(id) > maxIDLen {
				msgs = append(msgs, limitMsg(at+"/block_id", maxIDLen))
			}
			if seen[id] {
				msgs = append(msgs, "[ERROR] duplicate block_id [json-pointer:"+at+"/block_id]")
			}
			seen[id] = true
		}
		switch block["type"] {
		case "section":
			if t, ok := textOf(block["text"]); ok && utf8.RuneCountInString(t) > maxSectionText {
				msgs = append(msgs, limitMsg(at+"/text/text", maxSectionText))
			}
			msgs = append(msgs, validateElement(block["accessory"], at+"/accessory")...)
		case "header":
			if t, ok := textOf(block["text"]); ok && utf8.RuneCountInString(t) > maxHeaderText {
				msgs = append(msgs, limitMsg(at+"/text/text", maxHeaderText))
			}
		case "actions":
			elems, _ := block["elements"].([]any)
			if len(elems) > maxActionElements {
				msgs = append(msgs, fmt.Sprintf("[ERROR] no more than %d items allowed [json-pointer:%s/elements]", maxActionElements, at))
			}
			for j, e := range elems {
				msgs = append(msgs, validateElement(e, fmt.Sprintf("%s/elements/%d", at, j))...)
			}
		case "input":
			msgs = append(msgs, validateElement(block["element"], at+"/element")...)
		}
	}
	return msgs
}

// validateElement checks one interactive element (a button, a select...).
func validateElement(v any, at string) []string {
	e, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var msgs []string
	if id, ok := e["action_id"].(string); ok && utf8.RuneCountInString(id) > maxIDLen {
		msgs = append(msgs, limitMsg(at+"/action_id", maxIDLen))
	}
	if e["type"] == "button" {
		if t, ok := textOf(e["text"]); ok && utf8.RuneCountInString(t) > maxButtonText {
			msgs = append(msgs, limitMsg(at+"/text/text", maxButtonText))
		}
	}
	return msgs
}

// validateView checks a view object for views.open, push, update and
// publish; wantType is "modal" or "home".
func validateView(v map[string]any, wantType string) []string {
	var msgs []string
	if v["type"] != wantType {
		msgs = append(msgs, fmt.Sprintf("[ERROR] must be %q [json-pointer:/view/type]", wantType))
	}
	if wantType == "modal" {
		t, ok := textOf(v["title"])
		switch {
		case !ok:
			msgs = append(msgs, "[ERROR] missing required field: title [json-pointer:/view/title]")
		case utf8.RuneCountInString(t) > maxViewTitle:
			msgs = append(msgs, limitMsg("/view/title/text", maxViewTitle))
		}
		for _, key := range []string{"submit", "close"} {
			if t, ok := textOf(v[key]); ok && utf8.RuneCountInString(t) > maxViewTitle {
				msgs = append(msgs, limitMsg("/view/"+key+"/text", maxViewTitle))
			}
		}
	}
	if id, _ := v["callback_id"].(string); utf8.RuneCountInString(id) > maxIDLen {
		msgs = append(msgs, limitMsg("/view/callback_id", maxIDLen))
	}
	if pm, _ := v["private_metadata"].(string); len(pm) > maxPrivateMeta {
		msgs = append(msgs, limitMsg("/view/private_metadata", maxPrivateMeta))
	}
	blocks, _ := v["blocks"].([]any)
	msgs = append(msgs, validateBlocks(blocks, maxModalBlocks, "/view")...)
	return msgs
}
