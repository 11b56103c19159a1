package slacktest

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
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
	maxInputLabel     = 2000 // an input block's label and hint
	maxPlaceholder    = 150  // an element's placeholder
	maxOptionText     = 75   // an option's text
	maxOptionValue    = 150  // an option's value
	maxButtonValue    = 2000
	maxSelectOptions  = 100 // static_select options
	maxRadioOptions   = 10  // radio_buttons and checkboxes options
	maxTextInputLen   = 3000
	maxContextItems   = 10
)

// inputElements are the element types an input block takes.
var inputElements = map[string]bool{
	"plain_text_input": true, "number_input": true, "email_text_input": true, "url_text_input": true,
	"datepicker": true, "timepicker": true, "datetimepicker": true,
	"static_select": true, "radio_buttons": true, "checkboxes": true, "multi_static_select": true,
	"users_select": true, "multi_users_select": true, "conversations_select": true, "channels_select": true,
}

// elementFields are the fields each element type the fake knows may have,
// besides type and action_id, as Slack's block element reference lists
// them. A field outside its list is refused, as Slack refuses it: a
// datetimepicker has no placeholder, for one.
var elementFields = map[string][]string{
	"button":           {"text", "value", "url", "style", "confirm", "accessibility_label"},
	"plain_text_input": {"placeholder", "initial_value", "multiline", "min_length", "max_length", "dispatch_action_config", "focus_on_load"},
	"number_input":     {"is_decimal_allowed", "placeholder", "initial_value", "min_value", "max_value", "dispatch_action_config", "focus_on_load"},
	"datepicker":       {"placeholder", "initial_date", "confirm", "focus_on_load"},
	"timepicker":       {"placeholder", "initial_time", "timezone", "confirm", "focus_on_load"},
	"datetimepicker":   {"initial_date_time", "confirm", "focus_on_load"},
	"static_select":    {"placeholder", "options", "option_groups", "initial_option", "confirm", "focus_on_load"},
	"radio_buttons":    {"options", "initial_option", "confirm", "focus_on_load"},
}

var (
	dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timeRe = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
	// unixRe is a datetimepicker's initial_date_time: 10 digits.
	unixRe = regexp.MustCompile(`^\d{10}$`)
)

// errMsg formats a Slack-style error message at a json-pointer.
func errMsg(text, pointer string) string {
	return fmt.Sprintf("[ERROR] %s [json-pointer:%s]", text, pointer)
}

// textLimit checks a text object's text at obj[key] against limit.
func textLimit(obj map[string]any, key string, limit int, at string) []string {
	if t, ok := textOf(obj[key]); ok && utf8.RuneCountInString(t) > limit {
		return []string{limitMsg(at+"/"+key+"/text", limit)}
	}
	return nil
}

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
			msgs = append(msgs, validateInput(block, at)...)
		case "context":
			if elems, _ := block["elements"].([]any); len(elems) > maxContextItems {
				msgs = append(msgs, fmt.Sprintf("[ERROR] no more than %d items allowed [json-pointer:%s/elements]", maxContextItems, at))
			}
		}
	}
	return msgs
}

// validateInput checks an input block: its label and hint, and that its
// element is one an input takes.
func validateInput(block map[string]any, at string) []string {
	var msgs []string
	if _, ok := textOf(block["label"]); !ok {
		msgs = append(msgs, errMsg("missing required field: label", at))
	}
	msgs = append(msgs, textLimit(block, "label", maxInputLabel, at)...)
	msgs = append(msgs, textLimit(block, "hint", maxInputLabel, at)...)
	el, ok := block["element"].(map[string]any)
	if !ok {
		return append(msgs, errMsg("missing required field: element", at))
	}
	if typ, _ := el["type"].(string); !inputElements[typ] {
		msgs = append(msgs, errMsg(fmt.Sprintf("%q is not an input element", typ), at+"/element/type"))
	}
	return append(msgs, validateElement(el, at+"/element")...)
}

