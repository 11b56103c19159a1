package discordtest

import (
	"strconv"
	"strings"
)

// Interaction callback types.
const (
	callbackMessage         = 4
	callbackDeferredMessage = 5
	callbackDeferredUpdate  = 6
	callbackUpdateMessage   = 7
	callbackAutocomplete    = 8
	callbackModal           = 9
)

// Component types the fake checks.
const (
	componentActionRow    = 1
	componentButton       = 2
	componentStringSelect = 3
	componentTextInput    = 4
	componentLabel        = 18
)

// formError is Discord's 50035 "Invalid Form Body" with one field error at
// a dotted path ("components.0.components.1.custom_id"), nested the way
// Discord nests it.
func formError(path, code, message string) *apiErr {
	leaf := map[string]any{"_errors": []any{map[string]any{"code": code, "message": message}}}
	var errs map[string]any
	if path == "" {
		errs = leaf
	} else {
		parts := strings.Split(path, ".")
		node := leaf
		for i := len(parts) - 1; i >= 0; i-- {
			node = map[string]any{parts[i]: node}
		}
		errs = node
	}
	return &apiErr{status: 400, code: 50035, message: "Invalid Form Body", errors: errs}
}

// tooLong is the error for a string or list above its maximum.
func tooLong(path string, max int) *apiErr {
	return formError(path, "BASE_TYPE_MAX_LENGTH", "Must be "+strconv.Itoa(max)+" or fewer in length.")
}

// required is the error for a missing field.
func required(path string) *apiErr {
	return formError(path, "BASE_TYPE_REQUIRED", "This field is required")
}

