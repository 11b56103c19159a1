package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/porchlight/porchlight/bot"
)

// Threads keep the house channel readable: answers shared with the house
// go in a thread started on the round's prompt, and each activity's post
// opens a thread for talking about it (Channel › Start Thread from
// Message). A thread started from a message has that message's id, and a
// message has at most one.

// Discord's error codes for threads.
const (
	// codeThreadExists: a thread has already been created for this message.
	codeThreadExists = 160004
	// codeMissingPermissions: the bot lacks a permission (50013).
	codeMissingPermissions = 50013
)

// threadArchive is how long a thread stays in the channel's list after
// its last message, in minutes (60, 1440, 4320 or 10080): a day covers a
// check-in's window; posting in an archived thread brings it back.
const threadArchive = 1440

// maxThreadName is the limit on a thread's name.
const maxThreadName = 100

// threadFor returns the thread started on message msg of channel ch,
// starting it, named name, when there is none yet. ok is false when no
// thread can be had (the bot may not create threads, or the message is
// gone): the caller then posts in the channel. Other errors are the
// outbox's to retry.
func (a *Adapter) threadFor(ctx context.Context, ch, msg, name string) (thread string, ok bool, err error) {
	info, known := a.channels.Get(msg, time.Now())
	if known && info.thread {
		return msg, true, nil
	}
	th, err := a.startThread(ctx, ch, msg, name)
	switch {
	case err == nil:
		return th, true, nil
	case discordCode(err) == codeThreadExists:
		a.rememberThread(msg, ch)
		return msg, true, nil
	case discordCode(err) == codeMissingPermissions || restStatus(err) == http.StatusForbidden:
		a.threadsRefused.Do(func() {
			a.log.Warn("the bot may not start threads in the house channel; shared answers are posted in the channel. Give its role Create Public Threads and Send Messages in Threads", "channel", ch)
		})
		return "", false, nil
	case restStatus(err) == http.StatusNotFound:
		return "", false, nil
	}
	return "", false, classify("start thread", err)
}

// startThread starts a public thread on message msg of channel ch and
// returns its id. The body is Discord's documented one (discordgo's
// ThreadStart would add fields this endpoint does not take).
func (a *Adapter) startThread(ctx context.Context, ch, msg, name string) (string, error) {
	name = strings.TrimSpace(name)
	ep := discordgo.EndpointChannelMessageThread(ch, msg)
	body := struct {
		Name                string `json:"name"`
		AutoArchiveDuration int    `json:"auto_archive_duration"`
	}{clipRunes(name, maxThreadName), threadArchive}
	resp, err := a.session.RequestWithBucketID(http.MethodPost, ep, body, ep, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	var c discordgo.Channel
	if err := json.Unmarshal(resp, &c); err != nil || c.ID == "" {
		return "", fmt.Errorf("discord start thread: unreadable answer: %v", err)
	}
	a.rememberThread(c.ID, ch)
	return c.ID, nil
}

// rememberThread records that id is a thread of channel parent.
func (a *Adapter) rememberThread(id, parent string) {
	a.channels.Put(id, channelInfo{thread: true, parent: parent}, time.Now())
}

// openThread starts the discussion thread a new post asks for (an
// activity's). The post is already made, so a failure is logged, not
// returned: a retry would post it again.
func (a *Adapter) openThread(ctx context.Context, ref bot.MessageRef, name string) {
	if _, _, err := a.threadFor(ctx, ref.Channel, ref.ID, name); err != nil {
		a.log.Warn("starting a post's thread failed", "message", ref.ID, "err", err)
	}
}

// restStatus is the HTTP status of a failed REST call, or 0.
func restStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}