// validateElement checks one interactive element (a button, a select, an
// input...) against the limits and shapes Slack documents for its type.
func validateElement(v any, at string) []string {
	e, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var msgs []string
	if id, ok := e["action_id"].(string); ok && utf8.RuneCountInString(id) > maxIDLen {
		msgs = append(msgs, limitMsg(at+"/action_id", maxIDLen))
	}
	typ, _ := e["type"].(string)
	if fields, known := elementFields[typ]; known {
		allowed := map[string]bool{"type": true, "action_id": true}
		for _, f := range fields {
			allowed[f] = true
		}
		for k := range e {
			if !allowed[k] {
				msgs = append(msgs, errMsg(fmt.Sprintf("%s has no field %q", typ, k), at+"/"+k))
			}
		}
	}
	msgs = append(msgs, textLimit(e, "placeholder", maxPlaceholder, at)...)
	switch typ {
	case "button":
		msgs = append(msgs, textLimit(e, "text", maxButtonText, at)...)
		if v, _ := e["value"].(string); utf8.RuneCountInString(v) > maxButtonValue {
			msgs = append(msgs, limitMsg(at+"/value", maxButtonValue))
		}
	case "static_select":
		msgs = append(msgs, validateOptions(e, maxSelectOptions, at)...)
	case "radio_buttons":
		msgs = append(msgs, validateOptions(e, maxRadioOptions, at)...)
	case "plain_text_input":
		maxLen, hasMax := e["max_length"].(float64)
		if hasMax && (maxLen < 1 || maxLen > maxTextInputLen) {
			msgs = append(msgs, errMsg(fmt.Sprintf("max_length must be from 1 to %d", maxTextInputLen), at+"/max_length"))
		}
		if iv, _ := e["initial_value"].(string); hasMax && float64(utf8.RuneCountInString(iv)) > maxLen {
			msgs = append(msgs, errMsg("initial_value is longer than max_length", at+"/initial_value"))
		}
	case "number_input":
		msgs = append(msgs, validateNumberInput(e, at)...)
	case "datepicker":
		if d, ok := e["initial_date"].(string); ok {
			if _, err := time.Parse(time.DateOnly, d); err != nil || !dateRe.MatchString(d) {
				msgs = append(msgs, errMsg("initial_date must be YYYY-MM-DD", at+"/initial_date"))
			}
		}
	case "timepicker":
		if t, ok := e["initial_time"].(string); ok && !timeRe.MatchString(t) {
			msgs = append(msgs, errMsg("initial_time must be HH:mm", at+"/initial_time"))
		}
		if tz, ok := e["timezone"].(string); ok {
			if _, err := time.LoadLocation(tz); err != nil || tz == "" {
				msgs = append(msgs, errMsg("timezone must be an IANA time zone", at+"/timezone"))
			}
		}
	case "datetimepicker":
		if n, ok := e["initial_date_time"].(float64); ok && !unixRe.MatchString(strconv.FormatFloat(n, 'f', -1, 64)) {
			msgs = append(msgs, errMsg("initial_date_time must be a Unix time of 10 digits", at+"/initial_date_time"))
		}
	}
	return msgs
}

// validateOptions checks a select's or radio group's options: how many,
// their text and values, and that initial_option is one of them.
func validateOptions(e map[string]any, max int, at string) []string {
	var msgs []string
	opts, _ := e["options"].([]any)
	if len(opts) == 0 && e["option_groups"] == nil {
		msgs = append(msgs, errMsg("options must have at least 1 item", at+"/options"))
	}
	if len(opts) > max {
		msgs = append(msgs, fmt.Sprintf("[ERROR] no more than %d items allowed [json-pointer:%s/options]", max, at))
	}
	values := map[string]bool{}
	for i, o := range opts {
		om, _ := o.(map[string]any)
		oat := fmt.Sprintf("%s/options/%d", at, i)
		msgs = append(msgs, textLimit(om, "text", maxOptionText, oat)...)
		v, _ := om["value"].(string)
		if utf8.RuneCountInString(v) > maxOptionValue {
			msgs = append(msgs, limitMsg(oat+"/value", maxOptionValue))
		}
		values[v] = true
	}
	if init, ok := e["initial_option"].(map[string]any); ok {
		if v, _ := init["value"].(string); !values[v] {
			msgs = append(msgs, errMsg("initial_option must be one of options", at+"/initial_option"))
		}
	}
	return msgs
}

// validateNumberInput checks a number_input: is_decimal_allowed is
// required, and min_value, max_value and initial_value are numbers in
// strings (whole ones unless decimals are allowed), in order.
func validateNumberInput(e map[string]any, at string) []string {
	var msgs []string
	dec, ok := e["is_decimal_allowed"].(bool)
	if !ok {
		msgs = append(msgs, errMsg("missing required field: is_decimal_allowed", at))
	}
	num := map[string]float64{}
	for _, k := range []string{"min_value", "max_value", "initial_value"} {
		raw, present := e[k]
		if !present {
			continue
		}
		s, isStr := raw.(string)
		n, err := strconv.ParseFloat(s, 64)
		if _, whole := strconv.Atoi(s); !isStr || err != nil || (!dec && whole != nil) {
			msgs = append(msgs, errMsg(k+" must be a number in a string", at+"/"+k))
			continue
		}
		num[k] = n
	}
	lo, hasLo := num["min_value"]
	hi, hasHi := num["max_value"]
	if hasLo && hasHi && lo > hi {
		msgs = append(msgs, errMsg("min_value cannot be greater than max_value", at+"/min_value"))
	}
	if iv, ok := num["initial_value"]; ok && ((hasLo && iv < lo) || (hasHi && iv > hi)) {
		msgs = append(msgs, errMsg("initial_value must be between min_value and max_value", at+"/initial_value"))
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
	if wantType == "home" {
		// A home tab has no title, submit or close of its own.
		for _, key := range []string{"title", "submit", "close"} {
			if _, ok := v[key]; ok {
				msgs = append(msgs, errMsg(key+" is not allowed in a home view", "/view/"+key))
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