// list returns v as a JSON array; null and absent are empty.
func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// number returns v as an int; absent is 0.
func number(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// str returns v as a string; absent is "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// validateMessage checks a message body against Discord's limits. With
// create, an empty message is refused (50006); edits may leave fields out.
func validateMessage(obj map[string]any, files int, create bool) *apiErr {
	if runeLen(obj["content"]) > 2000 {
		return tooLong("content", 2000)
	}
	embeds := list(obj["embeds"])
	if len(embeds) > 10 {
		return tooLong("embeds", 10)
	}
	if e := validateComponents(list(obj["components"])); e != nil {
		return e
	}
	if create && strings.TrimSpace(str(obj["content"])) == "" && len(embeds) == 0 && files == 0 &&
		len(list(obj["components"])) == 0 && len(list(obj["sticker_ids"])) == 0 && obj["poll"] == nil {
		return errEmptyMessage()
	}
	return nil
}

// validateComponents checks message action rows: at most 5 rows of at most
// 5 buttons, a select menu alone in its row, custom ids of at most 100
// characters and unique within the message.
func validateComponents(rows []any) *apiErr {
	if len(rows) > 5 {
		return tooLong("components", 5)
	}
	seen := map[string]bool{}
	for i, r := range rows {
		row, _ := r.(map[string]any)
		at := "components." + strconv.Itoa(i)
		if number(row["type"]) != componentActionRow {
			continue // Components V2 layouts are not checked
		}
		items := list(row["components"])
		if len(items) == 0 {
			return formError(at+".components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
		}
		if len(items) > 5 {
			return tooLong(at+".components", 5)
		}
		for j, it := range items {
			c, _ := it.(map[string]any)
			cat := at + ".components." + strconv.Itoa(j)
			typ := number(c["type"])
			if typ != componentButton && len(items) > 1 {
				return formError(at+".components", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width")
			}
			id := str(c["custom_id"])
			link := typ == componentButton && number(c["style"]) == 5
			switch {
			case link && str(c["url"]) == "":
				return required(cat + ".url")
			case !link && id == "":
				return required(cat + ".custom_id")
			case runeLen(id) > 100:
				return tooLong(cat+".custom_id", 100)
			case typ == componentButton && runeLen(c["label"]) > 80:
				return tooLong(cat+".label", 80)
			case len(list(c["options"])) > 25:
				return tooLong(cat+".options", 25)
			}
			if id != "" {
				if seen[id] {
					return formError(cat+".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
				}
				seen[id] = true
			}
		}
	}
	return nil
}

// validateModal checks a modal as Discord does (Component Reference:
// Label, String Select, Text Input): a custom id and title, one to five
// top-level components, each a Label wrapping one text input or string
// select (or, in the deprecated layout, an action row holding one text
// input), custom ids unique, and every length and count limit.
func validateModal(data map[string]any) *apiErr {
	switch {
	case str(data["custom_id"]) == "":
		return required("data.custom_id")
	case runeLen(data["custom_id"]) > 100:
		return tooLong("data.custom_id", 100)
	case str(data["title"]) == "":
		return required("data.title")
	case runeLen(data["title"]) > 45:
		return tooLong("data.title", 45)
	}
	rows := list(data["components"])
	if len(rows) == 0 {
		return formError("data.components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
	}
	if len(rows) > 5 {
		return tooLong("data.components", 5)
	}
	seen := map[string]bool{}
	for i, r := range rows {
		top, _ := r.(map[string]any)
		at := "data.components." + strconv.Itoa(i)
		var child map[string]any
		cat := ""
		switch number(top["type"]) {
		case componentLabel:
			switch {
			case str(top["label"]) == "":
				return required(at + ".label")
			case runeLen(top["label"]) > 45:
				return tooLong(at+".label", 45)
			case runeLen(top["description"]) > 100:
				return tooLong(at+".description", 100)
			}
			child, _ = top["component"].(map[string]any)
			cat = at + ".component"
			if child == nil {
				return required(cat)
			}
			if _, has := child["label"]; has && number(child["type"]) == componentTextInput {
				return formError(cat+".label", "COMPONENT_INVALID_FIELD", "A text input inside a label cannot have a label.")
			}
		case componentActionRow:
			items := list(top["components"])
			if len(items) != 1 {
				return formError(at, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width")
			}
			child, _ = items[0].(map[string]any)
			cat = at + ".components.0"
			if number(child["type"]) != componentTextInput {
				return formError(cat+".type", "COMPONENT_TYPE_INVALID", "Value must be one of {4}.")
			}
			switch {
			case str(child["label"]) == "":
				return required(cat + ".label")
			case runeLen(child["label"]) > 45:
				return tooLong(cat+".label", 45)
			}
		default:
			return formError(at+".type", "COMPONENT_TYPE_INVALID", "Value must be one of {1, 18}.")
		}
		id := str(child["custom_id"])
		switch {
		case id == "":
			return required(cat + ".custom_id")
		case runeLen(id) > 100:
			return tooLong(cat+".custom_id", 100)
		case seen[id]:
			return formError(cat+".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
		}
		seen[id] = true
		var e *apiErr
		switch number(child["type"]) {
		case componentTextInput:
			e = validateTextInput(cat, child)
		case componentStringSelect:
			e = validateModalSelect(cat, child)
		default:
			e = formError(cat+".type", "COMPONENT_TYPE_INVALID", "Value must be one of {3, 4}.")
		}
		if e != nil {
			return e
		}
	}
	return nil
}

// validateTextInput checks a text input's style and lengths.
func validateTextInput(at string, c map[string]any) *apiErr {
	switch {
	case number(c["style"]) != 1 && number(c["style"]) != 2:
		return formError(at+".style", "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
	case runeLen(c["placeholder"]) > 100:
		return tooLong(at+".placeholder", 100)
	case number(c["max_length"]) > 4000 || runeLen(c["value"]) > 4000:
		return formError(at+".max_length", "NUMBER_TYPE_MAX", "int value should be less than or equal to 4000.")
	case number(c["max_length"]) > 0 && runeLen(c["value"]) > number(c["max_length"]):
		return tooLong(at+".value", number(c["max_length"]))
	}
	return nil
}

// validateModalSelect checks a string select in a modal: 1–25 options
// with a label and value of at most 100 characters and a description of
// at most 100, a placeholder of at most 150, values counts in range, no
// more defaults than it may hold, and never disabled (an error in modals).
func validateModalSelect(at string, c map[string]any) *apiErr {
	opts := list(c["options"])
	switch {
	case len(opts) == 0:
		return formError(at+".options", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
	case len(opts) > 25:
		return tooLong(at+".options", 25)
	case runeLen(c["placeholder"]) > 150:
		return tooLong(at+".placeholder", 150)
	case c["disabled"] == true:
		return formError(at+".disabled", "COMPONENT_INVALID_FIELD", "Select menus in modals cannot be disabled.")
	}
	maxValues := 1
	if v, set := c["max_values"]; set {
		maxValues = number(v)
	}
	minValues := 1
	if v, set := c["min_values"]; set {
		minValues = number(v)
	}
	if maxValues < 1 || maxValues > 25 || minValues < 0 || minValues > maxValues {
		return formError(at+".max_values", "NUMBER_TYPE_MAX", "Values out of range.")
	}
	defaults := 0
	values := map[string]bool{}
	for j, o := range opts {
		opt, _ := o.(map[string]any)
		oat := at + ".options." + strconv.Itoa(j)
		switch {
		case str(opt["label"]) == "":
			return required(oat + ".label")
		case runeLen(opt["label"]) > 100:
			return tooLong(oat+".label", 100)
		case str(opt["value"]) == "":
			return required(oat + ".value")
		case runeLen(opt["value"]) > 100:
			return tooLong(oat+".value", 100)
		case runeLen(opt["description"]) > 100:
			return tooLong(oat+".description", 100)
		case values[str(opt["value"])]:
			return formError(oat+".value", "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Option values must be unique")
		}
		values[str(opt["value"])] = true
		if opt["default"] == true {
			defaults++
		}
	}
	if defaults > maxValues {
		return formError(at+".options", "SELECT_COMPONENT_TOO_MANY_DEFAULT_VALUES", "Too many default values.")
	}
	return nil
}

// validateCallback checks an interaction response: its type must suit the
// interaction, and its data must be a valid message or modal.
func validateCallback(in *interaction, typ int, data map[string]any, files int) *apiErr {
	allowed := map[int][]int{
		interactionCommand:      {callbackMessage, callbackDeferredMessage, callbackModal},
		interactionComponent:    {callbackMessage, callbackDeferredMessage, callbackDeferredUpdate, callbackUpdateMessage, callbackModal},
		interactionAutocomplete: {callbackAutocomplete},
		interactionModalSubmit:  {callbackMessage, callbackDeferredMessage},
	}[in.kind]
	if in.kind == interactionModalSubmit && in.messageID != "" {
		allowed = append(allowed, callbackDeferredUpdate, callbackUpdateMessage)
	}
	valid := false
	for _, a := range allowed {
		valid = valid || a == typ
	}
	if !valid {
		return formError("type", "BASE_TYPE_CHOICES", "Value must be one of "+choices(allowed)+".")
	}
	switch typ {
	case callbackMessage:
		if data == nil {
			return errEmptyMessage()
		}
		return validateMessage(data, files, true)
	case callbackUpdateMessage:
		return validateMessage(data, files, false)
	case callbackModal:
		return validateModal(data)
	}
	return nil
}

// choices formats allowed values as Discord's error message does.
func choices(vs []int) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.Itoa(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// validateCommands checks command definitions for a bulk overwrite: names
// lowercase and matching Discord's pattern, descriptions 1–100 characters
// for slash commands, at most 25 options, unique names, and the same of
// their translations (name_localizations, description_localizations),
// keyed by Discord's locales.
func validateCommands(defs []map[string]any) *apiErr {
	names := map[string]bool{}
	for i, d := range defs {
		at := strconv.Itoa(i)
		name := str(d["name"])
		slash := number(d["type"]) <= 1 // absent means CHAT_INPUT
		if e := checkName(at+".name", name, slash); e != nil {
			return e
		}
		if names[name] {
			return formError(at+".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
		}
		names[name] = true
		if slash {
			if e := checkDescription(at+".description", d["description"]); e != nil {
				return e
			}
		}
		if e := checkLocalizations(at, d, slash); e != nil {
			return e
		}
		if p, set := d["default_member_permissions"]; set && p != nil {
			// A string bit set ("0": administrators only), as permissions
			// always are: they exceed what a JSON number holds exactly.
			if ps, ok := p.(string); !ok || ps == "" || strings.Trim(ps, "0123456789") != "" {
				return formError(at+".default_member_permissions", "BASE_TYPE_BAD_TYPE", "Must be a string of a permissions integer.")
			}
		}
		if e := validateOptions(at+".options", list(d["options"])); e != nil {
			return e
		}
	}
	return nil
}

// validateOptions checks options and, for subcommands, their options.
func validateOptions(at string, opts []any) *apiErr {
	if len(opts) > 25 {
		return tooLong(at, 25)
	}
	for j, o := range opts {
		opt, _ := o.(map[string]any)
		oat := at + "." + strconv.Itoa(j)
		if e := checkName(oat+".name", str(opt["name"]), true); e != nil {
			return e
		}
		if e := checkDescription(oat+".description", opt["description"]); e != nil {
			return e
		}
		if e := checkLocalizations(oat, opt, true); e != nil {
			return e
		}
		if len(list(opt["choices"])) > 25 {
			return tooLong(oat+".choices", 25)
		}
		if e := validateOptions(oat+".options", list(opt["options"])); e != nil {
			return e
		}
	}
	return nil
}

// checkName applies the command-name pattern; slash names must be lowercase.
func checkName(at, name string, slash bool) *apiErr {
	if name == "" {
		return required(at)
	}
	if !commandNameRE.MatchString(name) || (slash && strings.ToLower(name) != name) {
		return formError(at, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
	}
	return nil
}

// checkLocalizations checks a command's or option's translated names and
// descriptions, as Discord does: each map's keys must be Discord locales,
// each name follows the rules of a name, each description those of a
// description. Either map may be absent or null.
func checkLocalizations(at string, d map[string]any, slash bool) *apiErr {
	for _, field := range []string{"name_localizations", "description_localizations"} {
		v, set := d[field]
		if !set || v == nil {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return formError(at+"."+field, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
		}
		for loc, text := range m {
			fat := at + "." + field + "." + loc
			if !discordLocales[loc] {
				return formError(fat, "BASE_TYPE_CHOICES", "Value must be one of the supported locales.")
			}
			s, ok := text.(string)
			if !ok {
				return formError(fat, "BASE_TYPE_BAD_TYPE", "Must be a string.")
			}
			if field == "name_localizations" {
				if e := checkName(fat, s, slash); e != nil {
					return e
				}
			} else if e := checkDescription(fat, s); e != nil {
				return e
			}
		}
	}
	return nil
}

// discordLocales are the locales Discord knows
// (https://discord.com/developers/docs/reference#locales).
var discordLocales = map[string]bool{
	"id": true, "da": true, "de": true, "en-GB": true, "en-US": true, "es-ES": true, "es-419": true,
	"fr": true, "hr": true, "it": true, "lt": true, "hu": true, "nl": true, "no": true, "pl": true,
	"pt-BR": true, "ro": true, "fi": true, "sv-SE": true, "vi": true, "tr": true, "cs": true, "el": true,
	"bg": true, "ru": true, "uk": true, "hi": true, "th": true, "zh-CN": true, "ja": true, "zh-TW": true, "ko": true,
}

// checkDescription requires 1–100 characters.
func checkDescription(at string, v any) *apiErr {
	n := runeLen(v)
	if n == 0 {
		return formError(at, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
	if n > 100 {
		return formError(at, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
	return nil
}
