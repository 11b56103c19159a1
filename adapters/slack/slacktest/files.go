package slacktest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// File is a file uploaded through the external upload flow:
// files.getUploadURLExternal, a POST of the bytes to the upload_url, then
// files.completeUploadExternal.
type File struct {
	ID     string
	Name   string
	Title  string
	Length int // the length announced to files.getUploadURLExternal
	Data   []byte
	// Uploaded is set once the bytes were posted to the upload_url.
	Uploaded bool
	// Completed is set by files.completeUploadExternal.
	Completed      bool
	Channel        string
	ThreadTS       string
	InitialComment string
	// Blocks are the blocks the share's message was given instead of an
	// initial comment, or nil.
	Blocks json.RawMessage
}

// Files returns every file the fake knows, in the order they were announced.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.files))
	for _, f := range s.files {
		out = append(out, *f)
	}
	// Ids come from one increasing sequence, so they sort by creation.
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// filesGetUploadURLExternal announces a file and hands out an upload_url on
// the fake.
func (s *Server) filesGetUploadURLExternal(c Call) answer {
	name := c.Param("filename")
	length, err := strconv.Atoi(c.Param("length"))
	if name == "" || err != nil || length <= 0 {
		return errAnswer("invalid_arguments")
	}
	id := s.idLocked("F")
	tok := strconv.Itoa(s.nextLocked()) + "-" + strings.ToLower(id)
	s.files[id] = &File{ID: id, Name: name, Length: length}
	s.fileTok[tok] = id
	return okAnswer(map[string]any{
		"upload_url": s.http.URL + "/upload/v1/" + tok,
		"file_id":    id,
	})
}

// filesCompleteUploadExternal completes uploaded files and shares them to a
// channel, which posts a message carrying them.
func (s *Server) filesCompleteUploadExternal(c Call) answer {
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := c.DecodeParam("files", &list); err != nil || len(list) == 0 {
		return errAnswer("invalid_arguments")
	}
	for _, item := range list {
		f, ok := s.files[item.ID]
		if !ok || !f.Uploaded {
			return errAnswer("file_not_found")
		}
	}
	// Blocks stand in for the comment; Slack ignores them beside one.
	var blocks json.RawMessage
	if c.Param("initial_comment") == "" {
		var bad *answer
		if blocks, bad = checkContent(c, false); bad != nil {
			return *bad
		}
	}
	channel := c.Param("channel_id")
	if channel == "" {
		channel, _, _ = strings.Cut(c.Param("channels"), ",")
	}
	var out []map[string]any
	var ids []string
	for _, item := range list {
		f := s.files[item.ID]
		f.Title = item.Title
		if f.Title == "" {
			f.Title = f.Name
		}
		f.Completed, f.Channel = true, channel
		f.ThreadTS, f.InitialComment, f.Blocks = c.Param("thread_ts"), c.Param("initial_comment"), blocks
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
		ids = append(ids, f.ID)
	}
	if channel != "" {
		// Sharing a file posts a message carrying it.
		s.messages = append(s.messages, Message{
			Channel: channel, TS: s.tsLocked(), ThreadTS: c.Param("thread_ts"),
			User: s.cfg.BotUserID, BotID: s.cfg.BotID, Text: c.Param("initial_comment"), Blocks: blocks, FileIDs: ids,
		})
	}
	return okAnswer(map[string]any{"files": out})
}

// serveUpload takes the bytes posted to an upload_url, as a multipart
// "file" part or as the raw body.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.URL.Path, "/upload/v1/")
	c := Call{Method: MethodUpload, At: time.Now(), Params: map[string][]string{}}
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		c.Token = auth
	}
	var data []byte
	var readErr error
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType == "multipart/form-data" {
		c.Encoding = "multipart"
		if readErr = r.ParseMultipartForm(maxBody); readErr == nil {
			for k, v := range r.MultipartForm.Value {
				c.Params[k] = v
			}
			if part, hdr, err := r.FormFile("file"); err == nil {
				c.Params.Set("filename", hdr.Filename)
				data, readErr = io.ReadAll(part)
				_ = part.Close()
			} else {
				readErr = err
			}
		}
	} else {
		data, readErr = io.ReadAll(io.LimitReader(r.Body, maxBody))
	}

	s.mu.Lock()
	var a answer
	id, known := s.fileTok[tok]
	c.Params.Set("file_id", id)
	c.Params.Set("size", strconv.Itoa(len(data)))
	switch f, faulted := s.popFaultLocked(MethodUpload); {
	case faulted:
		a = faultAnswer(f)
	case !known:
		a = answer{status: http.StatusNotFound, body: []byte("not found")}
	case readErr != nil:
		a = answer{status: http.StatusBadRequest, body: []byte("bad upload")}
	default:
		file := s.files[id]
		file.Data, file.Uploaded = data, true
		a = answer{status: http.StatusOK, header: http.Header{"Content-Type": {"text/plain"}},
			body: []byte("OK - " + strconv.Itoa(len(data)))}
	}
	s.recordLocked(c, a)
	s.mu.Unlock()
	a.write(w)
}

// serveResponseURL takes a post to a response_url.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	c, err := readCall(r, MethodResponseURL)
	s.mu.Lock()
	var a answer
	ru, known := s.respURLs[r.URL.Path]
	switch f, faulted := s.popFaultLocked(MethodResponseURL); {
	case faulted:
		a = faultAnswer(f)
	case !known:
		a = answer{status: http.StatusNotFound, body: []byte("no_service")}
	case err != nil || c.Encoding != "json":
		a = answer{status: http.StatusBadRequest, body: []byte("invalid_payload")}
	case ru.uses >= maxResponseURLUses:
		a = answer{status: http.StatusNotFound, body: []byte("used_url")}
	case !blocksValid(c.Param("blocks")):
		// Block Kit's limits hold here as in chat.postMessage.
		a = answer{status: http.StatusBadRequest, body: []byte("invalid_blocks")}
	default:
		ru.uses++
		s.applyResponseLocked(ru, c)
		a = jsonAnswer(map[string]any{"ok": true})
	}
	s.recordLocked(c, a)
	s.mu.Unlock()
	a.write(w)
}

// blocksValid reports whether a response_url post's blocks (JSON, maybe
// empty or null) keep to a message's limits.
func blocksValid(raw string) bool {
	if raw == "" || raw == "null" {
		return true
	}
	var list []any
	return json.Unmarshal([]byte(raw), &list) == nil && len(validateBlocks(list, maxMessageBlocks, "")) == 0
}

// rawJSON returns v as JSON, for payload fields that hold JSON.
func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}
